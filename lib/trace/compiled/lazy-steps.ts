/**
 * Outcomes of the fast path in the shape of the explaining engine's: every
 * field is there, and `steps` is made only when something reads it, by the
 * explaining engine following that outcome's own random choices (one path,
 * not the whole tree). Nothing else is kept per outcome: a table of them
 * (a WeakMap) would keep every outcome alive past the young generation.
 */
import { runPacket, type Outcome, type RunInput, type Step } from "../engine.js";
import type { PathOutcome } from "./run.js";

/** The step records of one outcome, from the explaining engine following its random choices. */
export function explainPath(input: RunInput, path: readonly boolean[]): Outcome {
  const [one] = runPacket({ ...input, path });
  return one;
}

/** Outcome objects for the fast path's outcomes: the same fields, the steps made on first read. */
export function withLazySteps(outcomes: PathOutcome[], input: RunInput): Outcome[] {
  // The explanation follows the same packet with the same start, without the fast path's extras.
  const replay: RunInput = { ...input, explain: false, naive: false };
  return outcomes.map((f) => {
    let steps: Step[] | null = null;
    // The steps are an accessor of the object itself, so spreading, comparing and printing an outcome make them.
    const o: Outcome = {
      probability: f.probability, verdict: f.verdict, delivery: f.delivery, line: f.line, reason: f.reason, rejectWith: f.rejectWith,
      inInterface: f.inInterface, outInterface: f.outInterface, before: f.before, after: f.after, dnat: f.dnat, snat: f.snat,
      mark: f.mark,
      get steps(): Step[] {
        return (steps ??= explainPath(replay, f.path).steps);
      },
      set steps(value: Step[]) {
        steps = value;
      },
      state: f.state,
    };
    return o;
  });
}

/** The lines of the rules an outcome met (matched), in order, from its steps (the fast path's own record is PathOutcome.rules). */
export function rulesMet(o: Outcome): number[] {
  return o.steps.filter((s) => s.kind === "rule" && s.matched).map((s) => s.line!);
}
