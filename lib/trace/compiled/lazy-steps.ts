/**
 * Outcome objects for the fast path's worlds, in the shape of the
 * explaining engine's: every field is there, and `steps` is made only when
 * something reads it, by the explaining engine following that outcome's own
 * random choices (one path, not the whole tree). Nothing else is kept per
 * outcome: a table of them (a WeakMap) would keep every outcome alive past
 * the young generation.
 */
import type { NodeRoutes } from "../../node/context.js";
import { runPacket, type Outcome, type RunInput, type Step } from "../engine.js";
import type { TraceOutcome } from "../outcome.js";
import { routeFor, trailArray, tupleOf, type World } from "./run.js";
import { serviceOfTrail } from "./services.js";

/** The step records of one outcome, from the explaining engine following its random choices. */
export function explainPath(input: RunInput, path: readonly boolean[]): Outcome {
  const [one] = runPacket({ ...input, path });
  return one;
}

/** The input the explaining engine replays an outcome's path with: the same packet and start, without the fast path's extras. */
export function replayInput(input: RunInput): RunInput {
  return { ...input, explain: false, naive: false };
}

/** An outcome of a later packet (follow-up or reply): the fields of Outcome, the steps made on first read. */
export function lazyOutcome(w: World, replay: RunInput): Outcome {
  const p = w.packet, path = w.path;
  let steps: Step[] | null = null;
  // The steps are an accessor of the object itself, so spreading, comparing and printing an outcome make them.
  return {
    probability: w.probability, verdict: w.verdict, delivery: w.delivery, line: w.line, reason: w.reason, rejectWith: w.rejectWith,
    inInterface: p.inInterface, outInterface: w.delivery === "out" ? p.outInterface : null, before: w.before, after: tupleOf(p),
    dnat: w.dnat, snat: w.snat, mark: p.mark,
    get steps(): Step[] {
      return (steps ??= explainPath(replay, trailArray(path, (x) => x)).steps);
    },
    set steps(value: Step[]) {
      steps = value;
    },
    state: w.state,
  };
}

/**
 * An outcome of a connection's first packet: lazyOutcome's fields, and what traceConnection adds (the Service
 * port, from the rules met; the next hop, from the world's own routing decision); `answerable` and `followUp`
 * are the caller's to set.
 */
export function lazyTraceOutcome(w: World, replay: RunInput, routes: NodeRoutes, services: readonly (string | null)[]): TraceOutcome {
  const p = w.packet, path = w.path;
  let steps: Step[] | null = null;
  const out = w.verdict === "accepted" && w.delivery === "out";
  const r = out ? routeFor(w, routes) : null;
  return {
    probability: w.probability, verdict: w.verdict, delivery: w.delivery, line: w.line, reason: w.reason, rejectWith: w.rejectWith,
    inInterface: p.inInterface, outInterface: w.delivery === "out" ? p.outInterface : null, before: w.before, after: tupleOf(p),
    dnat: w.dnat, snat: w.snat, mark: p.mark,
    get steps(): Step[] {
      return (steps ??= explainPath(replay, trailArray(path, (x) => x)).steps);
    },
    set steps(value: Step[]) {
      steps = value;
    },
    state: w.state,
    service: serviceOfTrail(w.met, services),
    nextHop: r !== null && r.kind === "unicast" ? r.nextHop : null,
    answerable: true,
    followUp: null,
  };
}

/** The lines of the rules an outcome met (matched), in order, from its steps (the fast path's own record is PathOutcome.rules). */
export function rulesMet(o: Outcome): number[] {
  return o.steps.filter((s) => s.kind === "rule" && s.matched).map((s) => s.line!);
}
