/**
 * Checks the kernel makes when a table is loaded: no jump loops, and NAT,
 * REJECT and raw-only targets used only in chains reachable from the hooks
 * that allow them. iptables-restore --test skips these; a real load fails.
 */
import type { Chain, Rule, Table } from "../model/dump.js";
import type { Hook } from "../model/tables.js";

type Report = (line: number, column: number, message: string, severity?: "error" | "warning") => void;

interface Placement {
  tables?: string[];
  hooks: Hook[];
}

const PLACEMENT: Record<string, Placement> = {
  DNAT: { tables: ["nat"], hooks: ["PREROUTING", "OUTPUT"] },
  REDIRECT: { tables: ["nat"], hooks: ["PREROUTING", "OUTPUT"] },
  SNAT: { tables: ["nat"], hooks: ["POSTROUTING", "INPUT"] },
  MASQUERADE: { tables: ["nat"], hooks: ["POSTROUTING"] },
  REJECT: { hooks: ["INPUT", "FORWARD", "OUTPUT"] },
  CT: { tables: ["raw"], hooks: ["PREROUTING", "OUTPUT"] },
  TRACE: { tables: ["raw"], hooks: ["PREROUTING", "OUTPUT"] },
};

function targetColumn(rule: Rule): number {
  const at = rule.raw.search(/(^|\s)(-j|--jump|-g|--goto)\s/);
  return at < 0 ? 1 : at + (rule.raw[at] === "-" ? 1 : 2);
}

/**
 * The jump graph of a table by chain position: each rule's jump (or goto)
 * target as a position in `table.chains`, -1 for none, in one flat array
 * for the whole table (a chain's rules are a run of it). Found once with one
 * name look-up per jump; the walks below then follow integers, which stays
 * fast and small on tables of 56 000 chains (a list per chain cost 10 MB).
 */
interface Graph {
  chains: Chain[];
  /** Where each chain's rules start in `jumpOf`: chain c's are first[c] to first[c + 1] - 1. */
  first: Int32Array;
  /** Every rule's jump target, as iptables-nft's check follows them. */
  jumpOf: Int32Array;
  /** How many of a chain's rules the kernel's walk reaches: up to the first that ends the walk (endsWalk), or all. */
  walked: Int32Array;
  /** The built-in chains' names in table order: bit i of a reach mask stands for hooks[i]. */
  hooks: Hook[];
}

/**
 * Whether the kernel's table check (x_tables' mark_source_chains) stops walking a chain at this rule:
 * an ACCEPT, DROP, RETURN or QUEUE without any condition or match (a comment is a match). Rules after
 * it are never walked, so their jumps are not followed there.
 */
function endsWalk(rule: Rule): boolean {
  const kind = rule.target?.kind;
  const verdict = kind === "ACCEPT" || kind === "DROP" || kind === "RETURN" || kind === "QUEUE";
  return verdict && rule.matches.length === 0 && Object.keys(rule.ip).length === 0;
}

function graphOf(table: Table): Graph {
  const chains = table.chains;
  const position = new Map<string, number>();
  let rules = 0;
  for (let c = 0; c < chains.length; c++) {
    position.set(chains[c].name, c);
    rules += chains[c].rules.length;
  }
  const first = new Int32Array(chains.length + 1);
  const jumpOf = new Int32Array(rules);
  const walked = new Int32Array(chains.length);
  let at = 0;
  for (let c = 0; c < chains.length; c++) {
    const list = chains[c].rules;
    first[c] = at;
    walked[c] = list.length;
    for (let k = 0; k < list.length; k++) {
      const target = list[k].target;
      jumpOf[at++] = target !== null && target.kind === "jump" ? position.get(target.chain) ?? -1 : -1;
      if (walked[c] === list.length && endsWalk(list[k])) walked[c] = k + 1;
    }
  }
  first[chains.length] = at;
  return { chains, first, jumpOf, walked, hooks: chains.filter((c) => c.builtin).map((c) => c.name as Hook) };
}

/** How many of chain c's rules a walk follows: those the kernel's walk reaches, or (`all`) every one. */
function rulesFollowed(g: Graph, c: number, all: boolean): number {
  return all ? g.first[c + 1] - g.first[c] : g.walked[c];
}

