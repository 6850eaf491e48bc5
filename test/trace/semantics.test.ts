// Netfilter semantics on small hand-written dumps: jumps, goto, RETURN, policies, marks, REJECT, NOTRACK, nth, uncertainty.
import { describe, expect, it } from "vitest";
import { fraction, loadNodeContext, parseDump, sum, traceConnection, type ConnectionSpec } from "../../lib/index.js";

const node = loadNodeContext({
  interfaces: [
    { name: "lo", addresses: ["127.0.0.1/8"] },
    { name: "eth0", addresses: ["192.0.2.10/24"] },
    { name: "eth1", addresses: ["198.51.100.1/24"] },
  ],
  routes: [{ dst: "default", via: "192.0.2.1", dev: "eth0" }],
});

function run(text: string, spec: Partial<ConnectionSpec> = {}) {
  const r = parseDump(text);
  expect(r.errors).toEqual([]);
  return traceConnection(r.dump, node, { src: "192.0.2.50", dst: "198.51.100.7", dport: 80, ...spec }, { followUp: false });
}

const filter = (rules: string, chains = "", policy = "ACCEPT") =>
  `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ${policy} [0:0]\n:OUTPUT ACCEPT [0:0]\n${chains}${rules}COMMIT\n`;

describe("chains and verdicts", () => {
  it("falls off a user chain back to the caller, and the policy decides at the end", () => {
    const t = run(filter("-A FORWARD -j A\n-A A -p udp -j ACCEPT\n", ":A - [0:0]\n", "DROP"));
    expect(t.outcomes).toHaveLength(1);
    expect(t.outcomes[0]).toMatchObject({ verdict: "dropped", line: 3 });
  });

  it("goto: RETURN goes back to the caller of the chain that did the goto", () => {
    const t = run(filter("-A FORWARD -j A\n-A FORWARD -j DROP\n-A A -g B\n-A A -j ACCEPT\n-A B -j RETURN\n", ":A - [0:0]\n:B - [0:0]\n"));
    // B returns past A's remaining rules straight to FORWARD, which then drops.
    expect(t.outcomes[0].verdict).toBe("dropped");
    expect(t.outcomes[0].line).toBe(8);
  });

  it("ACCEPT ends only the current table: nat POSTROUTING still runs", () => {
    const text = filter("-A FORWARD -j ACCEPT\n") + "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth1 -j SNAT --to-source 198.51.100.99\nCOMMIT\n";
    const o = run(text).outcomes[0];
    expect(o.verdict).toBe("accepted");
    expect(o.snat).toMatchObject({ target: "SNAT", to: "198.51.100.99:40000" });
  });

  it("an ICMP rule is passed over by a TCP packet: -p icmp fails first, and says so", () => {
    const t = parseDump(filter("-A FORWARD -p icmp -m icmp --icmp-type 8 -j DROP\n-A FORWARD -p icmp -m icmp ! --icmp-type any -j DROP\n"));
    expect(t.errors).toEqual([]);
    const o = traceConnection(t.dump, node, { src: "192.0.2.50", dst: "198.51.100.7", dport: 80 }, { followUp: false }).outcomes;
    expect(o).toHaveLength(1);
    expect(o[0].verdict).toBe("accepted");
    expect(o[0].steps.filter((s) => s.kind === "rule").map((s) => [s.line, s.matched, s.reason])).toEqual([
      [5, false, "-p icmp: protocol is tcp"],
      [6, false, "-p icmp: protocol is tcp"],
    ]);
  });

  it("REJECT reports the ICMP type", () => {
    const o = run(filter("-A FORWARD -p tcp -j REJECT --reject-with tcp-reset\n")).outcomes[0];
    expect(o).toMatchObject({ verdict: "rejected", rejectWith: "tcp-reset", line: 5 });
  });

  it("MARK arithmetic: --set-xmark, --or-mark and --and-mark compose as the kernel computes", () => {
    const text = "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
      + "-A PREROUTING -j MARK --set-xmark 0xff/0xffffffff\n-A PREROUTING -j MARK --or-mark 0x4000\n-A PREROUTING -j MARK --and-mark 0x40f0\n-A PREROUTING -j MARK --xor-mark 0x1\nCOMMIT\n";
    const o = run(text).outcomes[0];
    const marks = o.steps.filter((s) => s.markAfter !== undefined).map((s) => [s.markBefore, s.markAfter]);
    expect(marks).toEqual([[0, 0xff], [0xff, 0x40ff], [0x40ff, 0x40f0], [0x40f0, 0x40f1]]);
    expect(o.mark).toBe(0x40f1);
  });

  it("NOTRACK in raw makes the packet skip nat", () => {
    const text = "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j CT --notrack\nCOMMIT\n"
      + "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to-destination 198.51.100.8\nCOMMIT\n";
    const o = run(text).outcomes[0];
    expect(o.dnat).toBeNull();
    expect(o.after.dst).toBe("198.51.100.7");
  });
});

