// Kernel parity, as a property: mutated copies of the test dumps (lines deleted, duplicated and
// swapped; numbers, names, spaces, quotes, line endings and counters changed) are loaded for real
// (a commit, not --test, which skips the kernel's checks) with iptables-legacy-restore and
// iptables-nft-restore, each with and without -c, in a throwaway namespace. The parser must accept
// a mutant exactly when the kernel does (parseDump with `counters` as -c). Where the two back ends
// disagree with each other, the parser follows iptables-legacy. The differences kept on purpose
// are DELIBERATE below, recognised by the diagnostic the parser gives; no other is allowed.
//
// Seeded and deterministic: KIL_PARITY_MUTANTS mutants (200 by default; `npm run fuzz` runs
// 3000), KIL_PARITY_SEED (1). Needs root; skipped with one line without it, unless
// KIL_REQUIRE_KERNEL=1 (set by .ci/run). About a minute for 200 mutants on the 2-core machine.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDump, type Diagnostic } from "../../lib/index.js";
import { createRandom, type Random } from "../../lib/math/random.js";
import { execIn, netnsAvailable, withNetns, type Backend } from "../support/netns.js";
import { repo } from "../parse/support.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel parity test skipped: ${availability.reason}`);

const MUTANTS = Number(process.env.KIL_PARITY_MUTANTS ?? 200);
const SEED = Number(process.env.KIL_PARITY_SEED ?? 1);

/** Differences kept on purpose: what the parser says, and why it differs from the kernel. */
const DELIBERATE: { pattern: RegExp; why: string }[] = [
  { pattern: /not modelled|belongs to no module the kit models/, why: "a module or target the kit does not model is kept verbatim with a warning; iptables may refuse it (an unknown extension) or take it" },
  { pattern: /host name/, why: "iptables resolves host names when loading; the kit reads addresses only" },
  { pattern: /unterminated quote/, why: "iptables takes the rest of the line into the word; a saved dump never has this" },
  { pattern: /is the pre-1\.4\.3 way/, why: "dumps saved before iptables 1.4.3 use '-s !'; read with a warning" },
  { pattern: /has its first port above the second/, why: "iptables-save prints such a range when a kernel holds one" },
  { pattern: /COMMIT without a newline/, why: "iptables-legacy refuses it, iptables-nft takes it: a warning" },
  { pattern: /appears twice/, why: "a table given twice replaces the first; read with a warning" },
  { pattern: /but no packet gets here: iptables-legacy loads it/, why: "a target in a hook it does not allow, on a rule no packet reaches: iptables-legacy commits it (its check walks only reachable rules), iptables-nft refuses it; read as legacy does, with a warning" },
  { pattern: /after the unconditional \w+ on line \d+: iptables-legacy loads it/, why: "a loop closed only by rules after an unconditional verdict: iptables-legacy commits it (its check never walks them), iptables-nft refuses it; read as legacy does, with a warning" },
];

/** The dumps mutated: real saves and the hand-written fixtures of every modelled module. */
const SOURCES = [
  "data/wordpress/iptables-save.txt",
  ...["generic", "ports", "comments", "matches", "statistic", "recent", "targets", "counters", "tables", "icmp", "sctp"].map((n) => `test/fixtures/kernel/${n}.rules`),
].map((path) => ({ path, text: readFileSync(`${repo}/${path}`, "utf8") }));

const pick = <T>(r: Random, list: readonly T[]): T => list[r.next32() % list.length];
const NUMBERS = ["0", "1", "7", "255", "256", "1023", "65535", "65536", "-1", "0x10", "010", "08", "4294967296", ""];
const WORDS = ["INPUT", "OUTPUT", "KUBE-SERVICES", "NOPE", "ACCEPT", "DROP", "RETURN", "-j", "-g", "-m", "tcp", "comment", "filter", "nat", "!", "--dport", "\"", "*filter", "COMMIT"];
const COUNTERS = ["[0:0]", "[-1:0]", "[0x10:0]", "[1:2]x", "[x:2]", "[1:2", "[1]", "[18446744073709551616:0]", "[ 1: 2]"];

