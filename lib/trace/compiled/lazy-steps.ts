/**
 * Outcome objects for the fast path's worlds, in the shape of the
 * explaining engine's: every field is there, and `steps` is made only when
 * something reads it, by the explaining engine following that outcome's own
 * random choices (one path, not the whole tree). What the replay needs is
 * kept in the outcome's own private fields: a table of them (a WeakMap)
 * would keep every outcome alive past the young generation.
 */
import type { BoundDump } from "./bind.js";
import { runPacket, type Outcome, type RunInput, type Step } from "../engine.js";
import type { TraceOutcome } from "../outcome.js";
import { routeFor, trailArray, tupleOf, type World } from "./run.js";

/** The step records of one outcome, from the explaining engine following its random choices. */
export function explainPath(input: RunInput, path: readonly boolean[]): Outcome {
  const [one] = runPacket({ ...input, path });
  return one;
}

/** The input the explaining engine replays an outcome's path with: the same packet and start, without the fast path's extras. */
export function replayInput(input: RunInput): RunInput {
  // The fast path's own input is one already (explanations off, no full scan): kept as it is, not copied per trace.
  return input.explain === false && input.naive === false ? input : { ...input, explain: false, naive: false };
}

/**
 * An outcome of the fast path: the fields of Outcome as data, and `steps` as an accessor of the class,
 * made on first read. (An accessor on each object, as an object literal's `get`, costs a few microseconds
 * per outcome to make, as much as the rest of a trace.) `toJSON` writes the steps too, in Outcome's order.
 */
export class LazyOutcome implements Outcome {
  probability: Outcome["probability"];
  verdict: Outcome["verdict"];
  delivery: Outcome["delivery"];
  line: Outcome["line"];
  reason: Outcome["reason"];
  rejectWith: Outcome["rejectWith"];
  inInterface: Outcome["inInterface"];
  outInterface: Outcome["outInterface"];
  before: Outcome["before"];
  after: Outcome["after"];
  dnat: Outcome["dnat"];
  snat: Outcome["snat"];
  mark: Outcome["mark"];
  state: Outcome["state"];
  #replay: RunInput;
  #path: World["path"];
  #steps: Step[] | null = null;

  constructor(w: World, replay: RunInput) {
    const p = w.packet;
    this.probability = w.probability;
    this.verdict = w.verdict;
    this.delivery = w.delivery;
    this.line = w.line;
    this.reason = w.reason;
    this.rejectWith = w.rejectWith;
    this.inInterface = p.inInterface;
    this.outInterface = w.delivery === "out" ? p.outInterface : null;
    this.before = w.before;
    this.after = tupleOf(p);
    this.dnat = w.dnat;
    this.snat = w.snat;
    this.mark = p.mark;
    this.state = w.state;
    this.#replay = replay;
    this.#path = w.path;
  }

  /** The step records, from the explaining engine following this outcome's random choices (on first read). */
  get steps(): Step[] {
    return (this.#steps ??= explainPath(this.#replay, trailArray(this.#path, (x) => x)).steps);
  }

  set steps(value: Step[]) {
    this.#steps = value;
  }

  toJSON(): Outcome {
    const { probability, verdict, delivery, line, reason, rejectWith, inInterface, outInterface, before, after, dnat, snat, mark } = this;
    return { probability, verdict, delivery, line, reason, rejectWith, inInterface, outInterface, before, after, dnat, snat, mark, steps: this.steps, state: this.state };
  }
}

/**
 * An outcome of a connection's first packet: LazyOutcome's fields, and what traceConnection adds (the Service
 * port, from the rules met; the next hop, from the world's own routing decision); `answerable` and `followUp`
 * are the caller's to set.
 */
export class LazyTraceOutcome extends LazyOutcome implements TraceOutcome {
  service: string | null;
  nextHop: string | null;
  answerable = true;
  followUp: TraceOutcome["followUp"] = null;

  constructor(w: World, replay: RunInput, bound: BoundDump) {
    super(w, replay);
    this.service = w.service;
    const r = w.verdict === "accepted" && w.delivery === "out" ? routeFor(w, bound) : null;
    this.nextHop = r !== null && r.kind === "unicast" ? r.nextHop : null;
  }

  override toJSON(): TraceOutcome {
    return { ...super.toJSON(), service: this.service, nextHop: this.nextHop, answerable: this.answerable, followUp: this.followUp };
  }
}

/** The lines of the rules an outcome met (matched), in order, from its steps (the fast path's own record is PathOutcome.rules). */
export function rulesMet(o: Outcome): number[] {
  return o.steps.filter((s) => s.kind === "rule" && s.matched).map((s) => s.line!);
}
