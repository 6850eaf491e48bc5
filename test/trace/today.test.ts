// Today's kube-proxy through the simulator, outcome by outcome: data/wordpress-today (the wordpress
// node as kube-proxy 1.29+ programs it, nf_tables back end, flannel) and data/policies-today
// (traffic policies, load balancer source ranges, an external IP, Services without endpoints).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  fraction, loadNodeContext, parseDump, simulateConnections, traceConnection,
  type ConnectionSpec, type TraceOutcome,
} from "../../lib/index.js";
import { destination, matchedLines } from "./wordpress.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function load(dir: string) {
  const parsed = parseDump(readFileSync(`${root}data/${dir}/iptables-save.txt`, "utf8"), { file: "iptables-save.txt" });
  if (parsed.errors.length) throw new Error(`${dir} has errors: ${parsed.errors[0].message}`);
  const node = loadNodeContext(JSON.parse(readFileSync(`${root}data/${dir}/node.json`, "utf8")));
  return { dump: parsed.dump, node, trace: (spec: ConnectionSpec) => traceConnection(parsed.dump, node, spec) };
}

const half = fraction(1, 2);
const today = load("wordpress-today");
const policies = load("policies-today");

/** The KUBE-POSTROUTING steps of an outcome: line, whether the rule matched, and the mark around it. */
function postrouting(o: TraceOutcome) {
  return o.steps.filter((s) => s.kind === "rule" && s.chain === "KUBE-POSTROUTING").map((s) => ({ line: s.line, matched: s.matched, action: s.action }));
}

