/**
 * The references the parser is measured against in the same run:
 *
 * - a bare tokenize-only pass over the same text, in the same process: split
 *   into lines and words (a string per word, as any reader of words makes),
 *   keeping one small record per rule. No parser can do less and still see
 *   every word, so the parse's cost is reported as a multiple of it;
 * - the CLI's `parse` as a whole process (start, read, parse, summary), to
 *   set beside `iptables-legacy-restore --test`, which is also a whole process.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What the tokenize-only pass keeps of a rule line. */
interface RuleRecord {
  line: number;
  chain: string;
  /** The last word (the target, most often). */
  last: string;
  words: number;
}

/** Split `text` into lines and words and keep a record per `-A` line: the floor under any parse. */
export function tokenizeOnly(text: string): number {
  const records: RuleRecord[] = [];
  const n = text.length;
  let lineNo = 0;
  let at = 0;
  while (at < n) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = n;
    lineNo++;
    let words = 0;
    let chain = "";
    let last = "";
    let i = at;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      const start = i;
      if (c === 34) {
        // A quoted word ends at its closing quote (escapes are not resolved here).
        i++;
        while (i < end && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
        i++;
      } else while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
      last = text.slice(start, i);
      if (words === 1) chain = last;
      words++;
    }
    if (text.charCodeAt(at) === 45 /* - */) records.push({ line: lineNo, chain, last, words });
    at = end + 1;
  }
  return records.length;
}

/** The installed command, as `npm run build` writes it. */
const CLI = fileURLToPath(new URL("../cli/bin.js", import.meta.url));

/** Run `kube-iptables-lab parse FILE` as its own process; the milliseconds from spawn to exit. */
export function cliParseMs(file: string): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, "parse", file], { encoding: "utf8", timeout: 15 * 60_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`kube-iptables-lab parse ${file} failed: ${(r.stderr || String(r.error)).trim().slice(0, 500)}`);
  return ms;
}
