/**
 * traceConnection: every way a new connection can go through a node, with
 * exact probabilities, the rules met, the NAT decisions, and what the later
 * packets and the replies of that connection look like.
 */
import type { Dump } from "../model/dump.js";
import { parseIPv4 } from "../model/address.js";
import { inferOrigin, type NodeContext } from "../node/context.js";
import { runPacket, type RunInput } from "./engine.js";
import type { FollowUp, Outcome, Trace, TraceOutcome } from "./outcome.js";

export type { FollowUp, Trace, TraceOutcome } from "./outcome.js";
import { runWorlds } from "./compiled/run.js";
import { LazyOutcome, LazyTraceOutcome, replayInput } from "./compiled/lazy-steps.js";
import { boundDump } from "./compiled/bind.js";
import { DEFAULT_SOURCE_PORT, type ConnectionSpec, type PacketState, type Protocol, type Tuple } from "./packet.js";
import { emptyState, tupleKey, type ConntrackEntry, type NetState } from "./state.js";
import { nextHopOf, reachedService, unownedDestination, unownedLocalSource } from "./reached.js";

/** A connection that cannot be traced as given (bad address, unknown interface, ...). */
export class TraceInputError extends Error {}

/** The state of a node that has seen nothing yet; shared, since states are replaced, never changed. */
const EMPTY_STATE: NetState = emptyState();

/** Options of a trace. */
export interface TraceOptions {
  /** State to start from (from a simulation, or captured lists); empty by default: a client's first connection. */
  state?: NetState;
  /** Simulation clock in seconds (for xt_recent ages). */
  now?: number;
  /** Record non-matching rules with their reasons (default true). */
  explain?: boolean;
  /** Also trace the connection's later packets and replies (default true). */
  followUp?: boolean;
  /** With `explain` off, still check every rule in turn instead of using the chain index (for comparisons); implies `reference`. */
  naive?: boolean;
  /** With `explain` off, use the explaining engine (the reference) instead of the compiled fast path (for comparisons). */
  reference?: boolean;
}

/** Whether a packet goes through the explaining engine: with explanations, or when asked for the reference. */
function explaining(input: RunInput, reference: boolean): boolean {
  return input.explain || input.naive === true || reference;
}

/** A later packet through the node; the fast path's outcomes make their step records only when read. */
function run(input: RunInput, reference: boolean): Outcome[] {
  if (explaining(input, reference)) return runPacket(input);
  const replay = replayInput(input);
  return runWorlds(input).map((w) => new LazyOutcome(w, replay));
}

/** A connection's first packet through the node, its outcomes with their Service port and next hop. */
function runFirst(input: RunInput, reference: boolean): TraceOutcome[] {
  const { dump, node } = input;
  if (explaining(input, reference)) {
    const outcomes = runPacket(input) as TraceOutcome[];
    // The outcomes are this call's own: each gets its Service port and next hop in place rather than as a copy.
    for (const o of outcomes) {
      o.service = reachedService(dump, o);
      o.nextHop = nextHopOf(node, o);
    }
    return outcomes;
  }
  const bound = boundDump(dump, node);
  const replay = replayInput(input);
  const worlds = runWorlds(input, bound);
  const outcomes: TraceOutcome[] = new Array(worlds.length);
  for (let i = 0; i < worlds.length; i++) outcomes[i] = new LazyTraceOutcome(worlds[i], replay, bound);
  return outcomes;
}

function checkIp(ip: string, what: string): void {
  if (parseIPv4(ip) === null) throw new TraceInputError(`${what}: expected an IPv4 address, got '${ip}'`);
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TraceInputError(`${what}: expected a port 0-65535, got '${port}'`);
}

