// sameRule (what -D CHAIN rule... deletes) agrees with iptables-save's printing: two rules print alike
// exactly when they are the same rule, except where printing loses what the kernel keeps.
import { describe, expect, it } from "vitest";
import { formatRule, type Rule } from "../../lib/index.js";
import { sameRule } from "../../lib/model/same-rule.js";
import { dump, parse, readRepoFile } from "./support.js";

const printed = (r: Rule) => formatRule({ ...r, counters: null });
const DUMPS = ["data/wordpress/iptables-save.txt", "data/wordpress-today/iptables-save.txt", "data/policies-today/iptables-save.txt", "data/link-scope-today/iptables-save.txt"];

describe("sameRule", () => {
  it.each(DUMPS)("agrees with the printed rules of %s", (path) => {
    const { dump: d } = parse(readRepoFile(path));
    let compared = 0;
    for (const chain of d.tables.flatMap((t) => t.chains)) {
      const rules = chain.rules;
      for (let a = 0; a < rules.length; a++) {
        for (let b = a; b < Math.min(rules.length, a + 8); b++) {
          expect(sameRule(rules[a], rules[b]), `${printed(rules[a])} / ${printed(rules[b])}`).toBe(printed(rules[a]) === printed(rules[b]));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("takes two spellings of one rule as the same rule, and a different rule as different", () => {
    const rules = parse(dump([
      "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT",
      "-A INPUT --protocol tcp -m tcp --destination-port 80 -s 0.0.0.0/0 -i + -j ACCEPT",
      "-A INPUT -p tcp -m tcp --dport 81 -j ACCEPT",
      "-A INPUT -m statistic --mode random --probability 0.5 -j ACCEPT",
      "-A INPUT -m statistic --mode random --probability 0.50000000000 -j ACCEPT",
      "-A INPUT -m statistic --mode random --probability 0.25 -j ACCEPT",
    ])).dump.tables[0].chains.find((c) => c.name === "INPUT")!.rules;
    expect(sameRule(rules[0], rules[1])).toBe(true);
    expect(sameRule(rules[0], rules[2])).toBe(false);
    expect(sameRule(rules[3], rules[4])).toBe(true);
    expect(sameRule(rules[3], rules[5])).toBe(false);
  });
});