/** For each chain position, a bit per built-in chain (in table order) whose traversal reaches it (through the walked jumps, or with `all` every one). */
function reachBits(g: Graph, all = false): Uint8Array {
  const bits = new Uint8Array(g.chains.length);
  // A chain is marked when it is put on the stack, so it is put there once: the stack is no deeper than the table.
  const stack = new Int32Array(g.chains.length);
  let bit = 1;
  g.chains.forEach((start, s) => {
    if (!start.builtin) return;
    let top = 0;
    stack[top++] = s;
    bits[s] |= bit;
    while (top > 0) {
      const i = stack[--top];
      const n = rulesFollowed(g, i, all);
      for (let k = 0; k < n; k++) {
        const next = g.jumpOf[g.first[i] + k];
        if (next < 0 || bits[next] & bit) continue;
        bits[next] |= bit;
        stack[top++] = next;
      }
    }
    bit <<= 1;
  });
  return bits;
}

/** The hooks whose bits are set, in table order. */
function hooksOf(g: Graph, bits: number): Hook[] {
  return g.hooks.filter((_, i) => bits & (1 << i));
}

/** For each chain, the built-in hooks whose traversal can reach it. */
export function reachingHooks(table: Table): Map<string, Set<Hook>> {
  const g = graphOf(table);
  const bits = reachBits(g);
  return new Map(g.chains.map((c, i) => [c.name, new Set(hooksOf(g, bits[i]))]));
}

/** A cycle of chain names for a message, shortened when it is long. */
function cycleText(cycle: string[]): string {
  if (cycle.length <= 8) return cycle.join(" -> ");
  return `${cycle.slice(0, 3).join(" -> ")} -> ... (${cycle.length - 1} chains) -> ${cycle.slice(-2).join(" -> ")}`;
}

/**
 * Report jump loops, walking from the built-in chains as the kernel does
 * (a loop no built-in chain reaches is loaded without complaint). The walk
 * keeps its own stack, so a chain of thousands of jumps cannot overflow
 * JavaScript's call stack.
 */
function reportLoops(g: Graph, report: Report): void {
  // 0: not seen, 1: on the current path, 2: finished.
  const state = new Uint8Array(g.chains.length);
  // The path being walked, as two stacks: its chains (each at most once, so no deeper than the table) and
  // the next rule to look at in each.
  const path = new Int32Array(g.chains.length);
  const nextRule = new Int32Array(g.chains.length);
  g.chains.forEach((start, s) => {
    if (!start.builtin || state[s] !== 0) return;
    let depth = 0;
    path[0] = s;
    nextRule[0] = 0;
    state[s] = 1;
    while (depth >= 0) {
      const chain = path[depth];
      if (nextRule[depth] >= g.walked[chain]) {
        state[chain] = 2;
        depth--;
        continue;
      }
      const k = nextRule[depth]++;
      const next = g.jumpOf[g.first[chain] + k];
      if (next < 0) continue;
      if (state[next] === 1) {
        const onPath = Array.from(path.subarray(0, depth + 1));
        const cycle = [...onPath.slice(onPath.lastIndexOf(next)), next].map((i) => g.chains[i].name);
        const rule = g.chains[chain].rules[k];
        report(rule.line, targetColumn(rule), `jump loop ${cycleText(cycle)}: the kernel refuses a table whose chains jump in a circle`);
      } else if (state[next] === 0) {
        state[next] = 1;
        depth++;
        path[depth] = next;
        nextRule[depth] = 0;
      }
    }
  });
}

/**
 * Warn about loops closed only by rules after an unconditional verdict. iptables-legacy commits them (its
 * check never walks those rules, and no packet reaches them); iptables-nft refuses them ("Too many links").
 * The kit follows iptables-legacy, with this warning.
 */
function reportLoopsAfterVerdicts(g: Graph, report: Report): void {
  const reached = reachAll(g, g.chains.flatMap((c, i) => (c.builtin ? [i] : [])));
  for (let c = 0; c < g.chains.length; c++) {
    const chain = g.chains[c];
    // Only the rules after the one that ends the walk (none, in a chain without an unconditional verdict).
    if (reached[c] === 0) continue;
    for (let k = g.walked[c]; k < chain.rules.length; k++) {
      const target = g.jumpOf[g.first[c] + k];
      if (target < 0 || reachAll(g, [target])[c] === 0) continue;
      const rule = chain.rules[k];
      const end = chain.rules[g.walked[c] - 1];
      report(rule.line, targetColumn(rule), `jump loop through ${chain.name} after the unconditional ${end.target!.kind} on line ${end.line}: iptables-legacy loads it (its loop check never walks rules after that one, and no packet reaches them), iptables-nft refuses it (Too many links)`, "warning");
    }
  }
}

