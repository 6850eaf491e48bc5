/** Small predicates and look-ups over the rules model. */
import type { Chain, Dump, Rule, Table, TableName } from "./dump.js";
import type { CommentMatch, Match, UnsupportedMatch } from "./matches.js";
import type { JumpTarget, Target, UnsupportedTarget } from "./targets.js";

/** The table called `name`, if the dump has it. */
export function findTable(dump: Dump, name: TableName): Table | undefined {
  return dump.tables.find((t) => t.name === name);
}

const chainIndex = new WeakMap<Table, Map<string, Chain>>();

/** The chains of `table` by name (built on first use; do not rename or replace chains afterwards). */
export function chainsByName(table: Table): ReadonlyMap<string, Chain> {
  let index = chainIndex.get(table);
  if (!index || index.size !== table.chains.length) {
    index = new Map(table.chains.map((c) => [c.name, c]));
    chainIndex.set(table, index);
  }
  return index;
}

/** The chain called `name` in `table` (indexed on first use; do not mutate the table afterwards). */
export function findChain(table: Table, name: string): Chain | undefined {
  return chainsByName(table).get(name);
}

/** Every rule of the dump, table by table, chain by chain, in printed order. */
export function allRules(dump: Dump): Rule[] {
  const rules: Rule[] = [];
  for (const table of dump.tables) for (const chain of table.chains) rules.push(...chain.rules);
  return rules;
}

/** The rule written on `line`, if any. */
export function ruleAtLine(dump: Dump, line: number): Rule | undefined {
  for (const table of dump.tables)
    for (const chain of table.chains) for (const rule of chain.rules) if (rule.line === line) return rule;
  return undefined;
}

/** The rules at these lines, found in one pass over the dump (for views that look up many lines). */
export function rulesAtLines(dump: Dump, lines: Iterable<number>): Map<number, Rule> {
  const wanted = new Set(lines);
  const found = new Map<number, Rule>();
  if (wanted.size === 0) return found;
  for (const table of dump.tables)
    for (const chain of table.chains)
      for (const rule of chain.rules) {
        if (!wanted.has(rule.line)) continue;
        found.set(rule.line, rule);
        if (found.size === wanted.size) return found;
      }
  return found;
}

/** Whether the target jumps (or goes) to a user chain. */
export function isJump(target: Target | null): target is JumpTarget {
  return target !== null && target.kind === "jump";
}

/** Whether the match is a part the kit keeps but does not model. */
export function isUnsupportedMatch(match: Match): match is UnsupportedMatch {
  return match.kind === "unsupported";
}

/** Whether the target is one the kit keeps but does not model. */
export function isUnsupportedTarget(target: Target | null): target is UnsupportedTarget {
  return target !== null && target.kind === "unsupported";
}

/** Whether a rule has any part the kit does not model (such a rule is flagged, and traces through it are uncertain). */
export function isFlagged(rule: Rule): boolean {
  return rule.matches.some(isUnsupportedMatch) || isUnsupportedTarget(rule.target);
}

/** The reasons a rule is flagged, one per unsupported part. */
export function flaggedParts(rule: Rule): { text: string; reason: string }[] {
  const parts: { text: string; reason: string }[] = [];
  for (const m of rule.matches) if (m.kind === "unsupported") parts.push({ text: m.text, reason: m.reason });
  if (rule.target?.kind === "unsupported") parts.push({ text: rule.target.text, reason: rule.target.reason });
  return parts;
}

/** The text of the rule's `-m comment`, if it has one. */
export function ruleComment(rule: Rule): string | undefined {
  const m = rule.matches.find((x): x is CommentMatch => x.kind === "comment");
  return m?.text;
}