describe("data/wordpress-today: outside the cluster (172.16.1.100 on eth0)", () => {
  it("to the ClusterIP: the masquerade rule at the top of KUBE-SVC, then KUBE-POSTROUTING clears the mark and masquerades with --random-fully", () => {
    const t = today.trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    expect(t.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    expect(t.outcomes.map((o) => o.probability)).toEqual([half, half]);
    // 163 KUBE-SERVICES, 182 `! -s 10.253.0.0/16 ... -j KUBE-MARK-MASQ` at the top of KUBE-SVC, 116 MARK, 185 random, 126 DNAT,
    // 98 POSTROUTING -> KUBE-POSTROUTING, 123 the mark cleared, 124 MASQUERADE.
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([96, 163, 182, 116, 185, 126, 98, 123, 124]);
    expect(matchedLines(t.outcomes[1], "nat")).toEqual([96, 163, 182, 116, 186, 150, 98, 123, 124]);
    for (const o of t.outcomes) {
      expect(o).toMatchObject({ verdict: "accepted", delivery: "out", outInterface: "flannel.1", mark: 0 });
      expect(o.after.src).toBe("10.253.51.0");
      expect(o.snat).toMatchObject({ line: 124, chain: "KUBE-POSTROUTING", target: "MASQUERADE", to: "10.253.51.0:40000", interface: "flannel.1" });
      expect(o.snat!.why).toContain("--random-fully: the kernel picks the source port at random");
      // Marked 0x4000 in PREROUTING, so KUBE-FORWARD accepts it (line 43).
      expect(matchedLines(o, "filter")).toEqual([31, 32, 43]);
    }
    expect(postrouting(t.outcomes[0])).toEqual([
      { line: 122, matched: false, action: undefined },
      { line: 123, matched: true, action: "MARK 0x4000 -> 0x0" },
      { line: 124, matched: true, action: expect.stringMatching(/^MASQUERADE 172\.16\.1\.100:40000 -> 10\.253\.51\.0:40000/) },
    ]);
  });

  it("to the NodePort: KUBE-NODEPORTS -> KUBE-EXT (its masquerade rule) -> the same KUBE-SVC chain", () => {
    const t = today.trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 32765 });
    expect(t.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    expect(t.outcomes.map((o) => o.probability)).toEqual([half, half]);
    // 173 the last KUBE-SERVICES rule (--dst-type LOCAL), 118 KUBE-NODEPORTS, 110 KUBE-EXT's masquerade, 111 on to KUBE-SVC.
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([96, 173, 118, 110, 116, 111, 185, 126, 98, 123, 124]);
    expect(t.outcomes[0].after.src).toBe("10.253.51.0");
    // The reply goes back un-NATed to the address the client called.
    expect(t.outcomes[0].followUp!.reply[0].after).toMatchObject({ src: "172.16.1.10", sport: 32765, dst: "172.16.1.100", dport: 40000 });
  });

  it("ClientIP affinity in today's option order: the ClusterIP and the NodePort share one list per endpoint", () => {
    const first = today.trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    expect([...first.outcomes[1].state.recent.keys()]).toEqual(["KUBE-SEP-S4XJHNWZONJ7CQQ2"]);
    const again = traceConnection(today.dump, today.node, { src: "172.16.1.100", dst: "172.16.1.10", dport: 32765 }, { state: first.outcomes[1].state, now: 60 });
    expect(again.outcomes.map(destination)).toEqual(["10.253.84.4:80"]);
    expect(again.outcomes[0].probability).toEqual(fraction(1));
    // The rule that decided: `-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-S4XJHNWZONJ7CQQ2` (line 184).
    expect(matchedLines(again.outcomes[0], "nat")).toEqual([96, 173, 118, 110, 116, 111, 184, 150, 98, 123, 124]);
    const events = simulateConnections(today.dump, today.node, [
      { time: 0, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
      { time: 10799, src: "172.16.1.100", dst: "172.16.1.10", dport: 32765 },
      { time: 10799 + 10801, src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
    ], { seed: 3 });
    expect(events.map((e) => e.possible.length)).toEqual([2, 1, 2]);
    expect(destination(events[1].possible[0])).toBe(destination(events[0].possible[events[0].chosen]));
  });
});

describe("data/wordpress-today: pods and the node", () => {
  it("a pod to the ClusterIP: KUBE-POSTROUTING RETURNs (no mark) and flannel keeps pod-to-pod traffic unmasqueraded (2018: docker masqueraded it)", () => {
    const t = today.trace({ src: "10.253.51.9", dst: "10.254.42.62", dport: 80 });
    expect(t.origin.interface).toBe("cni0");
    for (const o of t.outcomes) {
      expect(o.snat).toBeNull();
      expect(o.after.src).toBe("10.253.51.9");
    }
    // 122 `-m mark ! --mark 0x4000/0x4000 -j RETURN`, 99 POSTROUTING -> FLANNEL-POSTRTG, 101 `-s 10.253.51.0/24 -d 10.253.0.0/16 -j RETURN`.
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([96, 163, 185, 126, 98, 122, 99, 101]);
    expect(postrouting(t.outcomes[0])).toEqual([{ line: 122, matched: true, action: "RETURN" }]);
  });

  it("a pod to heketi's endpoint on another node's host address: flannel's MASQUERADE --random-fully to eth0's address", () => {
    const t = today.trace({ src: "10.253.51.9", dst: "10.254.112.177", dport: 1 });
    expect(t.outcomes.map(destination)).toEqual(["172.16.1.10:1", "172.16.1.11:1", "172.16.1.12:1"]);
    expect(t.outcomes[0]).toMatchObject({ delivery: "local", snat: null });
    expect(t.outcomes[1].snat).toMatchObject({ line: 104, chain: "FLANNEL-POSTRTG", to: "172.16.1.10:40000", interface: "eth0" });
  });

  it("grafana calling its own Service: the hairpin rule marks it, masqueraded to cni0's address", () => {
    const t = today.trace({ src: "10.253.51.3", dst: "10.254.167.37", dport: 80 });
    expect(t.outcomes).toHaveLength(1);
    expect(t.outcomes[0]).toMatchObject({ outInterface: "cni0", mark: 0 });
    expect(t.outcomes[0].after).toMatchObject({ src: "10.253.51.1", dst: "10.253.51.3", dport: 3000 });
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([96, 171, 204, 145, 116, 146, 98, 123, 124]);
  });

  it("KUBE-FORWARD drops a packet conntrack calls INVALID (a stray segment from a wordpress pod), and nat never sees it", () => {
    const t = today.trace({ src: "10.253.25.4", sport: 80, dst: "10.253.51.9", dport: 40000, ctstate: "INVALID" });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o).toMatchObject({ verdict: "dropped", line: 42, reason: "DROP at line 42 (filter KUBE-FORWARD)", inInterface: "flannel.1", followUp: null });
    expect(matchedLines(o, "nat")).toEqual([]);
    expect(o.steps.find((s) => s.line === 31)!.reason).toBe("-m conntrack --ctstate NEW: the packet is INVALID");
    expect(matchedLines(o, "filter")).toEqual([32, 42]);
    // The same packet as the first of a new connection passes: KUBE-FORWARD's INVALID rule does not match it.
    const fresh = today.trace({ src: "10.253.25.4", sport: 80, dst: "10.253.51.9", dport: 40000 });
    expect(fresh.outcomes[0].verdict).toBe("accepted");
  });
});

describe("data/policies-today: externalTrafficPolicy Local", () => {
  it("the load balancer IP from outside: KUBE-EXT -> KUBE-SVL, the local endpoint only, the client's address kept", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "203.0.113.10", dport: 80 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o).toMatchObject({ verdict: "accepted", outInterface: "cni0", snat: null, mark: 0 });
    expect(o.after).toMatchObject({ src: "172.16.1.100", dst: "10.253.51.20", dport: 8080 });
    // 129 KUBE-SERVICES (loadbalancer IP) -> KUBE-EXT; 98-100 (pod and LOCAL sources) do not match; 101 -> KUBE-SVL; 149 -> KUBE-SEP; 125 DNAT;
    // 111 KUBE-POSTROUTING RETURN (no mark); 91 flannel's `! -s 10.253.0.0/16 -d 10.253.51.0/24 -j RETURN`.
    expect(matchedLines(o, "nat")).toEqual([84, 129, 101, 149, 125, 86, 111, 87, 91]);
    expect(o.steps.find((s) => s.line === 98)!.reason).toBe("-s 10.253.0.0/16: source is 172.16.1.100");
  });

  it("the NodePort on a node with a local endpoint: the same, through KUBE-NODEPORTS", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 31080 });
    expect(t.outcomes.map((o) => [destination(o), o.after.src, o.snat])).toEqual([["10.253.51.20:8080", "172.16.1.100", null]]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 136, 108, 101, 149, 125, 86, 111, 87, 91]);
  });

  it("from a pod, the load balancer IP is short-circuited to KUBE-SVC: every endpoint, as if the client were inside", () => {
    const t = policies.trace({ src: "10.253.51.9", dst: "203.0.113.10", dport: 80 });
    expect(t.outcomes.map((o) => [destination(o), o.probability, o.after.src])).toEqual([
      ["10.253.25.20:8080", half, "10.253.51.9"], ["10.253.51.20:8080", half, "10.253.51.9"],
    ]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 129, 98, 143, 127, 86, 111, 87, 89]);
  });

  it("from the node itself: --src-type LOCAL is masqueraded and routed to KUBE-SVC", () => {
    const t = policies.trace({ src: "172.16.1.10", dst: "172.16.1.10", dport: 31080, from: "local" });
    expect(t.outcomes.map((o) => [destination(o), o.after.src])).toEqual([["10.253.25.20:8080", "10.253.51.0"], ["10.253.51.20:8080", "10.253.51.1"]]);
    expect(matchedLines(t.outcomes[1], "nat")).toEqual([85, 136, 108, 99, 107, 100, 144, 125, 86, 112, 113]);
  });

  it("the NodePort of a Service with no endpoint on this node: KUBE-EXT lets it through without DNAT, filter KUBE-EXTERNAL-SERVICES drops it", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 31081 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o).toMatchObject({ verdict: "dropped", line: 41, reason: "DROP at line 41 (filter KUBE-EXTERNAL-SERVICES)", dnat: null });
    expect(matchedLines(o, "nat")).toEqual([84, 136, 109]);
    expect(matchedLines(o, "filter")).toEqual([27, 28, 29, 41]);
    // A pod is short-circuited to KUBE-SVC and reaches the endpoint on the other node.
    const pod = policies.trace({ src: "10.253.51.9", dst: "172.16.1.10", dport: 31081 });
    expect(pod.outcomes.map((x) => [x.verdict, destination(x)])).toEqual([["accepted", "10.253.25.21:8080"]]);
  });
});