describe("probabilities", () => {
  it("uses the kernel's quantised value and multiplies exactly along the rules", () => {
    const text = filter("-A FORWARD -m statistic --mode random --probability 0.33333 -j ACCEPT\n-A FORWARD -m statistic --mode random --probability 0.5 -j REJECT\n-A FORWARD -j DROP\n");
    const t = run(text);
    const p = fraction(715820724, 2 ** 31);
    expect(t.outcomes.map((o) => o.verdict)).toEqual(["accepted", "rejected", "dropped"]);
    expect(t.outcomes[0].probability).toEqual(p);
    expect(t.outcomes[1].probability).toEqual(fraction((2n ** 31n - 715820724n), 2n ** 32n));
    expect(sum(t.outcomes.map((o) => o.probability))).toEqual(fraction(1));
  });

  it("an inverted statistic match takes the complement", () => {
    const t = run(filter("-A FORWARD -m statistic --mode random ! --probability 0.25 -j DROP\n"));
    expect(t.outcomes[0]).toMatchObject({ verdict: "dropped", probability: fraction(3, 4) });
  });

  it("nth mode is decided by the rule's packet counter", () => {
    const r = parseDump(filter("-A FORWARD -m statistic --mode nth --every 2 --packet 1 -j DROP\n"));
    const spec = { src: "192.0.2.50", dst: "198.51.100.7", dport: 80 };
    const first = traceConnection(r.dump, node, spec, { followUp: false });
    expect(first.outcomes.map((o) => o.verdict)).toEqual(["accepted"]);
    const second = traceConnection(r.dump, node, { ...spec, sport: 40001 }, { state: first.outcomes[0].state, followUp: false });
    expect(second.outcomes.map((o) => o.verdict)).toEqual(["dropped"]);
  });
});

describe("what the simulator cannot decide", () => {
  it("a rule with an unsupported match is uncertain and names the line", () => {
    const t = run(filter("-A FORWARD -m foo --bar 1 -j DROP\n"));
    expect(t.outcomes[0]).toMatchObject({ verdict: "uncertain", line: 5 });
    expect(t.outcomes[0].reason).toContain("line 5");
  });

  it("but a rule whose modelled part already fails is decided", () => {
    const t = run(filter("-A FORWARD -p udp -m foo --bar 1 -j DROP\n"));
    expect(t.outcomes[0].verdict).toBe("accepted");
  });

  it("an ipset match is uncertain: set members are not in a dump", () => {
    const t = run(filter("-A FORWARD -m set --match-set BLOCK src -j DROP\n"));
    expect(t.outcomes[0].verdict).toBe("uncertain");
  });
});

describe("interfaces and address types", () => {
  it("matches interface wildcards with +", () => {
    expect(run(filter("-A FORWARD -i eth+ -j DROP\n"), { from: { interface: "eth0" } }).outcomes[0].verdict).toBe("dropped");
    expect(run(filter("-A FORWARD -i ve+ -j DROP\n"), { from: { interface: "eth0" } }).outcomes[0].verdict).toBe("accepted");
  });

  it("addrtype LOCAL means one of the node's own addresses", () => {
    const text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m addrtype --dst-type LOCAL -j DNAT --to-destination 198.51.100.9:8080\nCOMMIT\n";
    expect(run(text, { dst: "198.51.100.1" }).outcomes[0].after).toMatchObject({ dst: "198.51.100.9", dport: 8080 });
    const miss = run(text).outcomes[0];
    expect(miss.dnat).toBeNull();
    expect(miss.steps.find((s) => s.line === 6)!.reason).toContain("198.51.100.7 is UNICAST, not one of this node's addresses");
  });
});
