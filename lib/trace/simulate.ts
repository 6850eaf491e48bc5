/**
 * Connections over time: each connection takes one of its possible paths
 * (drawn with a seeded generator from the exact probabilities), and the
 * node's state (affinity lists, conntrack) carries over to the next one.
 */
import type { Dump } from "../model/dump.js";
import type { NodeContext } from "../node/context.js";
import { fraction, type Fraction } from "../math/fraction.js";
import { createRandom, type Random } from "../math/random.js";
import { connectionOf, traceConnection, type TraceOutcome } from "./trace.js";
import { DEFAULT_SOURCE_PORT, type ConnectionSpec, type Protocol } from "./packet.js";
import { emptyState, tupleKey, type ConntrackEntry, type NetState } from "./state.js";
import type { SampledShare, SimulationEvent, TimedConnection } from "./outcome.js";

export type { SampledShare, SimulationEvent, TimedConnection } from "./outcome.js";

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

/**
 * How long conntrack keeps a connection of the simulation after its last packet, in seconds. Each
 * simulated connection is a short exchange: a TCP one ends and waits in TIME_WAIT
 * (nf_conntrack_tcp_timeout_time_wait, 120 s); a UDP one is a request and its reply
 * (nf_conntrack_udp_timeout, 30 s); an SCTP one ends in SHUTDOWN_ACK_SENT's 3 s and CLOSED's 10 s.
 */
export const CONNTRACK_TIMEOUT: Readonly<Record<Protocol, number>> = { tcp: 120, udp: 30, sctp: 10 };

/** Linux's default net.ipv4.ip_local_port_range. */
const EPHEMERAL_PORTS = { first: 32768, last: 60999 };

/**
 * The live conntrack table of a simulation: one map for look-ups, and per protocol the keys in the
 * order they were added, so expired entries leave from the front in time proportional to their number.
 */
class ConntrackTable {
  readonly entries = new Map<string, ConntrackEntry>();
  private readonly queues = new Map<Protocol, { items: { key: string; entry: ConntrackEntry }[]; head: number }>();

  constructor(start: ReadonlyMap<string, ConntrackEntry>) {
    for (const [key, entry] of start) this.add(key, entry);
  }

  add(key: string, entry: ConntrackEntry): void {
    this.entries.set(key, entry);
    let q = this.queues.get(entry.original.protocol);
    if (!q) this.queues.set(entry.original.protocol, (q = { items: [], head: 0 }));
    q.items.push({ key, entry });
  }

  /** Forget connections idle for longer than their protocol's timeout at `now`. */
  expire(now: number): void {
    for (const [protocol, q] of this.queues) {
      const timeout = CONNTRACK_TIMEOUT[protocol];
      for (; q.head < q.items.length; q.head++) {
        const { key, entry } = q.items[q.head];
        // An item whose key was added again later is stale: that later item decides.
        if (this.entries.get(key) !== entry) continue;
        if (entry.lastSeen + timeout > now) break;
        this.entries.delete(key);
      }
      // Drop the consumed front now and then, so the queue holds about what is alive.
      if (q.head > 1024 && q.head * 2 > q.items.length) {
        q.items = q.items.slice(q.head);
        q.head = 0;
      }
    }
  }
}

/**
 * Simulate connections in time order, one event at a time, carrying xt_recent and conntrack state.
 * Only what is still alive is kept: conntrack entries expire (CONNTRACK_TIMEOUT), xt_recent lists
 * hold at most the node's `recentListSize` addresses, and an event is let go once the caller has it.
 */
export function* simulationEvents(dump: Dump, node: NodeContext, connections: TimedConnection[], options: SimulationOptions = {}): Generator<SimulationEvent> {
  const random = createRandom(options.seed ?? 1);
  const start = options.state ?? emptyState();
  const conntrack = new ConntrackTable(start.conntrack);
  // The state the traces see shares the live table: it changes after each connection instead of being copied.
  let state: NetState = { ...start, conntrack: conntrack.entries };
  const ordered = connections.map((c, i) => ({ c, i })).sort((a, b) => a.c.time - b.c.time || a.i - b.i);
  let nextPort = DEFAULT_SOURCE_PORT;
  for (const { c } of ordered) {
    conntrack.expire(c.time);
    const spec = { ...c, sport: c.sport ?? nextPort };
    // Source ports come from Linux's default ephemeral range (ip_local_port_range 32768-60999), in turn.
    if (c.sport === undefined) nextPort = nextPort === EPHEMERAL_PORTS.last ? EPHEMERAL_PORTS.first : nextPort + 1;
    const trace = traceConnection(dump, node, spec, { state, now: c.time, explain: false, followUp: false });
    const chosen = drawOutcome(trace.outcomes, random);
    const o = trace.outcomes[chosen];
    state = o.state.conntrack === conntrack.entries ? o.state : { ...o.state, conntrack: conntrack.entries };
    if (o.verdict === "accepted") {
      const entry = connectionOf(o, c.time);
      conntrack.add(tupleKey(entry.original), entry);
    }
    yield { connection: spec, possible: trace.outcomes, chosen, recent: state.recent, warnings: trace.warnings };
  }
}

/** Simulate a sequence of connections in time order, carrying xt_recent and conntrack state; every event in a list. */
export function simulateConnections(dump: Dump, node: NodeContext, connections: TimedConnection[], options: SimulationOptions = {}): SimulationEvent[] {
  return [...simulationEvents(dump, node, connections, options)];
}

/** A warning of a simulation, given once: how many connections it was given for, and the first few of them. */
export interface SimulationWarning {
  text: string;
  count: number;
  /** The first of its connections (WARNING_EXAMPLES unless asked otherwise): their number (from 1, in time order) and time. */
  first: { number: number; time: number }[];
}

/** How many of a warning's connections are named; a long run says how many more there were. */
export const WARNING_EXAMPLES = 8;

/**
 * The distinct warnings of a simulation, in the order first met, fed one event at a time (a
 * timeline of many connections repeats the same warning for each: a reader needs it once).
 */
export class SimulationWarnings {
  private readonly byText = new Map<string, SimulationWarning>();
  private connections = 0;

  /** `examples`: how many of each warning's connections to keep in `first` (all of them with Infinity). */
  constructor(private readonly examples = WARNING_EXAMPLES) {}

  /** Note the warnings of the next event in time order. */
  add(event: SimulationEvent): void {
    const number = ++this.connections;
    for (const text of event.warnings) {
      let w = this.byText.get(text);
      if (!w) this.byText.set(text, (w = { text, count: 0, first: [] }));
      w.count++;
      if (w.first.length < this.examples) w.first.push({ number, time: event.connection.time });
    }
  }

  /** Each distinct warning once, in the order first met. */
  list(): SimulationWarning[] {
    return [...this.byText.values()];
  }
}

/** The distinct warnings of a list of events (see SimulationWarnings). */
export function simulationWarnings(events: Iterable<SimulationEvent>): SimulationWarning[] {
  const tally = new SimulationWarnings();
  for (const e of events) tally.add(e);
  return tally.list();
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
