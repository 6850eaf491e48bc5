// Long runs of rules that did not match (KUBE-SERVICES of a large dump) shortened in the rule path, and the one-pass look-up of rules by line.
import { describe, expect, it } from "vitest";
import { ruleAtLine, rulePathTable, rulesAtLines, traceConnection } from "../../lib/index.js";
import { dump, node } from "./support.js";

describe("rulePathTable's maxRun", () => {
  it("keeps the ends of a long run of rules that did not match and counts the rest", () => {
    const o = traceConnection(dump, node, { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }).outcomes[0];
    const full = rulePathTable(o);
    const short = rulePathTable(o, { maxRun: 4 });
    const misses = (html: string) => (html.match(/<tr class="kil-skipped">/g) ?? []).length;
    expect(misses(short)).toBeLessThan(misses(full));
    const counted = [...short.matchAll(/… (\d+) more rules of ([A-Z-]+) did not match \(steps (\d+) to (\d+)\)/g)];
    expect(counted.length).toBeGreaterThan(0);
    for (const [, n, chain, from, to] of counted) {
      expect(Number(to) - Number(from) + 1).toBe(Number(n));
      // Every hidden step is a rule of that chain that did not match.
      for (let i = Number(from) - 1; i < Number(to); i++) expect([o.steps[i].kind, o.steps[i].matched, o.steps[i].chain]).toEqual(["rule", false, chain]);
    }
    // Nothing that matched is ever hidden.
    for (const s of o.steps.filter((x) => x.matched && x.line !== null)) expect(short).toContain(`>${s.line}<`);
    expect(rulePathTable(o, { maxRun: 1000 })).toBe(full);
  });

  it("finds many rules by line in one pass", () => {
    const lines = [77, 118, 174, 175];
    const found = rulesAtLines(dump, [...lines, 99999]);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual(lines.filter((l) => ruleAtLine(dump, l) !== undefined));
    for (const [line, rule] of found) expect(rule).toBe(ruleAtLine(dump, line));
  });
});
