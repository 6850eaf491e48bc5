/**
 * The Service port of each compiled rule, filled once per compiled dump on
 * its first trace: an outcome's Service is then the first one among the
 * rules it met, with no look-up by chain name per outcome. The answer is
 * serviceOfRules' (../reached.ts): a rule belongs to its chain's Service
 * port, else to its own line's (kube-proxy's filter rules).
 */
import type { Dump } from "../../model/dump.js";
import { serviceIndex } from "../reached.js";
import type { CompiledDump } from "./compile.js";
import type { Trail } from "./run.js";
import type { CompiledRule } from "./compile.js";

/** Fill `service` on every rule of a compiled dump (once). */
export function markServices(compiled: CompiledDump, dump: Dump): void {
  if (compiled.servicesMarked) return;
  const index = serviceIndex(dump);
  const seen = new Set<CompiledRule[]>();
  for (const entry of compiled.entries.values()) markFrom(entry.rules, index, seen);
  compiled.servicesMarked = true;
}

/** Every chain reachable from one, each once. */
function markFrom(start: CompiledRule[], index: ReturnType<typeof serviceIndex>, seen: Set<CompiledRule[]>): void {
  const todo = [start];
  seen.add(start);
  while (todo.length > 0) {
    const rules = todo.pop()!;
    for (const rule of rules) {
      rule.service = index.chains.get(rule.chain.name) ?? index.lines.get(rule.line) ?? null;
      const next = rule.target.chain;
      if (next && !seen.has(next.rules)) {
        seen.add(next.rules);
        todo.push(next.rules);
      }
    }
  }
}

/** The Service port of the first rule met that belongs to one (the trail is newest first), or null. */
export function serviceOfTrail(met: Trail<CompiledRule> | null): string | null {
  let service: string | null = null;
  for (let n = met; n; n = n.prev) if (n.value.service !== null) service = n.value.service;
  return service;
}
