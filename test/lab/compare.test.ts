import { describe, expect, it } from "vitest";
import {
  compareConnection, compareRecent, emptyState, natLineCounts, recentUpdate, traceConnection,
  type ConnectionObservation, type CountedRule, type KernelRecentLists, type Trace, type TraceOutcome,
} from "../../lib/index.js";
import { dump, node } from "./support.js";

const spec = { protocol: "tcp" as const, src: "172.16.1.100", sport: 40000, dst: "10.254.42.62", dport: 80 };
const trace: Trace = traceConnection(dump, node, spec, { followUp: false });

/** What the kernel would report if it took outcome `o` exactly. */
function observationOf(o: TraceOutcome): ConnectionObservation {
  const nat: CountedRule[] = [...natLineCounts(o)].map(([line, packets]) => ({ line, table: "nat", chain: "?", index: 0, packets }));
  const recent: KernelRecentLists = {};
  for (const [name, entries] of o.state.recent) {
    if (entries.length) recent[name] = entries.map((e) => ({ address: e.address, ttl: 64, hits: e.stamps.length, lastSeen: 1 }));
  }
  return {
    spec, answered: true, error: null, server: `${o.after.dst}:${o.after.dport}`, peer: `${o.after.src}:51234`, nat, recent, time: 0,
  };
}

describe("compareConnection", () => {
  it("has the two wordpress outcomes to compare with", () => {
    expect(trace.outcomes.map((o) => `${o.after.dst}:${o.after.dport}`)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
  });

  it("agrees when the kernel took one of the outcomes in every respect, and says which", () => {
    for (const [i, o] of trace.outcomes.entries()) {
      const c = compareConnection(trace, observationOf(o));
      expect(c).toMatchObject({ agree: true, outcome: i, reasons: [] });
      expect(c.kernel).toContain(`${o.after.dst}:${o.after.dport} answered`);
    }
  });

  it("ignores the source port a MASQUERADE without ports picked", () => {
    const obs = observationOf(trace.outcomes[0]);
    expect(compareConnection(trace, { ...obs, peer: "10.253.51.0:1" }).agree).toBe(true);
  });

  it("disagrees on a different source address", () => {
    const obs = { ...observationOf(trace.outcomes[0]), peer: "172.16.1.100:40000" };
    const c = compareConnection(trace, obs);
    expect(c.agree).toBe(false);
    expect(c.outcome).toBeNull();
    expect(c.reasons).toEqual(["the server saw source 172.16.1.100, the simulator says 10.253.51.0"]);
  });

  it("disagrees on an endpoint the simulator does not offer", () => {
    const c = compareConnection(trace, { ...observationOf(trace.outcomes[0]), server: "10.253.25.5:80" });
    expect(c.agree).toBe(false);
    expect(c.reasons.join()).toContain("answered by 10.253.25.5:80");
  });

  it("disagrees when the path (nat counters) is another outcome's", () => {
    const a = observationOf(trace.outcomes[0]);
    const b = observationOf(trace.outcomes[1]);
    const c = compareConnection(trace, { ...a, nat: b.nat });
    expect(c.agree).toBe(false);
    expect(c.reasons.join()).toMatch(/nat rule counters/);
  });

  it("counts packets per rule: a rule counted twice is not the same as once", () => {
    const t = traceConnection(dump, node, { src: "172.16.1.10", dst: "10.254.0.1", dport: 443, from: "local" }, { followUp: false });
    const o = t.outcomes[0];
    expect(natLineCounts(o).get(85)).toBe(2); // KUBE-MARK-MASQ's MARK rule, jumped to twice
    const obs = observationOf(o);
    expect(compareConnection(t, obs).agree).toBe(true);
    const once = { ...obs, nat: obs.nat.map((r) => (r.line === 85 ? { ...r, packets: 1 } : r)) };
    const c = compareConnection(t, once);
    expect(c.agree).toBe(false);
    expect(c.reasons[0]).toMatch(/lines \[85\].*\[85×2\]/);
  });

  it("compares the xt_recent lists", () => {
    const obs = observationOf(trace.outcomes[0]);
    expect(Object.keys(obs.recent)).toEqual(["KUBE-SEP-Q6QA3I2UU4P2TRVC"]);
    const c = compareConnection(trace, { ...obs, recent: {} });
    expect(c.agree).toBe(false);
    expect(c.reasons).toEqual(["xt_recent list KUBE-SEP-Q6QA3I2UU4P2TRVC: kernel [], simulator [172.16.1.100×1]"]);
    expect(compareConnection(trace, { ...obs, recent: {} }, { checkRecent: false }).agree).toBe(true);
  });

  it("matches an unanswered connection only with a dropped or rejected outcome", () => {
    const obs = { ...observationOf(trace.outcomes[0]), answered: false, error: "timeout", server: null, peer: null };
    const c = compareConnection(trace, obs);
    expect(c.agree).toBe(false);
    expect(c.reasons[0]).toMatch(/no server answered \(timeout\)/);
    const dropped: Trace = { ...trace, outcomes: [{ ...trace.outcomes[0], verdict: "dropped", delivery: null }] };
    expect(compareConnection(dropped, obs).agree).toBe(true);
    expect(compareConnection(dropped, { ...obs, error: "refused" }).agree).toBe(false);
  });
});

describe("compareRecent", () => {
  it("compares addresses and hit counts, list by list", () => {
    let lists = recentUpdate(emptyState().recent, "L", "1.2.3.4", 0, 64);
    lists = recentUpdate(lists, "L", "1.2.3.4", 1, 64);
    expect(compareRecent({ L: [{ address: "1.2.3.4", ttl: 64, hits: 2, lastSeen: 0 }] }, lists)).toEqual([]);
    expect(compareRecent({ L: [{ address: "1.2.3.4", ttl: 64, hits: 1, lastSeen: 0 }] }, lists)).toEqual(["xt_recent list L: kernel [1.2.3.4×1], simulator [1.2.3.4×2]"]);
    expect(compareRecent({ M: [{ address: "5.6.7.8", ttl: 64, hits: 1, lastSeen: 0 }] }, lists)).toHaveLength(2);
  });
});

describe("the lab's probe for the service range", () => {
  it("is recorded as reaching the probe, not as an answer, and the simulator's side says nothing owns the address", () => {
    const t = traceConnection(dump, node, { src: "10.253.51.9", dst: "10.254.42.62", dport: 81 }, { followUp: false });
    const obs = { ...observationOf(t.outcomes[0]), peer: "172.16.1.10:51234", probe: true };
    const c = compareConnection(t, obs);
    expect(c.agree).toBe(true);
    expect(c.kernel).toMatch(/^10\.254\.42\.62:81 reached the lab's probe, saw 172\.16\.1\.10:51234 \(.*in a real cluster nothing answers\)/);
    expect(c.kernel).not.toContain("answered,");
    expect(c.simulator).toBe("100% 10.254.42.62:81 from 172.16.1.10, which nothing owns (no Service rule matched); nat lines 77,81,82");
  });
});
