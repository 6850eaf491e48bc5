// The parser finds a rule's chain among the next chains declared, and takes a declaration after the greatest
// name so far as new without asking its table (lib/parse/parser.ts): dumps in another order, and tables that
// delete and make chains, must read exactly as before.
import { describe, expect, it } from "vitest";
import { parse } from "./support.js";

/** Each chain's rules, by the lines they came from. */
function rulesByChain(text: string): Record<string, number[]> {
  const r = parse(text);
  expect(r.errors).toEqual([]);
  return Object.fromEntries(r.dump.tables[0].chains.map((c) => [c.name, c.rules.map((rule) => rule.line)]));
}

describe("chains found in declaration order, and out of it", () => {
  it("puts each rule in its chain when the rules come in another order than the declarations", () => {
    const text = ["*filter", ":A - [0:0]", ":B - [0:0]", ":C - [0:0]",
      "-A C -j ACCEPT", "-A A -j ACCEPT", "-A C -j DROP", "-A B -j ACCEPT", "-A A -j DROP", "-A INPUT -j A", "COMMIT", ""].join("\n");
    expect(rulesByChain(text)).toEqual({ INPUT: [10], FORWARD: [], OUTPUT: [], A: [6, 9], B: [8], C: [5, 7] });
  });

  it("skips declared chains without rules, and finds one far ahead", () => {
    const names = Array.from({ length: 30 }, (_, i) => `K-${String(i).padStart(2, "0")}`);
    const text = ["*filter", ...names.map((n) => `:${n} - [0:0]`), "-A K-00 -j ACCEPT", "-A K-29 -j ACCEPT", "-A K-03 -j ACCEPT", "COMMIT", ""].join("\n");
    const chains = rulesByChain(text);
    expect([chains["K-00"], chains["K-29"], chains["K-03"], chains["K-01"]]).toEqual([[32], [33], [34], []]);
  });

  it("refuses a chain declared twice, in order or not", () => {
    for (const order of [["A", "B", "A"], ["B", "A", "B"], ["A", "A"]]) {
      const r = parse(["*filter", ...order.map((n) => `:${n} - [0:0]`), "COMMIT", ""].join("\n"));
      expect(r.errors.map((e) => [e.line, e.code])).toEqual([[order.length + 1, "duplicate-chain"]]);
    }
  });

  it("refuses a declaration of a chain made by -N before it, and reads rules of a chain made again after -X", () => {
    const made = parse(["*filter", ":A - [0:0]", "-N Z", ":Z - [0:0]", "COMMIT", ""].join("\n"));
    expect(made.errors.map((e) => [e.line, e.code])).toEqual([[4, "duplicate-chain"]]);
    const text = ["*filter", ":A - [0:0]", ":B - [0:0]", "-A A -j ACCEPT", "-X B", "-N B", "-A B -j DROP", "-A A -j DROP", "COMMIT", ""].join("\n");
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const b = r.dump.tables[0].chains.find((c) => c.name === "B")!;
    expect(b.rules.map((rule) => [rule.line, rule.target])).toEqual([[7, { kind: "DROP" }]]);
    expect(r.dump.tables[0].chains.find((c) => c.name === "A")!.rules.map((rule) => rule.line)).toEqual([4, 8]);
  });
});
