// The parser shares the values many rules repeat (lib/parse/intern.ts): the same object for the same
// meaning, and never a shared object where the meanings differ.
import { describe, expect, it } from "vitest";
import { dump, parse } from "./support.js";

const rules = [
  "-A KUBE-SVC-A ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p tcp -m comment --comment \"ns/a:dns cluster IP\" -m tcp --dport 53 -j KUBE-MARK-MASQ",
  "-A KUBE-SVC-A -m comment --comment \"ns/a:dns -> 10.244.1.2:53\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A",
  "-A KUBE-SVC-A -m comment --comment \"ns/a:dns -> 10.244.1.3:53\" -j KUBE-SEP-B",
  "-A KUBE-SVC-B ! -s 10.244.0.0/16 -d 10.96.0.11/32 -p tcp -m comment --comment \"ns/b:dns cluster IP\" -m tcp --dport 53 -j KUBE-MARK-MASQ",
  "-A KUBE-SVC-B -s 10.244.0.0/16 -m comment --comment \"ns/b:dns -> 10.244.1.4:53\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-C",
  "-A KUBE-SEP-A -s 10.244.1.2/32 -m comment --comment ns/a:dns -j KUBE-MARK-MASQ",
  "-A KUBE-SEP-A -p tcp -m comment --comment ns/a:dns -m tcp -j DNAT --to-destination 10.244.1.2:53",
  "-A KUBE-SEP-B -p tcp -m comment --comment ns/a:dns -m tcp -j DNAT --to-destination 10.244.1.3:53",
  "-A KUBE-SEP-C -g KUBE-MARK-MASQ",
  "-A KUBE-SVC-C -d 10.96.0.12/32 -p udp -m udp --dport 53 -j KUBE-SEP-C",
  "-A KUBE-SVC-C -d 10.96.0.12/32 -p tcp -m tcp --dport 54 -j KUBE-SEP-C",
  "-A KUBE-SVC-C -d 10.96.0.12/32 -p tcp -m tcp ! --dport 53 -j KUBE-SEP-C",
  "-A KUBE-SVC-C -d 10.96.0.12/32 -p tcp -m tcp --sport 53 -j KUBE-SEP-C",
  "-A KUBE-SVC-C -d 10.96.0.12/32 -p tcp -m tcp --dport 53:54 -j KUBE-SEP-C",
  "-A KUBE-SVC-C -p tcp -m tcp --dport 53 --syn -j KUBE-SEP-C",
  "-A KUBE-SVC-C ! -p tcp -j KUBE-SEP-C",
  "-A KUBE-SVC-C -p udp -j KUBE-SEP-C",
];
const chains = ["KUBE-MARK-MASQ", "KUBE-SVC-A", "KUBE-SVC-B", "KUBE-SVC-C", "KUBE-SEP-A", "KUBE-SEP-B", "KUBE-SEP-C"];

