/**
 * What a trace answers, as plain data: each outcome of a packet (its
 * probability, verdict, NAT, mark and, when explained, the steps it took)
 * and the whole answer for one connection. Views, the JSON output and the
 * command line read these types; they do not need the engines that make them.
 */
import type { TableName } from "../model/dump.js";
import type { Hook } from "../model/tables.js";
import type { Fraction } from "../math/fraction.js";
import type { ConnectionSpec, Tuple } from "./packet.js";
import type { ConntrackEntry, NetState, RecentLists } from "./state.js";

/** One thing that happened to the packet, in order. */
export interface Step {
  /** `rule`: a rule was checked; `policy`: a built-in chain's policy applied; `route`: a routing decision; `conntrack`: conntrack applied a recorded NAT; `deliver`: the packet left the hooks. */
  kind: "rule" | "policy" | "route" | "conntrack" | "deliver";
  hook: Hook | null;
  table: TableName | null;
  chain: string | null;
  /** The rule's (or the chain declaration's) line in the dump. */
  line: number | null;
  /** The rule as written, or a description for other steps. */
  rule: string;
  matched: boolean;
  /** For a rule that did not match: the first condition that failed, and why. */
  reason?: string;
  /** What the rule did: jump, MARK, DNAT, ACCEPT, ... */
  action?: string;
  /** The probability of the random branch taken at this rule. */
  probability?: Fraction;
  markBefore?: number;
  markAfter?: number;
}

/** A destination rewrite. */
export interface DnatDecision {
  line: number | null;
  chain: string | null;
  hook: Hook;
  target: "DNAT" | "REDIRECT" | "conntrack";
  from: string;
  to: string;
}

/** A source rewrite, with the reason for the address chosen. */
export interface SnatDecision {
  line: number | null;
  chain: string | null;
  hook: Hook;
  target: "MASQUERADE" | "SNAT" | "conntrack";
  from: string;
  to: string;
  interface: string | null;
  why: string;
}

/** How a world ended. */
export interface Outcome {
  probability: Fraction;
  verdict: "accepted" | "dropped" | "rejected" | "uncertain";
  /** `local`: delivered to a process on the node; `out`: sent out of `outInterface`. */
  delivery: "local" | "out" | null;
  inInterface: string | null;
  outInterface: string | null;
  before: Tuple;
  after: Tuple;
  dnat: DnatDecision | null;
  snat: SnatDecision | null;
  /** The packet's mark when it left (or was dropped). */
  mark: number;
  /** For dropped, rejected and uncertain outcomes: the deciding line and why. */
  line: number | null;
  reason: string | null;
  rejectWith: string | null;
  steps: Step[];
  /** Node state after this packet (xt_recent lists, counters). */
  state: NetState;
}

/** Later packets of one outcome's connection: the next packet from the client, and the server's reply. */
export interface FollowUp {
  /** The connection as conntrack records it. */
  connection: ConntrackEntry;
  /** The client's next packet (ESTABLISHED; nat is not consulted, conntrack applies the NAT). */
  original: Outcome[];
  /** The server's reply, on the wire from the endpoint back to the client; empty when nothing owns the destination (see `Trace.warnings`). */
  reply: Outcome[];
}

/** One way the connection can go. */
export interface TraceOutcome extends Outcome {
  /** Present for accepted outcomes. */
  followUp: FollowUp | null;
  /** The Service port (kube-proxy's `namespace/name:port`) whose rules this outcome went through, or null when no Service rule matched. */
  service: string | null;
  /** For a packet sent out of the node: the gateway it goes to, or the destination itself on a connected network. */
  nextHop: string | null;
  /** False when the packet leaves for an address nothing owns (a service-range address no rule rewrote): nobody can answer it. */
  answerable: boolean;
}

/** The full answer for one connection. */
export interface Trace {
  /** The first packet as it starts. */
  packet: Tuple;
  /** Where it starts, and whether that was inferred from the routes. */
  origin: { local: boolean; interface: string | null; inferred: boolean };
  outcomes: TraceOutcome[];
  /** What the outcomes do not say by themselves, such as a destination nothing owns (then no reply is traced). */
  warnings: string[];
}

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
  /** What its trace warned about (a destination nothing owns, a local source the node does not have), as traceConnection says it. */
  warnings: string[];
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