describe("data/policies-today: internalTrafficPolicy Local", () => {
  it("a pod's connection to the ClusterIP stays on this node (KUBE-SVL), source kept", () => {
    const t = policies.trace({ src: "10.253.51.9", dst: "10.254.10.12", dport: 6379 });
    expect(t.outcomes.map((o) => [destination(o), o.probability, o.after.src])).toEqual([["10.253.51.22:6379", fraction(1), "10.253.51.9"]]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 131, 148, 117, 86, 111, 87, 89]);
  });

  it("from outside the cluster the masquerade rule at the top of KUBE-SVL applies", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "10.254.10.12", dport: 6379 });
    expect(t.outcomes.map((o) => [destination(o), o.after.src])).toEqual([["10.253.51.22:6379", "10.253.51.1"]]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 131, 147, 107, 148, 117, 86, 112, 113]);
  });

  it("with no endpoint on this node the ClusterIP is dropped in filter KUBE-SERVICES", () => {
    const t = policies.trace({ src: "10.253.51.9", dst: "10.254.10.13", dport: 6379 });
    expect(t.outcomes.map((o) => [o.verdict, o.line, o.reason])).toEqual([["dropped", 49, "DROP at line 49 (filter KUBE-SERVICES)"]]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84]);
  });
});

describe("data/policies-today: load balancer source ranges, external IPs, no endpoints", () => {
  it("an allowed source (172.16.1.100 in 172.16.1.96/28): KUBE-FW -> KUBE-EXT (masquerade) -> KUBE-SVC", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "203.0.113.20", dport: 443 });
    expect(t.outcomes.map((o) => [destination(o), o.probability, o.after.src])).toEqual([
      ["10.253.25.24:8443", half, "10.253.51.0"], ["10.253.84.24:8443", half, "10.253.51.0"],
    ]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 133, 105, 96, 107, 97, 140, 123, 86, 112, 113]);
  });

  it("a source outside the ranges falls off KUBE-FW (a rule with no target) and is dropped by KUBE-PROXY-FIREWALL", () => {
    const t = policies.trace({ src: "172.16.1.150", dst: "203.0.113.20", dport: 443 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o).toMatchObject({ verdict: "dropped", line: 48, reason: "DROP at line 48 (filter KUBE-PROXY-FIREWALL)", dnat: null });
    expect(o.steps.find((s) => s.line === 106)).toMatchObject({ matched: true, action: "no target: counted only" });
    expect(matchedLines(o, "nat")).toEqual([84, 133, 106]);
    expect(matchedLines(o, "filter")).toEqual([31, 48]);
  });

  it("the NodePort is not subject to the source ranges", () => {
    const t = policies.trace({ src: "172.16.1.150", dst: "172.16.1.10", dport: 31443 });
    expect(t.outcomes.map((o) => [o.verdict, destination(o)])).toEqual([["accepted", "10.253.25.24:8443"], ["accepted", "10.253.84.24:8443"]]);
  });

  it("an external IP: KUBE-SERVICES -> KUBE-EXT (masquerade) -> KUBE-SVC", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "198.51.100.30", dport: 80 });
    expect(t.outcomes.map((o) => [destination(o), o.after.src, o.outInterface])).toEqual([["10.253.84.25:8080", "10.253.51.0", "flannel.1"]]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([84, 135, 94, 107, 95, 138, 115, 86, 112, 113]);
  });

  it("a Service with no endpoints: REJECT in filter, with the line and icmp-port-unreachable, for the ClusterIP and the NodePort", () => {
    const pod = policies.trace({ src: "10.253.51.9", dst: "10.254.10.16", dport: 80 });
    expect(pod.outcomes.map((o) => [o.verdict, o.line, o.rejectWith, o.reason])).toEqual([
      ["rejected", 50, "icmp-port-unreachable", "REJECT at line 50 (filter KUBE-SERVICES)"],
    ]);
    expect(matchedLines(pod.outcomes[0], "filter")).toEqual([31, 32, 33, 50]);
    const node = policies.trace({ src: "172.16.1.10", dst: "10.254.10.16", dport: 80, from: "local" });
    expect(node.outcomes.map((o) => [o.verdict, o.line])).toEqual([["rejected", 50]]);
    expect(matchedLines(node.outcomes[0], "filter")).toEqual([36, 37, 50]);
    const nodePort = policies.trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 31090 });
    expect(nodePort.outcomes.map((o) => [o.verdict, o.line, o.rejectWith])).toEqual([["rejected", 42, "icmp-port-unreachable"]]);
  });

  it("the health check port is accepted by filter KUBE-NODEPORTS for kube-proxy's own server", () => {
    const t = policies.trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 32100 });
    expect(t.outcomes.map((o) => [o.verdict, o.delivery])).toEqual([["accepted", "local"]]);
    expect(matchedLines(t.outcomes[0], "filter")).toEqual([27, 28, 47]);
  });
});