describe("values shared by the parse", () => {
  const r = parse(dump(rules, "nat", chains));
  const nat = r.dump.tables[0];
  const rule = (chain: string, k: number) => nat.chains.find((c) => c.name === chain)!.rules[k];

  it("reads the dump without errors", () => {
    expect(r.errors).toEqual([]);
  });

  it("shares a network with its sense, a jump target, a random statistic and a repeated comment", () => {
    expect(rule("KUBE-SVC-A", 0).ip.source).toBe(rule("KUBE-SVC-B", 0).ip.source);
    expect(rule("KUBE-SVC-A", 0).target).toBe(rule("KUBE-SVC-B", 0).target);
    expect(rule("KUBE-SVC-A", 1).matches[1]).toBe(rule("KUBE-SVC-B", 1).matches[1]);
    expect(rule("KUBE-SEP-A", 1).matches[0]).toBe(rule("KUBE-SEP-A", 0).matches[0]);
    expect(rule("KUBE-SEP-A", 1).matches[1]).toBe(rule("KUBE-SEP-B", 0).matches[1]);
    expect(rule("KUBE-SVC-A", 1).ip).toBe(rule("KUBE-SVC-A", 2).ip);
  });

  it("shares a header of -p alone, and a tcp or udp match of one port", () => {
    expect(rule("KUBE-SEP-A", 1).ip).toBe(rule("KUBE-SEP-B", 0).ip);
    expect(rule("KUBE-SEP-A", 1).ip).toEqual({ protocol: { value: "tcp", invert: false } });
    expect(rule("KUBE-SVC-A", 0).matches[1]).toBe(rule("KUBE-SVC-B", 0).matches[1]);
    expect(rule("KUBE-SVC-A", 0).matches[1]).toEqual({ kind: "tcp", dport: { value: { min: 53, max: 53 }, invert: false } });
  });

  it("freezes what it shares, so no reader can change another rule's value", () => {
    const a = rule("KUBE-SVC-A", 0), sep = rule("KUBE-SEP-A", 1);
    for (const shared of [a.ip.source, a.ip.source!.value, a.ip.protocol, a.matches[1], a.target, sep.ip, sep.matches[0], rule("KUBE-SVC-A", 1).matches[1], rule("KUBE-SEP-C", 0).target])
      expect(Object.isFrozen(shared)).toBe(true);
    // A host address is the rule's own.
    expect(Object.isFrozen(a.ip.destination)).toBe(false);
    expect(Object.isFrozen(a)).toBe(false);
  });

  it("keeps apart headers and port matches that differ in protocol, port, side, sense, range or flags", () => {
    const c = (k: number) => rule("KUBE-SVC-C", k);
    const tcp53 = rule("KUBE-SVC-A", 0).matches[1];
    expect(c(0).matches[0]).toEqual({ kind: "udp", dport: { value: { min: 53, max: 53 }, invert: false } });
    expect(c(1).matches[0]).toEqual({ kind: "tcp", dport: { value: { min: 54, max: 54 }, invert: false } });
    expect(c(2).matches[0]).toEqual({ kind: "tcp", dport: { value: { min: 53, max: 53 }, invert: true } });
    expect(c(3).matches[0]).toEqual({ kind: "tcp", sport: { value: { min: 53, max: 53 }, invert: false } });
    expect(c(4).matches[0]).toEqual({ kind: "tcp", dport: { value: { min: 53, max: 54 }, invert: false } });
    expect(c(5).matches[0]).toEqual({ kind: "tcp", dport: { value: { min: 53, max: 53 }, invert: false }, flags: { value: { mask: 0x17, comp: 0x02 }, invert: false } });
    for (let k = 0; k <= 5; k++) expect(c(k).matches[0]).not.toBe(tcp53);
    expect(c(6).ip).toEqual({ protocol: { value: "tcp", invert: true } });
    expect(c(6).ip).not.toBe(rule("KUBE-SEP-A", 1).ip);
    expect(c(7).ip).toEqual({ protocol: { value: "udp", invert: false } });
    expect(c(7).ip).not.toBe(rule("KUBE-SEP-A", 1).ip);
    // A header with more than the protocol has a rule of its own.
    expect(c(1).ip).not.toBe(c(2).ip);
  });

  it("keeps apart what differs: the sense of a network, a goto from a jump, different comments", () => {
    expect(rule("KUBE-SVC-B", 1).ip.source).toEqual({ value: { address: "10.244.0.0", prefix: 16, mask: "255.255.0.0" }, invert: false });
    expect(rule("KUBE-SVC-B", 1).ip.source).not.toBe(rule("KUBE-SVC-B", 0).ip.source);
    expect(rule("KUBE-SEP-C", 0).target).toEqual({ kind: "jump", chain: "KUBE-MARK-MASQ", goto: true });
    expect(rule("KUBE-SEP-C", 0).target).not.toBe(rule("KUBE-SEP-A", 0).target);
    expect(rule("KUBE-SVC-A", 2).matches[0]).toEqual({ kind: "comment", text: "ns/a:dns -> 10.244.1.3:53" });
    // A rule's header of its own is never the shared empty one, and the shared one stays empty.
    expect(Object.isFrozen(rule("KUBE-SVC-A", 2).ip)).toBe(true);
    expect(rule("KUBE-SVC-A", 2).ip).toEqual({});
  });
});