/** The chains reachable from `starts` through every rule's jumps: 1 at their positions. */
function reachAll(g: Graph, starts: number[]): Uint8Array {
  const seen = new Uint8Array(g.chains.length);
  // Marked when stacked, as in reachBits: each chain is stacked once.
  const stack = new Int32Array(g.chains.length);
  let top = 0;
  for (const s of starts) {
    if (seen[s] !== 0) continue;
    seen[s] = 1;
    stack[top++] = s;
  }
  while (top > 0) {
    const i = stack[--top];
    for (let at = g.first[i]; at < g.first[i + 1]; at++) {
      const next = g.jumpOf[at];
      if (next < 0 || seen[next] !== 0) continue;
      seen[next] = 1;
      stack[top++] = next;
    }
  }
  return seen;
}

/** Report kernel-level problems in one table. */
export function validateTable(table: Table, report: Report): void {
  const g = graphOf(table);
  reportLoops(g, report);
  reportLoopsAfterVerdicts(g, report);
  reportPlacements(table, g, report);
}

/** The bits (as reachBits sets them) of the hooks a placed target may not be used from. */
function forbiddenBits(g: Graph, placement: Placement): number {
  let bits = 0;
  g.hooks.forEach((hook, i) => {
    if (!placement.hooks.includes(hook)) bits |= 1 << i;
  });
  return bits;
}

/**
 * Report NAT, REJECT and raw-only targets used in the wrong table or reached from a hook that does not
 * allow them. Most rules of a kube-proxy dump are jumps with no placement: they cost one look-up here,
 * and a placed target costs a test of bits until it is actually misplaced.
 */
function reportPlacements(table: Table, g: Graph, report: Report): void {
  const reach = reachBits(g);
  const reachAny = reachBits(g, true);
  const forbidden = new Map<Placement, number>();
  // Plain loops: a closure per chain would be made 56 000 times on a 10k-Service dump.
  for (let i = 0; i < g.chains.length; i++) {
    const chain = g.chains[i];
    for (let k = 0; k < chain.rules.length; k++) {
      const rule = chain.rules[k];
      const kind = rule.target?.kind;
      const placement = kind === undefined || kind === "jump" ? undefined : PLACEMENT[kind];
      if (!kind || !placement) continue;
      if (placement.tables && !placement.tables.includes(table.name)) {
        report(rule.line, targetColumn(rule), `${kind} is only valid in the ${placement.tables.join("/")} table, not in ${table.name}`);
        continue;
      }
      let bits = forbidden.get(placement);
      if (bits === undefined) forbidden.set(placement, (bits = forbiddenBits(g, placement)));
      // A rule the kernel's walk reaches is checked against the hooks that reach it; one it never walks
      // (after an unconditional verdict, or in a chain only such rules jump to) is loaded by iptables-legacy.
      const walked = k < g.walked[i];
      const wrong = walked ? reach[i] & bits : 0;
      const unwalked = reachAny[i] & bits;
      if (wrong !== 0 || unwalked !== 0) reportPlacement(g, chain, rule, placement, wrong, unwalked, report);
    }
  }
}

/** The error (reached from a hook that does not allow the target) or the warning (reached only through rules no packet gets to). */
function reportPlacement(g: Graph, chain: Chain, rule: Rule, placement: Placement, wrong: number, unwalked: number, report: Report): void {
  const kind = rule.target!.kind;
  const where = (hooks: Hook[]) => `${kind} is only valid in ${placement.hooks.join(" and ")}${chain.builtin ? `, not in ${chain.name}` : ` (chain ${chain.name} is reached from ${hooks.join(", ")})`}`;
  if (wrong !== 0) report(rule.line, targetColumn(rule), where(hooksOf(g, wrong)));
  else report(rule.line, targetColumn(rule), `${where(hooksOf(g, unwalked))}, but no packet gets here: iptables-legacy loads it (its checks only walk rules a packet can reach), iptables-nft refuses it (Invalid argument)`, "warning");
}