/** One seeded mutation of `text`, and what it did. */
function mutate(text: string, r: Random): { text: string; what: string } {
  const lines = text.split("\n");
  const last = lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
  const at = r.next32() % last;
  const line = lines[at];
  const kind = r.next32() % 10;
  const set = (l: string, what: string) => {
    lines[at] = l;
    return { text: lines.join("\n"), what: `line ${at + 1}: ${what}` };
  };
  switch (kind) {
    case 0:
      lines.splice(at, 1);
      return { text: lines.join("\n"), what: `line ${at + 1} deleted` };
    case 1:
      lines.splice(at, 0, line);
      return { text: lines.join("\n"), what: `line ${at + 1} duplicated` };
    case 2: {
      const other = Math.min(last - 1, at + 1);
      [lines[at], lines[other]] = [lines[other], lines[at]];
      return { text: lines.join("\n"), what: `lines ${at + 1} and ${other + 1} swapped` };
    }
    case 3: {
      const numbers = [...line.matchAll(/[0-9]+/g)];
      if (numbers.length === 0) return set(line, "unchanged");
      const n = pick(r, numbers), by = pick(r, NUMBERS);
      return set(line.slice(0, n.index) + by + line.slice(n.index! + n[0].length), `number ${n[0]} -> ${JSON.stringify(by)}`);
    }
    case 4: {
      const words = [...line.matchAll(/[^ \t]+/g)];
      if (words.length === 0) return set(line, "unchanged");
      const w = pick(r, words), by = pick(r, WORDS);
      return set(line.slice(0, w.index) + by + line.slice(w.index! + w[0].length), `word ${JSON.stringify(w[0])} -> ${JSON.stringify(by)}`);
    }
    case 5: {
      const spaces = [...line.matchAll(/ /g)].map((m) => m.index!);
      const where = pick(r, [0, ...spaces, line.length]);
      const by = pick(r, ["  ", "\t", " ", "\t "]);
      return set(line.slice(0, where) + by + line.slice(where), `${JSON.stringify(by)} inserted at column ${where + 1}`);
    }
    case 6: {
      const quotes = [...line.matchAll(/"/g)].map((m) => m.index!);
      if (quotes.length > 0 && r.next32() % 2 === 0) {
        const q = pick(r, quotes);
        return set(line.slice(0, q) + line.slice(q + 1), `quote at column ${q + 1} removed`);
      }
      const spaces = [...line.matchAll(/ /g)].map((m) => m.index! + 1);
      const where = spaces.length ? pick(r, spaces) : 0;
      return set(line.slice(0, where) + '"' + line.slice(where), `quote inserted at column ${where + 1}`);
    }
    case 7:
      if (r.next32() % 4 === 0) return { text: text.replace(/\n/g, "\r\n"), what: "CRLF line endings" };
      return set(`${line}\r`, "'\\r' at the end");
    case 8: {
      const c = /^\[[^\]]*\]|\[[0-9]+:[0-9]+\]$/.exec(line);
      const by = pick(r, COUNTERS);
      if (!c) return set(`${by} ${line}`, `counters ${by} put in front`);
      return set(line.slice(0, c.index) + by + line.slice(c.index + c[0].length), `counters ${c[0]} -> ${by}`);
    }
    default: {
      const cut = r.next32() % (line.length + 1);
      return set(line.slice(0, cut) + pick(r, ["\0", "-", "!", ":", ",", "/", "x"]) + line.slice(cut), `character inserted at column ${cut + 1}`);
    }
  }
}

interface Verdict {
  ok: boolean;
  detail: string;
}

/** Load `text` for real in `ns` with one back end, with or without -c. */
async function kernelVerdict(ns: string, backend: Backend, counters: boolean, text: string): Promise<Verdict> {
  const r = await execIn(ns, `iptables-${backend}-restore`, counters ? ["-c"] : [], { input: text, timeoutMs: 30_000 });
  return { ok: r.status === 0, detail: (r.stderr || r.error || "").trim().split("\n")[0] ?? "" };
}

function ourVerdict(text: string, counters: boolean): { ok: boolean; diagnostics: Diagnostic[] } {
  const r = parseDump(text, { file: "mutant", counters });
  return { ok: r.errors.length === 0, diagnostics: [...r.errors, ...r.warnings] };
}

describe.runIf(availability.ok || required)("kernel parity of the parser", () => {
  it(`accepts exactly what iptables-legacy-restore and iptables-nft-restore commit (${MUTANTS} mutants, seed ${SEED})`, async () => {
    if (!availability.ok) throw new Error(`kernel tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const random = createRandom(SEED);
    const differences: string[] = [];
    let compared = 0, refused = 0, deliberate = 0, backendsDisagree = 0;
    await withNetns("par", 1, async ([ns]) => {
      for (let k = 0; k < MUTANTS; k++) {
        const source = pick(random, SOURCES);
        let m = mutate(source.text, random);
        // A second mutation now and then, so mistakes can meet.
        if (random.next32() % 3 === 0) {
          const again = mutate(m.text, random);
          m = { text: again.text, what: `${m.what}; ${again.what}` };
        }
        for (const counters of [false, true]) {
          const legacy = await kernelVerdict(ns!, "legacy", counters, m.text);
          const nft = await kernelVerdict(ns!, "nft", counters, m.text);
          const ours = ourVerdict(m.text, counters);
          compared++;
          if (!legacy.ok) refused++;
          if (legacy.ok !== nft.ok) backendsDisagree++;
          if (ours.ok === legacy.ok && (legacy.ok !== nft.ok || ours.ok === nft.ok)) continue;
          if (ours.diagnostics.some((d) => DELIBERATE.some((x) => x.pattern.test(d.message)))) {
            deliberate++;
            continue;
          }
          const said = ours.diagnostics[0] ? `${ours.diagnostics[0].line}:${ours.diagnostics[0].column} ${ours.diagnostics[0].message}` : "nothing";
          differences.push(`${source.path}, ${m.what}${counters ? " (with -c)" : ""}: kernel ${legacy.ok ? "commits" : `refuses (${legacy.detail})`}, parser ${ours.ok ? "accepts" : "refuses"}; it said: ${said}`);
        }
      }
    });
    console.log(`kernel parity: ${compared} loads compared, ${refused} refused by iptables-legacy, ${backendsDisagree} where the back ends disagree, ${deliberate} deliberate differences`);
    expect(differences).toEqual([]);
    // The mutants must exercise both verdicts.
    expect(refused).toBeGreaterThan(compared / 10);
    expect(refused).toBeLessThan(compared);
  }, 30 * 60_000);
});
