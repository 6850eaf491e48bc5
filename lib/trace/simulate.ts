/**
 * Connections over time: each connection takes one of its possible paths
 * (drawn with a seeded generator from the exact probabilities), and the
 * node's state (affinity lists, conntrack) carries over to the next one.
 */
import type { Dump } from "../model/dump.js";
import type { NodeContext } from "../node/context.js";
import { fraction, type Fraction } from "../math/fraction.js";
import { createRandom, type Random } from "./random.js";
import { connectionOf, traceConnection, type TraceOutcome } from "./trace.js";
import { DEFAULT_SOURCE_PORT, type ConnectionSpec } from "./packet.js";
import { emptyState, tupleKey, type NetState, type RecentLists } from "./state.js";

/** One connection of a simulation, at a time in seconds. */
export interface TimedConnection extends ConnectionSpec {
  time: number;
  /** A label for tables (`client A, 1st visit`). */
  label?: string;
}

/** What happened to one connection of the sequence. */
export interface SimulationEvent {
  connection: TimedConnection;
  /** Every possible outcome at that moment, with exact probabilities given the state then. */
  possible: TraceOutcome[];
  /** The outcome the draw picked (index into `possible`). */
  chosen: number;
  /** xt_recent lists after the connection. */
  recent: RecentLists;
}

/** Options of a simulation. */
export interface SimulationOptions {
  seed?: number;
  /** Start state (empty by default). */
  state?: NetState;
}

/** Pick one outcome with its exact probability. */
export function drawOutcome<T extends { probability: Fraction }>(outcomes: T[], random: Random): number {
  let den = 1n;
  for (const o of outcomes) den = lcm(den, o.probability.den);
  let r = random.below(den);
  for (let i = 0; i < outcomes.length; i++) {
    const share = (outcomes[i].probability.num * den) / outcomes[i].probability.den;
    if (r < share) return i;
    r -= share;
  }
  return outcomes.length - 1;
}

function lcm(a: bigint, b: bigint): bigint {
  let x = a, y = b;
  while (y) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** Simulate a sequence of connections in time order, carrying xt_recent and conntrack state. */
export function simulateConnections(dump: Dump, node: NodeContext, connections: TimedConnection[], options: SimulationOptions = {}): SimulationEvent[] {
  const random = createRandom(options.seed ?? 1);
  let state = options.state ?? emptyState();
  const events: SimulationEvent[] = [];
  const ordered = connections.map((c, i) => ({ c, i })).sort((a, b) => a.c.time - b.c.time || a.i - b.i);
  let nextPort = DEFAULT_SOURCE_PORT;
  for (const { c } of ordered) {
    const spec = { ...c, sport: c.sport ?? nextPort++ };
    const trace = traceConnection(dump, node, spec, { state, now: c.time, explain: false, followUp: false });
    const chosen = drawOutcome(trace.outcomes, random);
    const o = trace.outcomes[chosen];
    state = o.state;
    if (o.verdict === "accepted") {
      const entry = connectionOf(o, c.time);
      state = { ...state, conntrack: new Map(state.conntrack).set(tupleKey(entry.original), entry) };
    }
    events.push({ connection: spec, possible: trace.outcomes, chosen, recent: state.recent });
  }
  return events;
}

/** Counts of where sampled connections went, with the exact expectation and a 99.9% Wilson interval. */
export interface SampledShare {
  /** Destination after DNAT (`ip:port`), or the verdict for connections not accepted. */
  key: string;
  count: number;
  exact: Fraction;
  low: number;
  high: number;
}

/**
 * Monte Carlo: `runs` independent first connections (fresh state each time),
 * drawn with a seeded generator, compared with the exact split.
 */
export function sampleSplit(dump: Dump, node: NodeContext, spec: ConnectionSpec, runs: number, seed = 1): SampledShare[] {
  const trace = traceConnection(dump, node, spec, { explain: false, followUp: false });
  const random = createRandom(seed);
  const keyOf = (o: TraceOutcome) => (o.verdict === "accepted" ? `${o.after.dst}:${o.after.dport}` : o.verdict);
  const exact = new Map<string, Fraction>();
  for (const o of trace.outcomes) {
    const k = keyOf(o);
    const prev = exact.get(k);
    exact.set(k, prev ? fraction(prev.num * o.probability.den + o.probability.num * prev.den, prev.den * o.probability.den) : o.probability);
  }
  const counts = new Map<string, number>([...exact.keys()].map((k) => [k, 0]));
  for (let i = 0; i < runs; i++) {
    const k = keyOf(trace.outcomes[drawOutcome(trace.outcomes, random)]);
    counts.set(k, counts.get(k)! + 1);
  }
  const z = 3.2905; // two-sided 99.9%
  return [...exact.entries()].map(([key, f]) => {
    const n = runs, c = counts.get(key)!, p = c / n;
    const denom = 1 + (z * z) / n;
    const centre = (p + (z * z) / (2 * n)) / denom;
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
    return { key, count: c, exact: f, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
  });
}
