/**
 * Checks the kernel makes when a table is loaded: no jump loops, and NAT,
 * REJECT and raw-only targets used only in chains reachable from the hooks
 * that allow them. iptables-restore --test skips these; a real load fails.
 */
import type { Chain, Rule, Table } from "../model/dump.js";
import type { Hook } from "../model/tables.js";

type Report = (line: number, column: number, message: string) => void;

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

/** For each chain, the built-in hooks whose traversal can reach it. */
export function reachingHooks(table: Table): Map<string, Set<Hook>> {
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const reach = new Map<string, Set<Hook>>(table.chains.map((c) => [c.name, new Set<Hook>()]));
  for (const start of table.chains.filter((c) => c.builtin)) {
    const hook = start.name as Hook;
    const stack: Chain[] = [start];
    while (stack.length > 0) {
      const chain = stack.pop()!;
      const set = reach.get(chain.name)!;
      if (set.has(hook)) continue;
      set.add(hook);
      for (const rule of chain.rules) {
        if (rule.target?.kind === "jump") {
          const next = byName.get(rule.target.chain);
          if (next) stack.push(next);
        }
      }
    }
  }
  return reach;
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
function reportLoops(table: Table, byName: Map<string, Chain>, report: Report): void {
  // 1: on the current path, 2: finished.
  const state = new Map<string, 1 | 2>();
  for (const start of table.chains) {
    if (!start.builtin || state.has(start.name)) continue;
    const stack: { chain: Chain; next: number }[] = [{ chain: start, next: 0 }];
    const path: string[] = [start.name];
    state.set(start.name, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.chain.rules.length) {
        state.set(frame.chain.name, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const rule = frame.chain.rules[frame.next++];
      if (rule.target?.kind !== "jump") continue;
      const next = byName.get(rule.target.chain);
      if (!next) continue;
      const seen = state.get(next.name);
      if (seen === 1) {
        const cycle = [...path.slice(path.lastIndexOf(next.name)), next.name];
        report(rule.line, targetColumn(rule), `jump loop ${cycleText(cycle)}: the kernel refuses a table whose chains jump in a circle`);
      } else if (seen === undefined) {
        state.set(next.name, 1);
        stack.push({ chain: next, next: 0 });
        path.push(next.name);
      }
    }
  }
}

/** Report kernel-level problems in one table. */
export function validateTable(table: Table, report: Report): void {
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  reportLoops(table, byName, report);

  const reach = reachingHooks(table);
  for (const chain of table.chains) {
    for (const rule of chain.rules) {
      const kind = rule.target?.kind;
      if (!kind) continue;
      const placement = PLACEMENT[kind];
      if (!placement) continue;
      if (placement.tables && !placement.tables.includes(table.name)) {
        report(rule.line, targetColumn(rule), `${kind} is only valid in the ${placement.tables.join("/")} table, not in ${table.name}`);
        continue;
      }
      const wrong = [...(reach.get(chain.name) ?? [])].filter((h) => !placement.hooks.includes(h));
      if (wrong.length > 0) {
        const via = chain.builtin ? "" : ` (chain ${chain.name} is reached from ${wrong.join(", ")})`;
        report(rule.line, targetColumn(rule), `${kind} is only valid in ${placement.hooks.join(" and ")}${chain.builtin ? `, not in ${chain.name}` : via}`);
      }
    }
  }
}
