// The post's walkthrough as tests: each connection's exact outcomes, NAT and rule lines.
import { describe, expect, it } from "vitest";
import { fraction, sum, type Fraction } from "../../lib/index.js";
import { destination, matchedLines, trace } from "./wordpress.js";

const half = fraction(1, 2);
const probs = (os: { probability: Fraction }[]) => os.map((o) => o.probability);

describe("from a machine outside the cluster (172.16.1.100 on eth0)", () => {
  it("to the ClusterIP: two endpoints at exactly 1/2, marked 0x4000 and masqueraded to flannel.1's address", () => {
    const t = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 });
    expect(t.origin).toEqual({ local: false, interface: "eth0", inferred: true });
    expect(t.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    expect(probs(t.outcomes)).toEqual([half, half]);
    for (const o of t.outcomes) {
      expect(o.verdict).toBe("accepted");
      expect(o.delivery).toBe("out");
      expect(o.outInterface).toBe("flannel.1");
      expect(o.mark).toBe(0x4000);
      expect(o.snat).toMatchObject({ target: "MASQUERADE", line: 96, to: "10.253.51.0:40000", interface: "flannel.1" });
      expect(o.after.src).toBe("10.253.51.0");
    }
    expect(t.outcomes[0].dnat).toMatchObject({ line: 118, from: "10.254.42.62:80", to: "10.253.25.4:80", chain: "KUBE-SEP-Q6QA3I2UU4P2TRVC" });
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([77, 139, 85, 140, 174, 118, 81, 96]);
    expect(matchedLines(t.outcomes[1], "nat")).toEqual([77, 139, 85, 140, 175, 114, 81, 96]);
    expect(matchedLines(t.outcomes[0], "filter")).toEqual([14, 28]);
  });

  it("explains why skipped rules did not match", () => {
    const o = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[0];
    const skipped = o.steps.find((s) => s.line === 131)!;
    expect(skipped.matched).toBe(false);
    expect(skipped.reason).toBe("-d 10.254.112.177/32: destination is 10.254.42.62");
    const affinity = o.steps.find((s) => s.line === 172)!;
    expect(affinity.reason).toContain("172.16.1.100 is not in list KUBE-SEP-Q6QA3I2UU4P2TRVC");
  });

  it("to the NodePort on the node's address: KUBE-NODEPORTS leads to the same KUBE-SVC chain", () => {
    const t = trace({ src: "172.16.1.100", dst: "172.16.1.10", dport: 32765 });
    expect(t.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    expect(probs(t.outcomes)).toEqual([half, half]);
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([77, 159, 88, 85, 89, 174, 118, 81, 96]);
    expect(t.outcomes[0].after.src).toBe("10.253.51.0");
    // The reply is un-NATed back to the address the client called.
    const reply = t.outcomes[0].followUp!.reply[0];
    expect(reply.before).toMatchObject({ src: "10.253.25.4", sport: 80, dst: "10.253.51.0" });
    expect(reply.after).toMatchObject({ src: "172.16.1.10", sport: 32765, dst: "172.16.1.100", dport: 40000 });
    expect(reply.outInterface).toBe("eth0");
  });

  it("to the kubernetes API service, whose endpoint is the node itself: delivered locally, not masqueraded", () => {
    const t = trace({ src: "172.16.1.100", dst: "10.254.0.1", dport: 443 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o.delivery).toBe("local");
    expect(destination(o)).toBe("172.16.1.10:6443");
    expect(o.snat).toBeNull();
    expect(o.after.src).toBe("172.16.1.100");
    expect(o.mark).toBe(0x4000);
    expect(matchedLines(o, "nat")).toEqual([77, 141, 85, 142, 170, 108]);
  });
});

describe("from a pod on this node (10.253.51.9 on docker0)", () => {
  it("to the ClusterIP: not marked, but docker's own MASQUERADE rule rewrites the source", () => {
    const t = trace({ src: "10.253.51.9", dst: "10.254.42.62", dport: 80 });
    expect(t.origin.interface).toBe("docker0");
    expect(probs(t.outcomes)).toEqual([half, half]);
    for (const o of t.outcomes) {
      expect(o.mark).toBe(0);
      expect(o.snat).toMatchObject({ target: "MASQUERADE", line: 82, to: "10.253.51.0:40000" });
    }
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([77, 140, 174, 118, 81, 82]);
    expect(matchedLines(t.outcomes[0], "filter")).toEqual([14, 15, 26, 16, 25, 19]);
  });

  it("to the NodePort: KUBE-SERVICES' last rule (addrtype LOCAL) sends it to KUBE-NODEPORTS", () => {
    const t = trace({ src: "10.253.51.9", dst: "172.16.1.10", dport: 32765 });
    expect(t.outcomes.map(destination)).toEqual(["10.253.25.4:80", "10.253.84.4:80"]);
    const o = t.outcomes[0];
    expect(o.mark).toBe(0x4000);
    expect(matchedLines(o, "nat")).toEqual([77, 159, 88, 85, 89, 174, 118, 81, 96]);
    expect(o.after.src).toBe("10.253.51.0");
  });

  it("straight to a pod on another node: no DNAT, and docker's rule masquerades it", () => {
    const t = trace({ src: "10.253.51.9", dst: "10.253.25.4", dport: 80 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(o.dnat).toBeNull();
    expect(o.outInterface).toBe("flannel.1");
    expect(o.snat).toMatchObject({ line: 82, to: "10.253.51.0:40000" });
  });

  it("DNS over UDP: one endpoint, the UDP rules", () => {
    const t = trace({ protocol: "udp", src: "10.253.51.9", dst: "10.254.0.2", dport: 53 });
    expect(t.outcomes).toHaveLength(1);
    expect(destination(t.outcomes[0])).toBe("10.253.84.2:53");
    expect(t.outcomes[0].dnat).toMatchObject({ line: 106, chain: "KUBE-SEP-CTVLE2NAKC2V236E" });
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([77, 150, 177, 106, 81, 82]);
  });

  it("the three-way heketi split uses the kernel's quantised probabilities and sums to exactly 1", () => {
    const t = trace({ src: "10.253.51.9", dst: "10.254.112.177", dport: 1 });
    const p1 = fraction(715820724, 2 ** 31);
    const rest = fraction(2 ** 31 - 715820724, 2 ** 31);
    const p2 = fraction(rest.num, rest.den * 2n);
    expect(t.outcomes.map(destination)).toEqual(["172.16.1.10:1", "172.16.1.11:1", "172.16.1.12:1"]);
    expect(probs(t.outcomes)).toEqual([p1, p2, p2]);
    expect(sum(probs(t.outcomes))).toEqual(fraction(1));
    // The endpoint on the node itself is delivered locally; the others leave by eth0, masqueraded by docker's rule.
    expect(t.outcomes[0].delivery).toBe("local");
    expect(t.outcomes[1]).toMatchObject({ delivery: "out", outInterface: "eth0" });
    expect(t.outcomes[1].after.src).toBe("172.16.1.10");
  });

  it("hairpin: grafana's pod calling its own Service is masqueraded to docker0's address", () => {
    const t = trace({ src: "10.253.51.3", dst: "10.254.167.37", dport: 80 });
    expect(t.outcomes).toHaveLength(1);
    const o = t.outcomes[0];
    expect(destination(o)).toBe("10.253.51.3:3000");
    expect(o.outInterface).toBe("docker0");
    expect(o.mark).toBe(0x4000);
    expect(matchedLines(o, "nat")).toEqual([77, 156, 168, 99, 85, 100, 81, 96]);
    expect(o.snat).toMatchObject({ line: 96, to: "10.253.51.1:40000", interface: "docker0" });
  });

  it("a port with no rule is routed as it is, to the default gateway", () => {
    const t = trace({ src: "10.253.51.9", dst: "10.254.42.62", dport: 81 });
    expect(t.outcomes).toHaveLength(1);
    expect(t.outcomes[0].dnat).toBeNull();
    expect(t.outcomes[0].outInterface).toBe("eth0");
    expect(matchedLines(t.outcomes[0], "nat")).toEqual([77, 81, 82]);
  });
});

describe("from a pod on another node (10.253.25.9, arriving over flannel.1)", () => {
  it("to this node's NodePort", () => {
    const t = trace({ src: "10.253.25.9", dst: "172.16.1.10", dport: 32765 });
    expect(t.origin.interface).toBe("flannel.1");
    expect(probs(t.outcomes)).toEqual([half, half]);
    expect(t.outcomes[0].after.src).toBe("10.253.51.0");
  });

  it("straight to a pod here: forwarded to docker0, the pod sees the real source", () => {
    const t = trace({ src: "10.253.25.9", dst: "10.253.51.3", dport: 3000 });
    const o = t.outcomes[0];
    expect(o).toMatchObject({ verdict: "accepted", outInterface: "docker0", snat: null, dnat: null });
    expect(o.after.src).toBe("10.253.25.9");
  });
});

describe("from a process on the node itself", () => {
  it("to the ClusterIP: OUTPUT nat DNATs, the packet is re-routed to flannel.1 and masqueraded", () => {
    const t = trace({ src: "172.16.1.10", dst: "10.254.42.62", dport: 80 });
    expect(t.origin).toEqual({ local: true, interface: null, inferred: true });
    expect(probs(t.outcomes)).toEqual([half, half]);
    const o = t.outcomes[0];
    expect(o.outInterface).toBe("flannel.1");
    expect(o.dnat).toMatchObject({ hook: "OUTPUT", line: 118 });
    expect(matchedLines(o, "nat")).toEqual([79, 139, 85, 140, 174, 118, 81, 96]);
    expect(o.after.src).toBe("10.253.51.0");
    const reroute = o.steps.filter((s) => s.kind === "route");
    expect(reroute.map((s) => s.action)).toEqual(["out of eth0 via 172.16.1.1", "out of flannel.1"]);
  });
});

describe("later packets and replies", () => {
  it("the client's next packet passes KUBE-FORWARD's conntrack rule without touching nat", () => {
    const o = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[0];
    const next = o.followUp!.original[0];
    expect(next.verdict).toBe("accepted");
    expect(matchedLines(next, "nat")).toEqual([]);
    expect(matchedLines(next, "filter")).toEqual([14, 30]);
    expect(next.after).toMatchObject({ src: "10.253.51.0", dst: "10.253.25.4", dport: 80 });
    expect(next.mark).toBe(0);
  });

  it("the reply arrives on flannel.1 and leaves eth0 from the ClusterIP", () => {
    const o = trace({ src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[1];
    const r = o.followUp!.reply[0];
    expect(r).toMatchObject({ verdict: "accepted", inInterface: "flannel.1", outInterface: "eth0" });
    expect(r.after).toEqual({ protocol: "tcp", src: "10.254.42.62", sport: 80, dst: "172.16.1.100", dport: 40000 });
    expect(matchedLines(r, "filter")).toEqual([14, 29]);
  });
});

describe("input errors", () => {
  it("names the bad field", () => {
    expect(() => trace({ src: "300.1.1.1", dst: "10.254.42.62", dport: 80 })).toThrow("source: expected an IPv4 address, got '300.1.1.1'");
    expect(() => trace({ src: "10.0.0.1", dst: "10.254.42.62", dport: 70000 })).toThrow("destination port: expected a port 0-65535");
    expect(() => trace({ src: "10.0.0.1", dst: "10.254.42.62", dport: 80, from: { interface: "eth9" } })).toThrow("interface eth9: the node has no such interface");
  });
});
