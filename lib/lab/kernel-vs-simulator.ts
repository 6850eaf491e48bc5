/**
 * Comparing what the kernel did with what the simulator predicts, for one
 * connection: the kernel's connection must be one of the simulator's
 * outcomes, in every respect at once: the endpoint that answered, the
 * source address the server saw, the nat rules whose counters moved (with
 * how many packets each counted), for a connection stopped in the filter
 * table the rule that stopped it, and, when asked, the xt_recent lists.
 * A difference is reported as a disagreement; the one allowance is the
 * client's SYN retransmissions of a dropped connection (see outcomeProblems).
 */
import { formatPercent } from "../math/fraction.js";
import type { ConnectionSpec, Protocol } from "../trace/packet.js";
import type { RecentLists } from "../trace/state.js";
import type { Trace, TraceOutcome } from "../trace/trace.js";
import type { CountedRule, KernelRecentLists } from "./observe.js";

/** What the kernel did with one connection. */
export interface ConnectionObservation {
  /** The connection as it was made, with the source port the client actually used. */
  spec: ConnectionSpec & { protocol: Protocol; sport: number };
  /** Whether a server answered. */
  answered: boolean;
  /** Why not (`timeout`, `refused`, ...), when it did not. */
  error: string | null;
  /** `ip:port` the answering server was reached at (after any DNAT). */
  server: string | null;
  /** `ip:port` the server saw the connection come from (after any SNAT). */
  peer: string | null;
  /**
   * The answer came from the lab's probe: the namespace the node routes the service range to
   * answers every address of that range, to show where a packet no rule rewrote went. In a real
   * cluster nothing owns those addresses and nothing answers.
   */
  probe?: boolean;
  /** nat rules whose packet counters moved during the connection. */
  nat: CountedRule[];
  /** filter rules whose packet counters moved (replies included), when the lab read them. */
  filter?: CountedRule[];
  /** xt_recent lists of the node namespace right after the connection. */
  recent: KernelRecentLists;
  /** Seconds since the scenario started: the simulator's clock for this connection. */
  time: number;
}

/** The comparison of one connection. */
export interface ConnectionComparison {
  agree: boolean;
  /** Index of the simulator outcome that matches the kernel in every respect, or null. */
  outcome: number | null;
  /** When it does not agree: what differs from the closest outcome. */
  reasons: string[];
  kernel: string;
  simulator: string;
}

/** nat rule lines a simulator outcome passes, with how many times each rule matched. */
export function natLineCounts(o: TraceOutcome): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of o.steps) {
    if (s.kind === "rule" && s.table === "nat" && s.matched && s.line !== null) out.set(s.line, (out.get(s.line) ?? 0) + 1);
  }
  return out;
}

/** The kernel's counted nat rules as line -> packets. */
export function kernelLineCounts(nat: CountedRule[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of nat) out.set(r.line, (out.get(r.line) ?? 0) + r.packets);
  return out;
}

/** The simulator's lists in the kernel's shape: non-empty lists, address -> number of time stamps. */
export function simulatorRecent(lists: RecentLists): Record<string, { address: string; hits: number }[]> {
  const out: Record<string, { address: string; hits: number }[]> = {};
  for (const name of [...lists.keys()].sort()) {
    const entries = lists.get(name) ?? [];
    if (entries.length) out[name] = entries.map((e) => ({ address: e.address, hits: e.stamps.length })).sort((a, b) => (a.address < b.address ? -1 : 1));
  }
  return out;
}

/** Differences between the kernel's lists and the simulator's (empty when equal). */
export function compareRecent(kernel: KernelRecentLists, simulated: RecentLists): string[] {
  const sim = simulatorRecent(simulated);
  const problems: string[] = [];
  const names = [...new Set([...Object.keys(kernel), ...Object.keys(sim)])].sort();
  for (const name of names) {
    const k = (kernel[name] ?? []).map((e) => `${e.address}×${e.hits}`).join(", ");
    const s = (sim[name] ?? []).map((e) => `${e.address}×${e.hits}`).join(", ");
    if (k !== s) problems.push(`xt_recent list ${name}: kernel [${k}], simulator [${s}]`);
  }
  return problems;
}

function lineCountsText(m: Map<number, number>): string {
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([l, n]) => (n === 1 ? `${l}` : `${l}×${n}`)).join(",");
}

function hostOf(endpoint: string | null): string | null {
  if (endpoint === null) return null;
  const i = endpoint.lastIndexOf(":");
  return i < 0 ? endpoint : endpoint.slice(0, i);
}

function portOf(endpoint: string | null): number | null {
  if (endpoint === null) return null;
  const i = endpoint.lastIndexOf(":");
  return i < 0 ? null : Number(endpoint.slice(i + 1));
}

/** How a failed connection looks from the client for a simulator verdict. */
function errorsFor(verdict: TraceOutcome["verdict"]): string[] {
  if (verdict === "dropped") return ["timeout"];
  if (verdict === "rejected") return ["refused", "unreachable", "reset"];
  return [];
}

/**
 * The number of times the kernel went through the simulator's nat rules: `k` when every line the
 * simulator names was counted exactly `k` times its count and no other line moved, else null.
 */
function repeats(sim: Map<number, number>, kernel: Map<number, number>): number | null {
  if (sim.size === 0 || sim.size !== kernel.size) return null;
  let k: number | null = null;
  for (const [line, n] of sim) {
    const got = kernel.get(line);
    if (got === undefined || got % n !== 0) return null;
    if (k === null) k = got / n;
    else if (got / n !== k) return null;
  }
  return k;
}

