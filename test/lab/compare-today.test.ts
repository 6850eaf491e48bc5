// Comparing the kernel with the simulator on today's data (data/policies-today): connections
// stopped in the filter table (the rule that stopped them must be the one whose counter moved),
// and the client's SYN retransmissions of a dropped connection (each a first packet for nat).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compareConnection, loadNodeContext, natLineCounts, parseDump, traceConnection,
  type ConnectionObservation, type CountedRule, type ConnectionSpec, type TraceOutcome,
} from "../../lib/index.js";
import { root } from "./support.js";

const dump = parseDump(readFileSync(`${root}data/policies-today/iptables-save.txt`, "utf8")).dump;
const node = loadNodeContext(JSON.parse(readFileSync(`${root}data/policies-today/node.json`, "utf8")));

function counted(lines: Map<number, number>, table: "nat" | "filter"): CountedRule[] {
  return [...lines].map(([line, packets]) => ({ line, table, chain: "?", index: 0, packets }));
}

/** A failed connection as the kernel would report it, with nat counted `k` times and the filter lines given. */
function failed(spec: ConnectionSpec & { protocol: "tcp"; sport: number }, o: TraceOutcome, error: string, k: number, filterLines: number[]): ConnectionObservation {
  const nat = new Map([...natLineCounts(o)].map(([l, n]) => [l, n * k]));
  return {
    spec, answered: false, error, server: null, peer: null, nat: counted(nat, "nat"),
    filter: counted(new Map(filterLines.map((l) => [l, k])), "filter"), recent: {}, time: 0,
  };
}

describe("compareConnection on connections stopped in the filter table", () => {
  const denied = { protocol: "tcp" as const, src: "172.16.1.150", sport: 40000, dst: "203.0.113.20", dport: 443 };
  const trace = traceConnection(dump, node, denied, { followUp: false });
  const o = trace.outcomes[0];

  it("has the simulator's answer: dropped at KUBE-PROXY-FIREWALL's line 48", () => {
    expect([o.verdict, o.line]).toEqual(["dropped", 48]);
  });

  it("agrees when the kernel counted the nat lines once per SYN the client sent (it retransmits a dropped SYN)", () => {
    for (const k of [1, 2, 3]) expect(compareConnection(trace, failed(denied, o, "timeout", k, [31, 48])).agree).toBe(true);
  });

  it("disagrees when the nat lines were counted unevenly, or another line moved", () => {
    const obs = failed(denied, o, "timeout", 2, [31, 48]);
    const uneven = { ...obs, nat: obs.nat.map((r) => (r.line === 106 ? { ...r, packets: 1 } : r)) };
    expect(compareConnection(trace, uneven).reasons.join()).toMatch(/nat rule counters/);
    const extra = { ...obs, nat: [...obs.nat, { line: 96, table: "nat" as const, chain: "?", index: 0, packets: 2 }] };
    expect(compareConnection(trace, extra).agree).toBe(false);
  });

  it("disagrees when the kernel stopped it elsewhere: the simulator's filter line must have counted", () => {
    const c = compareConnection(trace, failed(denied, o, "timeout", 2, [31, 44]));
    expect(c.agree).toBe(false);
    expect(c.reasons).toContain("the simulator stops it at filter line 48, whose counter did not move in the kernel");
  });

  it("a REJECT: refused at once, the REJECT line counted", () => {
    const spec = { protocol: "tcp" as const, src: "10.253.51.9", sport: 40000, dst: "10.254.10.16", dport: 80 };
    const t = traceConnection(dump, node, spec, { followUp: false });
    expect([t.outcomes[0].verdict, t.outcomes[0].line]).toEqual(["rejected", 50]);
    expect(compareConnection(t, failed(spec, t.outcomes[0], "refused", 1, [31, 32, 33, 50])).agree).toBe(true);
    expect(compareConnection(t, failed(spec, t.outcomes[0], "refused", 1, [31, 32, 33])).agree).toBe(false);
    expect(compareConnection(t, failed(spec, t.outcomes[0], "timeout", 1, [31, 32, 33, 50])).agree).toBe(false);
  });
});