/** Resolve a connection spec into its first packet and origin, checking every field. */
export function resolveConnection(node: NodeContext, spec: ConnectionSpec): { packet: PacketState; origin: Trace["origin"] } {
  const protocol: Protocol = spec.protocol ?? "tcp";
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") throw new TraceInputError(`protocol: expected tcp, udp or sctp, got '${protocol}'`);
  checkIp(spec.src, "source");
  checkIp(spec.dst, "destination");
  const sport = spec.sport ?? DEFAULT_SOURCE_PORT;
  checkPort(sport, "source port");
  checkPort(spec.dport, "destination port");
  const ctstate = spec.ctstate ?? "NEW";
  if (ctstate !== "NEW" && ctstate !== "INVALID") throw new TraceInputError(`ctstate: expected NEW or INVALID, got '${String(ctstate)}'`);
  let origin: Trace["origin"];
  if (spec.from === "local") origin = { local: true, interface: null, inferred: false };
  else if (spec.from) {
    const name = spec.from.interface;
    if (!node.interfaces.some((i) => i.name === name))
      throw new TraceInputError(`interface ${name}: the node has no such interface (it has ${node.interfaces.map((i) => i.name).join(", ")})`);
    origin = { local: false, interface: name, inferred: false };
  } else {
    try {
      const o = inferOrigin(node, spec.src);
      origin = o.local ? { local: true, interface: null, inferred: true } : { local: false, interface: o.interface, inferred: true };
    } catch (e) {
      throw new TraceInputError((e as Error).message);
    }
  }
  const packet: PacketState = {
    protocol, src: spec.src, sport, dst: spec.dst, dport: spec.dport,
    inInterface: origin.interface, outInterface: null, mark: 0, ctstate,
  };
  return { packet, origin };
}

/** The conntrack entry an accepted outcome leaves behind. */
export function connectionOf(o: Outcome, now: number): ConntrackEntry {
  return {
    original: o.before,
    reply: { protocol: o.after.protocol, src: o.after.dst, sport: o.after.dport, dst: o.after.src, dport: o.after.sport },
    dnat: o.after.dst !== o.before.dst || o.after.dport !== o.before.dport,
    snat: o.after.src !== o.before.src || o.after.sport !== o.before.sport,
    mark: 0,
    created: now,
    lastSeen: now,
  };
}

/** Trace a new connection: every outcome, its exact probability, and the rules on its way. */
export function traceConnection(dump: Dump, node: NodeContext, spec: ConnectionSpec, options: TraceOptions = {}): Trace {
  const { packet, origin } = resolveConnection(node, spec);
  const now = options.now ?? 0;
  const state = options.state ?? EMPTY_STATE;
  const explain = options.explain ?? true;
  const naive = options.naive ?? false;
  const reference = options.reference ?? false;
  // An INVALID packet belongs to no connection: conntrack does not look it up, and nothing follows it.
  const invalid = packet.ctstate === "INVALID";
  const existing = invalid || state.conntrack.size === 0 ? null : state.conntrack.get(tupleKey(packet)) ?? null;
  const outcomes = runFirst({
    dump, node, packet: existing ? { ...packet, ctstate: "ESTABLISHED" } : packet, origin: origin.local ? "local" : "interface",
    state, now, connection: existing, reply: false, explain, naive,
  }, reference);
  const warnings: string[] = [];
  const unownedSource = unownedLocalSource(node, packet.src, origin.local); if (unownedSource) warnings.push(unownedSource);
  const follow = options.followUp !== false && !existing && !invalid;
  // The outcomes are this call's own: each gets its follow-up in place rather than as a copy.
  for (const o of outcomes) {
    const unowned = unownedDestination(node, o);
    if (unowned && !warnings.includes(unowned)) warnings.push(unowned);
    o.answerable = unowned === null;
    o.followUp = o.verdict !== "accepted" || !follow ? null : followUp(dump, node, o, origin, now, explain, naive, reference, unowned === null);
  }
  return { packet: { protocol: packet.protocol, src: packet.src, sport: packet.sport, dst: packet.dst, dport: packet.dport }, origin, outcomes, warnings };
}

function followUp(
  dump: Dump, node: NodeContext, o: Outcome, origin: Trace["origin"], now: number, explain: boolean, naive: boolean, reference: boolean, answered: boolean,
): FollowUp {
  const connection = connectionOf(o, now);
  const state: NetState = { ...o.state, conntrack: new Map(o.state.conntrack).set(tupleKey(connection.original), connection) };
  const original = run({
    dump, node, state, now, connection, reply: false, explain, naive,
    packet: { ...o.before, inInterface: origin.interface, outInterface: null, mark: 0, ctstate: "ESTABLISHED" },
    origin: origin.local ? "local" : "interface",
  }, reference);
  // Nothing owns the destination: there is no reply to trace.
  if (!answered) return { connection, original, reply: [] };
  // The reply starts where the first packet went: from a process here, or arriving on the interface it left by.
  const r = connection.reply;
  const replyLocal = o.delivery === "local";
  const replyIn = replyLocal ? null : o.outInterface;
  const reply = run({
    dump, node, state, now, connection, reply: true, explain, naive,
    packet: { ...r, inInterface: replyIn, outInterface: null, mark: 0, ctstate: "ESTABLISHED" },
    origin: replyLocal ? "local" : "interface",
  }, reference);
  return { connection, original, reply };
}
