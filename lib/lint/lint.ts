/**
 * lintDump: the parts of a dump that do nothing. Chains nothing jumps to,
 * chains no built-in chain reaches, empty chains, rules an earlier rule of
 * the same chain always decides first, mark bits set but never read and
 * read but never set. Each finding names its line and says whether it is
 * harmless and why.
 */
import type { Chain, Dump, Rule, Table, TableName } from "../model/dump.js";
import { hex } from "../math/hex.js";
import { bitsRead, bitsSet, untouched, type MarkUse } from "./marks.js";
import { jumpsInto, reachableChains } from "./reach.js";
import { shadowedRules } from "./shadow.js";

/** What kind of thing does nothing. */
export type LintKind = "never-jumped-to" | "unreachable-chain" | "empty-chain" | "shadowed-rule" | "mark-never-read" | "mark-never-set";

/** One part of a dump that does nothing. */
export interface LintFinding {
  kind: LintKind;
  table: TableName;
  chain: string;
  /** The rule's line, or the chain declaration's line (null for a built-in chain the dump never declared). */
  line: number | null;
  /** What it is, in one sentence. */
  message: string;
  /** Whether packets are treated as the rule set's author meant, as far as the dump can tell. */
  harmless: boolean;
  /** Why it is (or may not be) harmless. */
  why: string;
  /** Other lines the finding refers to (the covering rule, the unreachable setter, ...). */
  related: number[];
}

const KIND_ORDER: LintKind[] = ["never-jumped-to", "unreachable-chain", "empty-chain", "shadowed-rule", "mark-never-read", "mark-never-set"];

function chainFindings(table: Table, reachable: Set<string>, into: Map<string, Rule[]>): LintFinding[] {
  const out: LintFinding[] = [];
  const base = (c: Chain) => ({ table: table.name, chain: c.name, line: c.line });
  for (const c of table.chains) {
    if (c.builtin) continue;
    const callers = into.get(c.name) ?? [];
    if (callers.length === 0) {
      out.push({
        ...base(c), kind: "never-jumped-to", related: [],
        message: `${table.name} chain ${c.name} is declared, but no rule jumps or goes to it`,
        harmless: true,
        why: c.rules.length === 0
          ? "no packet ever enters it, and it has no rules to run"
          : `no packet ever enters it, so its ${c.rules.length} rule${c.rules.length === 1 ? "" : "s"} never run; harmless unless someone expects them to`,
      });
    } else if (!reachable.has(c.name)) {
      out.push({
        ...base(c), kind: "unreachable-chain", related: callers.map((r) => r.line),
        message: `${table.name} chain ${c.name} is jumped to only from chains no built-in chain reaches (line${callers.length === 1 ? "" : "s"} ${callers.map((r) => r.line).join(", ")})`,
        harmless: true,
        why: "no packet can get to the rules that jump here, so this chain never runs",
      });
    }
    if (c.rules.length === 0 && callers.length > 0) {
      out.push({
        ...base(c), kind: "empty-chain", related: callers.map((r) => r.line),
        message: `${table.name} chain ${c.name} has no rules; line${callers.length === 1 ? "" : "s"} ${callers.map((r) => r.line).join(", ")} jump${callers.length === 1 ? "s" : ""} to it`,
        harmless: true,
        why: "a jump into an empty chain returns at once: the packet goes on with the next rule as if the jump were not there (the chain is a place for rules that may be added later)",
      });
    }
  }
  return out;
}

function shadowFindings(table: Table, reachable: Set<string>): LintFinding[] {
  return table.chains.filter((c) => reachable.has(c.name)).flatMap((c) => shadowedRules(c, table).map(({ rule, by }) => ({
    kind: "shadowed-rule" as const, table: table.name, chain: c.name, line: rule.line, related: [by.line],
    message: `rule at line ${rule.line} can never match: line ${by.line} earlier in ${c.name} takes every packet it could match`,
    harmless: false,
    why: `whatever this rule was written to do never happens; if it matters, it must come before line ${by.line}`,
  })));
}

function uses(dump: Dump, reachable: Map<TableName, Set<string>>, bits: (r: Rule) => number, live: boolean): MarkUse[] {
  const out: MarkUse[] = [];
  for (const t of dump.tables) {
    for (const c of t.chains) {
      if (reachable.get(t.name)!.has(c.name) !== live) continue;
      for (const r of c.rules) {
        const b = bits(r);
        if (b !== 0) out.push({ rule: r, bits: b });
      }
    }
  }
  return out;
}

function markFindings(dump: Dump, reachable: Map<TableName, Set<string>>): LintFinding[] {
  const setters = uses(dump, reachable, bitsSet, true);
  const readers = uses(dump, reachable, bitsRead, true);
  const deadSetters = uses(dump, reachable, bitsSet, false);
  const out: LintFinding[] = [];
  for (const s of setters) {
    const unread = untouched(s.bits, readers);
    if (unread === 0) continue;
    out.push({
      kind: "mark-never-read", table: s.rule.table, chain: s.rule.chain, line: s.rule.line, related: [],
      message: `line ${s.rule.line} sets mark bits ${hex(unread)}, which no rule of this dump reads`,
      harmless: true,
      why: "the bits ride along with the packet and change nothing in these tables; something outside them may still read them (policy routing with `ip rule fwmark`, tc, another program's rules)",
    });
  }
  for (const r of readers) {
    const unset = untouched(r.bits, setters);
    if (unset === 0) continue;
    const dead = deadSetters.filter((d) => (d.bits & unset) !== 0).map((d) => d.rule.line);
    const inverted = r.rule.matches.some((m) => m.kind === "mark" && m.invert);
    out.push({
      kind: "mark-never-set", table: r.rule.table, chain: r.rule.chain, line: r.rule.line, related: dead,
      message: `line ${r.rule.line} reads mark bits ${hex(unset)}, which no reachable rule sets${dead.length ? ` (line${dead.length === 1 ? "" : "s"} ${dead.join(", ")} would, but no packet reaches ${dead.length === 1 ? "it" : "them"})` : ""}`,
      harmless: !inverted,
      why: inverted
        ? "the test is negated (`! --mark`), so with the bits never set it matches every packet: check that this is meant"
        : "the test never succeeds, so the rule never fires: nothing happens that was not already happening, unless something outside these tables sets the bits",
    });
  }
  return out;
}

/** Every part of a dump that does nothing, in the order of the file (table, then line). */
export function lintDump(dump: Dump): LintFinding[] {
  const reachable = new Map<TableName, Set<string>>(dump.tables.map((t) => [t.name, reachableChains(t)]));
  const findings: LintFinding[] = [];
  for (const t of dump.tables) {
    findings.push(...chainFindings(t, reachable.get(t.name)!, jumpsInto(t)), ...shadowFindings(t, reachable.get(t.name)!));
  }
  findings.push(...markFindings(dump, reachable));
  const tableIndex = (name: TableName) => dump.tables.findIndex((t) => t.name === name);
  return findings.sort((a, b) => tableIndex(a.table) - tableIndex(b.table) || (a.line ?? 0) - (b.line ?? 0) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}
