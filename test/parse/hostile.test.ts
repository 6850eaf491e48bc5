// Hostile input: the parser reports or parses, never throws, never hangs, and never overflows the stack.
import { describe, expect, it } from "vitest";
import { formatDump, parseDump, services, type ParseResult } from "../../lib/index.js";
import { located } from "./support.js";

/** Parse, and check every diagnostic points into the text. */
function parseChecked(text: string): ParseResult {
  const r = parseDump(text, { file: "hostile" });
  const lines = text.split("\n").length;
  for (const d of [...r.errors, ...r.warnings]) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
  return r;
}

/** A small deterministic random generator (mulberry32), so every run sees the same bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEN_MB = 10 * 1024 * 1024;

describe("hostile input", () => {
  it("a 10 MB line that is no statement", () => {
    const r = parseChecked(`*filter\n${"a".repeat(TEN_MB)}\nCOMMIT\n`);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[2, 1]]);
  });

  it("a 10 MB rule: refused as iptables-restore would cut it, kept and printed back", () => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT${" -m comment --comment a".repeat(Math.floor(TEN_MB / 23))} -j ACCEPT\nCOMMIT\n`;
    const r = parseChecked(text);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[5, 1]]);
    expect(r.errors[0].message).toMatch(/^line of \d+ bytes: iptables-restore reads at most 10239 bytes of a line/);
    expect(formatDump(r.dump)).toBe(text);
  });

  it("a 10 MB comment with an unterminated quote: the line is too long", () => {
    const r = parseChecked(`*filter\n-A INPUT -m comment --comment "${"x".repeat(TEN_MB)}\nCOMMIT\n`);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[2, 1]]);
  });

  it("NUL bytes end the line for iptables-restore: what follows is ignored, said where it is", () => {
    const r = parseChecked("*filter\n-A INPUT -j\0ACCEPT\n\0\n-A INPUT -j ACCEPT\0 junk\nCOMMIT\n");
    expect(located(r.errors)).toEqual(["2:10 -j expects a target or chain name", "3:1 a NUL byte at the start of the line leaves a rule with no command: iptables-restore refuses it (no command specified)"]);
    expect(located(r.warnings)).toEqual([
      "2:12 NUL byte: iptables-restore reads the line only up to it and ignores the 7 characters from there",
      "4:19 NUL byte: iptables-restore reads the line only up to it and ignores the 6 characters from there",
    ]);
    expect(formatDump(r.dump)).toContain("-A INPUT -j\0ACCEPT\n\0\n-A INPUT -j ACCEPT\n");
  });

  it("random binary garbage", () => {
    const next = random(20180507);
    for (let round = 0; round < 20; round++) {
      const bytes = Buffer.alloc(64 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
      // Both decodings a reader might use: UTF-8 (with replacement characters) and Latin-1 (every byte kept).
      for (const text of [bytes.toString("utf8"), bytes.toString("latin1")]) {
        const r = parseChecked(text);
        expect(typeof formatDump(r.dump)).toBe("string");
      }
    }
  });

  it("garbage inside a valid table", () => {
    const next = random(42);
    const alphabet = ' \t"\\!-:[]*#abcKUBE0123456789./,';
    for (let round = 0; round < 200; round++) {
      let junk = "";
      const length = Math.floor(next() * 120);
      for (let i = 0; i < length; i++) junk += alphabet[Math.floor(next() * alphabet.length)];
      parseChecked(`*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING ${junk}\n${junk}\nCOMMIT\n`);
    }
  });

  it("100k empty user chains", () => {
    const lines = ["*filter"];
    for (let i = 0; i < 100_000; i++) lines.push(`:C${i} - [0:0]`);
    lines.push("COMMIT", "");
    const r = parseChecked(lines.join("\n"));
    expect(r.errors).toEqual([]);
    expect(r.dump.tables[0].chains).toHaveLength(100_003);
  });

  it("a chain of 20k chains, each jumping to the next, does not overflow the stack", () => {
    const n = 20_000;
    const lines = ["*nat"];
    for (let i = 0; i < n; i++) lines.push(`:C${i} - [0:0]`);
    lines.push("-A PREROUTING -j C0");
    for (let i = 0; i < n - 1; i++) lines.push(`-A C${i} -j C${i + 1}`);
    lines.push(`-A C${n - 1} -p tcp -j DNAT --to-destination 10.0.0.1:80`);
    lines.push("COMMIT", "");
    const r = parseChecked(lines.join("\n"));
    expect(r.errors).toEqual([]);
    expect(services(r.dump)).toEqual([]);
  });

  it("the same chain closed into a 20k loop: one error, with a short message", () => {
    const n = 20_000;
    const lines = ["*filter"];
    for (let i = 0; i < n; i++) lines.push(`:C${i} - [0:0]`);
    lines.push("-A INPUT -j C0");
    for (let i = 0; i < n - 1; i++) lines.push(`-A C${i} -j C${i + 1}`);
    lines.push(`-A C${n - 1} -j C0`);
    lines.push("COMMIT", "");
    const r = parseChecked(lines.join("\n"));
    expect(located(r.errors)).toEqual([
      `${n + 2 + n}:${`-A C${n - 1} `.length + 1} jump loop C0 -> C1 -> C2 -> ... (20000 chains) -> C19999 -> C0: the kernel refuses a table whose chains jump in a circle`,
    ]);
  });

  it("an unterminated quote", () => {
    const r = parseChecked('*filter\n-A INPUT -m comment --comment "open -j ACCEPT\nCOMMIT\n');
    expect(located(r.errors)).toEqual(["2:31 unterminated quote: expected a closing '\"'"]);
  });

  it("a file of carriage returns only", () => {
    const r = parseChecked("*filter\r:INPUT ACCEPT [0:0]\rCOMMIT\r");
    expect(r.errors).toHaveLength(1);
  });
});
