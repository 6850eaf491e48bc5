/**
 * The JSON form of a simulation: what `kube-iptables-lab simulate --json` prints.
 * It carries what the text report shows: each connection with its outcome, and the
 * traces' warnings, each distinct one once with every connection it concerns.
 */
import type { Diagnostic } from "../model/dump.js";
import type { SimulationEvent, TimedConnection } from "../trace/outcome.js";
import { SimulationWarnings } from "../trace/simulate.js";
import { DEFAULT_SOURCE_PORT } from "../trace/packet.js";
import { FORMATS } from "./formats.js";

/** A distinct warning of a simulation: its text, how many connections it was given for, and which (indexes into `events`). */
export interface SimulationWarningJson {
  message: string;
  count: number;
  events: number[];
}

/** A connection of simulate --json with every key present, whatever the input left out: the defaults filled in, no label or no starting point as null. */
function connectionJson(c: TimedConnection) {
  return {
    time: c.time, label: c.label ?? null, protocol: c.protocol ?? "tcp", src: c.src, sport: c.sport ?? DEFAULT_SOURCE_PORT,
    dst: c.dst, dport: c.dport, from: c.from ?? null, ctstate: c.ctstate ?? "NEW",
  };
}

/** One event, reduced to what simulate --json prints of it (its trace's warnings as trace --json gives them). */
function eventJson(e: SimulationEvent) {
  const o = e.possible[e.chosen];
  return {
    connection: connectionJson(e.connection), verdict: o.verdict, after: o.after, probability: o.probability,
    possible: e.possible.map((p) => ({ probability: p.probability, verdict: p.verdict, after: p.after })),
    recent: Object.fromEntries([...e.recent].map(([k, v]) => [k, v])),
    warnings: e.warnings,
  };
}

/**
 * The plain object simulate --json prints (fractions still exact; `toJson` writes them as "num/den").
 * Events are reduced one by one as they are made, so a long run keeps only what is printed.
 * `dumpWarnings` are the dump's own warnings (the parser's, a byte that is not UTF-8), as `parse --json` gives them.
 */
export function simulationJson(events: Iterable<SimulationEvent>, dumpWarnings: Diagnostic[]) {
  const out: ReturnType<typeof eventJson>[] = [];
  // Every connection of each warning, not only the first few the text report names.
  const tally = new SimulationWarnings(Infinity);
  for (const e of events) {
    tally.add(e);
    out.push(eventJson(e));
  }
  const warnings: SimulationWarningJson[] = tally.list().map((w) => ({ message: w.text, count: w.count, events: w.first.map((c) => c.number - 1) }));
  return { format: FORMATS.simulation, events: out, warnings, dumpWarnings };
}
