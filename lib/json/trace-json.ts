/**
 * The JSON form of a trace: what `kube-iptables-lab trace --json` prints and
 * what the explorer shows, built in one place so the two never differ.
 */
import type { Diagnostic } from "../model/dump.js";
import type { Outcome, Trace } from "../trace/outcome.js";
import { FORMATS } from "./formats.js";

/** A later packet (follow-up or reply) in brief: its verdict, its tuple before and after, and the rules it matched. */
function briefOutcome(o: Outcome) {
  return {
    verdict: o.verdict, before: o.before, after: o.after, inInterface: o.inInterface, outInterface: o.outInterface,
    steps: o.steps.filter((s) => s.matched).map((s) => ({ table: s.table, chain: s.chain, line: s.line, action: s.action ?? null })),
  };
}

/**
 * The plain object `trace --json` prints for a trace (fractions still exact; `toJson` writes them as "num/den").
 * `warnings` are the trace's; `dumpWarnings` the dump's own (the parser's, a byte that is not UTF-8), as `parse --json` gives them.
 */
export function traceJson(t: Trace, dumpWarnings: Diagnostic[] = []) {
  return {
    format: FORMATS.trace,
    packet: t.packet,
    origin: t.origin,
    outcomes: t.outcomes.map((o) => ({
      probability: o.probability, probabilityValue: Number(o.probability.num) / Number(o.probability.den),
      verdict: o.verdict, service: o.service, delivery: o.delivery, outInterface: o.outInterface, nextHop: o.nextHop, before: o.before, after: o.after,
      dnat: o.dnat, snat: o.snat, mark: o.mark, line: o.line, reason: o.reason,
      steps: o.steps.map((s) => ({ kind: s.kind, hook: s.hook, table: s.table, chain: s.chain, line: s.line, rule: s.rule, matched: s.matched, reason: s.reason ?? null, action: s.action ?? null })),
      followUp: o.followUp ? { original: o.followUp.original.map(briefOutcome), reply: o.followUp.reply.map(briefOutcome) } : null,
    })),
    warnings: t.warnings,
    dumpWarnings,
  };
}
