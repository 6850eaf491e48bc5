/** Which chains of a table a packet can enter: the built-in chains, and every chain a reachable rule jumps or goes to. */
import type { Chain, Rule, Table } from "../model/dump.js";
import { isJump } from "../model/predicates.js";

/** The chain a rule jumps or goes to, or null. */
export function jumpOf(rule: Rule): string | null {
  return isJump(rule.target) ? rule.target.chain : null;
}

/** The rules of a table that jump to each chain, by chain name. */
export function jumpsInto(table: Table): Map<string, Rule[]> {
  const into = new Map<string, Rule[]>();
  for (const c of table.chains) {
    for (const r of c.rules) {
      const to = jumpOf(r);
      if (to === null) continue;
      const list = into.get(to);
      if (list) list.push(r);
      else into.set(to, [r]);
    }
  }
  return into;
}

/** Names of the chains a packet can enter: the built-ins, then (breadth first) what their rules jump to. */
export function reachableChains(table: Table): Set<string> {
  const byName = new Map<string, Chain>(table.chains.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const queue = table.chains.filter((c) => c.builtin).map((c) => c.name);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const r of byName.get(name)?.rules ?? []) {
      const to = jumpOf(r);
      if (to !== null && !seen.has(to)) queue.push(to);
    }
  }
  return seen;
}
