// The sizes iptables-restore 1.8.9 refuses, refused the same way (checked in a namespace, see test/fixtures/kernel/rejected.md).
import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES, MAX_RULE_WORDS } from "../../lib/parse/parser.js";
import { MAX_WORD_BYTES } from "../../lib/parse/lexer.js";
import { dump, located, parse } from "./support.js";

/** A filter INPUT rule made of `-m comment --comment` words, padded to exactly `bytes` bytes. */
function ruleOfBytes(bytes: number): string {
  let rule = "-A INPUT";
  while (rule.length < bytes - 300) rule += ` -m comment --comment ${"z".repeat(200)}`;
  const tail = " -j ACCEPT", comment = " -m comment --comment ";
  return `${rule}${comment}${"q".repeat(bytes - rule.length - tail.length - comment.length)}${tail}`;
}

describe("iptables-restore's sizes", () => {
  it(`a line of ${MAX_LINE_BYTES} bytes is read, one byte more is an error at the line`, () => {
    expect(ruleOfBytes(MAX_LINE_BYTES)).toHaveLength(MAX_LINE_BYTES);
    expect(parse(dump([ruleOfBytes(MAX_LINE_BYTES)])).errors).toEqual([]);
    const r = parse(dump([ruleOfBytes(MAX_LINE_BYTES + 1)]));
    expect(located(r.errors)).toEqual([`2:1 line of ${MAX_LINE_BYTES + 1} bytes: iptables-restore reads at most ${MAX_LINE_BYTES} bytes of a line and would read the rest as another line`]);
  });

  it("counts bytes, not characters", () => {
    const rule = ruleOfBytes(MAX_LINE_BYTES - 200).replace("-j ACCEPT", `-m comment --comment ${"é".repeat(100)} -j ACCEPT`);
    expect(rule.length).toBeLessThan(MAX_LINE_BYTES);
    expect(parse(dump([rule])).errors.map((e) => e.message)[0]).toMatch(new RegExp(`^line of ${rule.length + 100} bytes`));
  });

  it(`a word of ${MAX_WORD_BYTES} bytes is read, 1024 is "Parameter too long!"`, () => {
    const longest = parse(dump([`-A INPUT -m comment --comment ${"a".repeat(MAX_WORD_BYTES)} -j ACCEPT`]));
    expect(longest.errors.filter((e) => e.message.includes("Parameter too long"))).toEqual([]);
    const r = parse(dump([`-A INPUT -m comment --comment "${"a".repeat(MAX_WORD_BYTES + 1)}" -j ACCEPT`]));
    expect(located(r.errors)).toEqual([`2:31 word of 1024 bytes: iptables-restore refuses words of more than ${MAX_WORD_BYTES} bytes ("Parameter too long!")`]);
  });

  it(`${MAX_RULE_WORDS} words are read, one more is an error at the first word too many`, () => {
    // "-A INPUT" + 62 comment matches of 4 words + "-p tcp" + "-f" ... padded to the word count wanted.
    const words = (n: number) => {
      const w = ["-A", "INPUT"];
      while (w.length + 4 <= n - 2) w.push("-m", "comment", "--comment", "x");
      if (n - 2 - w.length >= 2) w.push("-p", "tcp");
      if (n - 2 - w.length === 1) w.push("-f");
      return [...w, "-j", "ACCEPT"];
    };
    expect(words(MAX_RULE_WORDS)).toHaveLength(MAX_RULE_WORDS);
    expect(parse(dump([words(MAX_RULE_WORDS).join(" ")])).errors).toEqual([]);
    const line = words(MAX_RULE_WORDS + 1).join(" ");
    const r = parse(dump([line]));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toBe(`${MAX_RULE_WORDS + 1} words: iptables-restore takes at most ${MAX_RULE_WORDS} words in one rule ("Parser cannot handle more arguments")`);
    expect(line.slice(r.errors[0].column - 1)).toBe("ACCEPT");
  });
});