/** The filter rule that stopped an outcome (DROP or REJECT), or null when it was not a filter rule. */
function filterStop(o: TraceOutcome): number | null {
  if ((o.verdict !== "dropped" && o.verdict !== "rejected") || o.line === null) return null;
  const last = o.steps[o.steps.length - 1];
  return last && last.kind === "rule" && last.table === "filter" && last.line === o.line ? o.line : null;
}

/** What differs between the kernel's connection and one simulator outcome (empty: it is this outcome). */
export function outcomeProblems(o: TraceOutcome, obs: ConnectionObservation, checkRecent: boolean): string[] {
  const problems: string[] = [];
  if (obs.answered) {
    if (o.verdict !== "accepted") problems.push(`the simulator says ${o.verdict}${o.reason ? ` (${o.reason})` : ""}, but ${obs.server} answered`);
    else {
      const to = `${o.after.dst}:${o.after.dport}`;
      if (obs.server !== to) problems.push(`answered by ${obs.server}, the simulator sends it to ${to}`);
      if (hostOf(obs.peer) !== o.after.src) problems.push(`the server saw source ${hostOf(obs.peer)}, the simulator says ${o.after.src}`);
      // The source port only counts when a rule rewrites it (SNAT/MASQUERADE with ports).
      else if (o.after.sport !== o.before.sport && portOf(obs.peer) !== o.after.sport)
        problems.push(`the server saw source port ${portOf(obs.peer)}, the simulator's rule sets ${o.after.sport}`);
    }
  } else if (!errorsFor(o.verdict).includes(obs.error ?? "")) {
    problems.push(o.verdict === "accepted"
      ? `no server answered (${obs.error}), the simulator delivers it to ${o.after.dst}:${o.after.dport}`
      : `the kernel's connection ended with ${obs.error}, the simulator says ${o.verdict}`);
  }
  let sim = natLineCounts(o);
  const kernel = kernelLineCounts(obs.nat);
  // A dropped TCP connection: the client sends its SYN again within its timeout, and as the dropped
  // SYN never confirmed a conntrack entry, every retransmission is a first packet that goes through
  // the nat table again. The kernel then counts each of the simulator's lines k times (k SYNs).
  if (!obs.answered && o.verdict === "dropped" && obs.error === "timeout") {
    const k = repeats(sim, kernel);
    if (k !== null && k > 1) sim = new Map([...sim].map(([line, n]) => [line, n * k]));
  }
  const stop = filterStop(o);
  if (stop !== null && obs.filter && !obs.answered) {
    const counted = kernelLineCounts(obs.filter);
    if (!counted.has(stop)) problems.push(`the simulator stops it at filter line ${stop}, whose counter did not move in the kernel`);
  }
  if (lineCountsText(sim) !== lineCountsText(kernel)) {
    const only = (a: Map<number, number>, b: Map<number, number>) => [...a.keys()].filter((l) => a.get(l) !== b.get(l)).sort((x, y) => x - y);
    const k = only(kernel, sim).map((l) => `${l}${kernel.get(l)! > 1 ? `×${kernel.get(l)}` : ""}`);
    const s = only(sim, kernel).map((l) => `${l}${sim.get(l)! > 1 ? `×${sim.get(l)}` : ""}`);
    problems.push(`nat rule counters: the kernel counted lines [${k.join(",")}] differently from the simulator's [${s.join(",")}]`);
  }
  if (checkRecent) problems.push(...compareRecent(obs.recent, o.state.recent));
  return problems;
}

/** One line about what the kernel did. */
export function kernelText(obs: ConnectionObservation): string {
  const lines = lineCountsText(kernelLineCounts(obs.nat));
  if (!obs.answered) return `no answer (${obs.error}); nat lines ${lines || "none"}`;
  if (obs.probe) return `${obs.server} reached the lab's probe, saw ${obs.peer} (the probe answers the whole service range to show where the packet went; in a real cluster nothing answers); nat lines ${lines || "none"}`;
  return `${obs.server} answered, saw ${obs.peer}; nat lines ${lines || "none"}`;
}

/** One line about one simulator outcome. */
export function outcomeText(o: TraceOutcome): string {
  const lines = lineCountsText(natLineCounts(o));
  const where = o.verdict !== "accepted" ? o.verdict
    : o.answerable === false ? `${o.after.dst}:${o.after.dport} from ${o.after.src}, which nothing owns (no Service rule matched)`
    : `${o.after.dst}:${o.after.dport}, sees ${o.after.src}`;
  return `${formatPercent(o.probability)} ${where}; nat lines ${lines || "none"}`;
}

/** Compare one connection with the simulator's trace of it. */
export function compareConnection(trace: Trace, obs: ConnectionObservation, options: { checkRecent?: boolean } = {}): ConnectionComparison {
  const checkRecent = options.checkRecent ?? true;
  let best: { index: number; problems: string[] } | null = null;
  trace.outcomes.forEach((o, index) => {
    const problems = outcomeProblems(o, obs, checkRecent);
    if (!best || problems.length < best.problems.length) best = { index, problems };
  });
  const chosen = best as { index: number; problems: string[] } | null;
  const agree = chosen !== null && chosen.problems.length === 0;
  return {
    agree,
    outcome: agree ? chosen!.index : null,
    reasons: chosen ? chosen.problems : ["the simulator has no outcome for this connection"],
    kernel: kernelText(obs),
    simulator: trace.outcomes.map(outcomeText).join(" | "),
  };
}
