/**
 * The Service port of each compiled rule, filled once per compiled dump when
 * it is first bound to a node (./bind.ts): an outcome's Service is then the
 * first one among the rules it met (noted as they match, ./run.ts), with no
 * look-up by chain name per outcome. The answer is
 * serviceOfRules' (../reached.ts): a rule belongs to its chain's Service
 * port, else to its own line's (kube-proxy's filter rules).
 */
import type { Dump } from "../../model/dump.js";
import { serviceIndex } from "../reached.js";
import type { CompiledDump } from "./compile.js";

/** The Service port of each rule of a compiled dump, by row number (worked out on the first call). */
export function ruleServices(compiled: CompiledDump, dump: Dump): (string | null)[] {
  if (compiled.services) return compiled.services;
  const index = serviceIndex(dump);
  const services: (string | null)[] = new Array(compiled.rules).fill(null);
  for (const chain of compiled.chains) {
    const byChain = index.chains.get(chain.name);
    chain.source.rules.forEach((rule, i) => {
      services[chain.first + i] = byChain ?? index.lines.get(rule.line) ?? null;
    });
  }
  return (compiled.services = services);
}
