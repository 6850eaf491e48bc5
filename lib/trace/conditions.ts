/**
 * Decides each condition of a rule for one packet: matched, not matched
 * (with the reason a student reads), uncertain (a part the kit does not
 * model), or a random branch (`-m statistic --mode random`).
 */
import { cidrContains, formatCidr, formatIPv4, parseIPv4, type Cidr } from "../model/address.js";
import { protocolNumber } from "../model/protocols.js";
import type { Negatable, Rule } from "../model/dump.js";
import type { AddrtypeMatch, ConntrackMatch, ConntrackState, Match, PortRange, RecentMatch, StateMatch } from "../model/matches.js";
import { formatMatch } from "../model/match-text.js";
import { hex } from "../math/hex.js";
import { addressType, type NodeContext } from "../node/context.js";
import type { Fraction } from "../math/fraction.js";
import type { PacketState } from "./packet.js";
import type { ConntrackEntry, NetState, RecentEntry } from "./state.js";
import { chanceOf, packetAddress, passesAddress } from "./rule-numbers.js";

/** What the evaluator needs besides the packet. */
export interface ConditionContext {
  node: NodeContext;
  /** Simulation clock, seconds. */
  now: number;
  /** xt_recent lists and nth counters as they stand for this packet. */
  state: NetState;
  /** The connection this packet belongs to, when it has one already. */
  connection: ConntrackEntry | null;
  /** Whether this packet goes in the reply direction. */
  reply: boolean;
}

/** A side effect of a condition that was evaluated (applied once the rule is decided). */
export type Effect =
  | { kind: "recent-set"; list: string; address: string }
  | { kind: "recent-remove"; list: string; address: string }
  | { kind: "recent-reap"; list: string; seconds: number }
  | { kind: "nth-count"; line: number };

/** The decision on one rule. */
export type RuleDecision =
  | { kind: "match"; effects: Effect[]; notes: string[] }
  | { kind: "no-match"; part: string; reason: string; effects: Effect[] }
  | { kind: "uncertain"; part: string; reason: string }
  | { kind: "branch"; probability: Fraction; complement: Fraction; part: string };

function inv<T>(n: Negatable<T>): string {
  return n.invert ? "! " : "";
}

function headerText(flag: string, n: Negatable<unknown>, value: string): string {
  return `${inv(n)}${flag} ${value}`;
}

function ifaceMatches(pattern: string, name: string | null): boolean {
  if (name === null) return false;
  if (pattern.endsWith("+")) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

function inRange(r: PortRange, port: number): boolean {
  return port >= r.min && port <= r.max;
}

function rangeText(r: PortRange): string {
  return r.min === r.max ? `${r.min}` : `${r.min}:${r.max}`;
}

interface Check {
  ok: boolean;
  part: string;
  reason: string;
}

/** A condition that passed and has nothing to say. */
const MATCHED: Check = { ok: true, part: "", reason: "" };
/** A condition that failed, when nobody asked why. */
const FAILED: Check = { ok: false, part: "", reason: "" };

function checkHeader(rule: Rule, p: PacketState, explain: boolean): Check | null {
  // Descriptions are built only for the condition that fails: most rules fail on their
  // first condition, and building text for every check dominated the cost of a trace.
  const ip = rule.ip;
  if (ip.source && !passesAddress(ip.source, packetAddress(p.src))) {
    const n = ip.source, c = n.value;
    return explain ? { ok: false, part: headerText("-s", n, formatCidr(c)), reason: n.invert ? `source ${p.src} is in ${formatCidr(c)}` : `source is ${p.src}` } : FAILED;
  }
  if (ip.destination && !passesAddress(ip.destination, packetAddress(p.dst))) {
    const n = ip.destination, c = n.value;
    return explain ? { ok: false, part: headerText("-d", n, formatCidr(c)), reason: n.invert ? `destination ${p.dst} is in ${formatCidr(c)}` : `destination is ${p.dst}` } : FAILED;
  }
  if (ip.inInterface && ifaceMatches(ip.inInterface.value, p.inInterface) === ip.inInterface.invert) {
    if (!explain) return FAILED;
    const why = p.inInterface === null ? "the packet was made on this node (no input interface)" : `input interface is ${p.inInterface}`;
    return { ok: false, part: headerText("-i", ip.inInterface, ip.inInterface.value), reason: why };
  }
  if (ip.outInterface && ifaceMatches(ip.outInterface.value, p.outInterface) === ip.outInterface.invert) {
    return explain ? { ok: false, part: headerText("-o", ip.outInterface, ip.outInterface.value), reason: `output interface is ${p.outInterface ?? "not chosen yet"}` } : FAILED;
  }
  if (ip.protocol && ip.protocol.value !== "all" && (ip.protocol.value === p.protocol) === ip.protocol.invert) {
    return explain ? { ok: false, part: headerText("-p", ip.protocol, ip.protocol.value), reason: `protocol is ${p.protocol}` } : FAILED;
  }
  // Simulated packets are never second or later fragments.
  if (ip.fragment && !ip.fragment.invert) return explain ? { ok: false, part: `${inv(ip.fragment)}-f`, reason: "the packet is not a later fragment" } : FAILED;
  return null;
}

const TCP_SYN = 0x02, TCP_ACK = 0x10;

function statesOf(p: PacketState, ctx: ConditionContext, withNat: boolean): ConntrackState[] {
  const s: ConntrackState[] = [p.ctstate];
  if (withNat && ctx.connection?.dnat) s.push("DNAT");
  if (withNat && ctx.connection?.snat) s.push("SNAT");
  return s;
}

/** `-m recent`: its answer, its effects on the lists, and (when `describe` is on) the text and reason a step shows. */
function checkRecent(m: RecentMatch, p: PacketState, ctx: ConditionContext, effects: Effect[], describe: boolean): Check {
  const address = maskAddress(m.side === "source" ? p.src : p.dst, m.mask);
  const entries = ctx.state.recent.get(m.name) ?? [];
  const entry = entries.find((e) => e.address === address);
  let result: boolean;
  let fresh = 0;
  if (!entry) {
    result = m.command === "set";
    if (result) effects.push({ kind: "recent-set", list: m.name, address });
  } else if (m.command === "set" || m.command === "remove") {
    effects.push({ kind: m.command === "set" ? "recent-set" : "recent-remove", list: m.name, address });
    result = true;
  } else {
    const since = ctx.now - m.seconds;
    fresh = entry.stamps.filter((t) => !m.seconds || t >= since).length;
    result = m.hitcount ? fresh >= m.hitcount : fresh > 0;
    if (m.reap) effects.push({ kind: "recent-reap", list: m.name, seconds: m.seconds });
    if (m.command === "update" && result !== m.invert) effects.push({ kind: "recent-set", list: m.name, address });
  }
  if (!describe) return result !== m.invert ? MATCHED : FAILED;
  const reason = recentReason(m, address, entry, ctx.now, result, fresh);
  return { ok: result !== m.invert, part: formatMatch(m).trim(), reason: m.invert && result ? `${reason} (negated)` : reason };
}

/** What checkRecent found, in words: whether the address is (or is now) in the list, and how recently it was seen. */
function recentReason(m: RecentMatch, address: string, entry: RecentEntry | undefined, now: number, result: boolean, fresh: number): string {
  if (!entry) return m.command === "set" ? `${address} is added to list ${m.name}` : `${address} is not in list ${m.name}`;
  if (m.command === "set") return `${address} is refreshed in list ${m.name}`;
  if (m.command === "remove") return `${address} is removed from list ${m.name}`;
  const last = entry.stamps[entry.stamps.length - 1];
  if (result) return `${address} is in list ${m.name} (last seen ${now - last}s ago${m.seconds ? `, within ${m.seconds}s` : ""})`;
  return m.seconds && fresh === 0
    ? `${address} is in list ${m.name} but was last seen ${now - last}s ago, more than ${m.seconds}s`
    : `${address} was seen ${fresh} times, fewer than ${m.hitcount}`;
}

function maskAddress(ip: string, mask: string): string {
  return formatIPv4((parseIPv4(ip)! & parseIPv4(mask)!) >>> 0);
}

function cidrCheck(flag: string, n: Negatable<Cidr> | undefined, ip: string | undefined, what: string): Check | null {
  if (!n || ip === undefined) return null;
  const ok = cidrContains(n.value, ip) !== n.invert;
  return ok ? null : { ok: false, part: `${inv(n)}${flag} ${formatCidr(n.value)}`, reason: `${what} is ${ip}` };
}

function checkPort(kind: string, name: "sport" | "dport", r: Negatable<PortRange> | undefined, value: number, explain: boolean): Check | null {
  if (!r || inRange(r.value, value) !== r.invert) return null;
  if (!explain) return FAILED;
  return { ok: false, part: `-m ${kind} ${inv(r)}--${name} ${rangeText(r.value)}`, reason: `${name === "sport" ? "source" : "destination"} port is ${value}` };
}

/**
 * Decide one match module for the packet. With `explain` off, a failed match says only that it failed; with
 * `quiet` on too, a matched one says nothing either.
 */
function checkMatch(
  m: Match, p: PacketState, ctx: ConditionContext, line: number, effects: Effect[], explain: boolean, quiet: boolean,
): Check | { uncertain: string; part: string } {
  // The match's text is only needed when it decides something, and only when asked: build it then.
  const describe = () => formatMatch(m).trim();
  const no: Fail = (reason) => (explain ? { ok: false, part: describe(), reason: reason() } : FAILED);
  const yes = MATCHED;
  const port: PortCheck = (name, r, value) => checkPort(m.kind, name, r, value, explain);
  switch (m.kind) {
    case "comment":
      return yes;
    case "tcp": case "udp": case "sctp": {
      if (p.protocol !== m.kind) return no(() => `protocol is ${p.protocol}`);
      const r = port("sport", m.sport, p.sport) ?? port("dport", m.dport, p.dport);
      if (r) return r;
      if (m.kind === "tcp" && m.flags) {
        const flags = p.ctstate === "NEW" && !ctx.reply ? TCP_SYN : TCP_ACK;
        const ok = ((flags & m.flags.value.mask) === m.flags.value.comp) !== m.flags.invert;
        if (!ok) return no(() => `TCP flags are ${flags === TCP_SYN ? "SYN (a new connection)" : "ACK (an established connection)"}`);
      }
      if (m.kind === "tcp" && m.option) return { uncertain: "TCP options of the packet are not simulated", part: describe() };
      if (m.kind === "sctp" && m.chunkTypes) return { uncertain: "SCTP chunk types are not simulated", part: describe() };
      return yes;
    }
    case "multiport": {
      const ports = m.direction === "source" ? [p.sport] : m.direction === "destination" ? [p.dport] : [p.sport, p.dport];
      const hit = ports.some((x) => m.ports.some((r) => inRange(r, x)));
      return hit !== m.invert ? yes : no(() => m.direction === "either" ? `ports are ${p.sport} and ${p.dport}` : `${m.direction} port is ${ports[0]}`);
    }
    case "mark": {
      const got = (p.mark & m.mask) >>> 0;
      const ok = (got === m.value) !== m.invert;
      return ok ? yes : no(() => `mark is ${hex(p.mark)} (${hex(p.mark)} & ${hex(m.mask)} = ${hex(got)})`);
    }
    case "conntrack": case "state":
      return checkConntrack(m, p, ctx, explain, describe, no, port);
    case "addrtype":
      return checkAddrtype(m, p, ctx, no);
    case "statistic": {
      // Random draws are branches, taken by decideRule before this is called.
      if (m.mode === "random") throw new Error("unreachable: random statistic matches are decided by decideRule");
      const seen = ctx.state.nthCounters.get(line) ?? 0;
      effects.push({ kind: "nth-count", line });
      const hit = (seen % m.every === m.packet) !== m.invert;
      return hit ? yes : no(() => `this is packet ${seen} of the rule's count (${seen} mod ${m.every} = ${seen % m.every})`);
    }
    case "recent":
      return checkRecent(m, p, ctx, effects, explain || !quiet);
    case "set":
      return { uncertain: `ipset ${m.name}'s members are not in an iptables dump`, part: describe() };
    case "icmp":
      // Only ICMP packets reach this match (the kernel loads it only with -p icmp); simulated packets are TCP, UDP or SCTP.
      return p.protocol === ("icmp" as string) ? { uncertain: "ICMP packets are not simulated", part: describe() } : no(() => `protocol is ${p.protocol}`);
    case "socket":
      return { uncertain: "whether a local socket exists for the packet is not in the dump", part: describe() };
    case "physdev":
      return { uncertain: "bridge ports (br_netfilter) are not in the node description", part: describe() };
    case "unsupported":
      return { uncertain: m.reason, part: m.text };
  }
}

type Fail = (reason: () => string) => Check;
type PortCheck = (name: "sport" | "dport", r: Negatable<PortRange> | undefined, value: number) => Check | null;

/** `-m conntrack` and `-m state`: the packet's conntrack state, then (conntrack) the connection's tuple, protocol and direction. */
function checkConntrack(
  m: ConntrackMatch | StateMatch, p: PacketState, ctx: ConditionContext, explain: boolean, describe: () => string, no: Fail, port: PortCheck,
): Check | { uncertain: string; part: string } {
  const wanted = m.kind === "state" ? m.states : m.ctstate;
  if (wanted) {
    const have = statesOf(p, ctx, m.kind === "conntrack");
    const ok = wanted.value.some((s) => have.includes(s)) !== wanted.invert;
    if (!ok) return no(() => `the packet is ${have.join(",")}${p.ctstate === "NEW" ? " (the first packet of a connection)" : ""}`);
  }
  if (m.kind === "conntrack") {
    const conn = ctx.connection;
    const orig = conn?.original ?? (ctx.reply ? null : p);
    const repl = conn?.reply ?? null;
    const r = cidrCheck("--ctorigsrc", m.ctorigsrc, orig?.src, "the connection's original source")
      ?? cidrCheck("--ctorigdst", m.ctorigdst, orig?.dst, "the connection's original destination")
      ?? cidrCheck("--ctreplsrc", m.ctreplsrc, repl?.src ?? (m.ctreplsrc ? p.dst : undefined), "the reply source")
      ?? cidrCheck("--ctrepldst", m.ctrepldst, repl?.dst ?? (m.ctrepldst ? p.src : undefined), "the reply destination")
      ?? port("sport", m.ctorigsrcport, orig?.sport ?? p.sport)
      ?? port("dport", m.ctorigdstport, orig?.dport ?? p.dport);
    if (r) return explain ? { ...r, part: describe() } : r;
    if (m.ctproto && (m.ctproto.value === p.protocol || m.ctproto.value === String(protocolNumber(p.protocol))) === m.ctproto.invert)
      return no(() => `protocol is ${p.protocol}`);
    if (m.ctdir && (m.ctdir === "REPLY") !== ctx.reply) return no(() => `the packet goes in the ${ctx.reply ? "reply" : "original"} direction`);
    if (m.ctstatus || m.ctexpire || m.ctreplsrcport || m.ctrepldstport) return { uncertain: "conntrack status, expiry and reply ports are not simulated", part: describe() };
  }
  return MATCHED;
}

/** `-m addrtype`: the kind of the source and destination addresses, by the node's routes (LOCAL: one of its own). */
function checkAddrtype(m: AddrtypeMatch, p: PacketState, ctx: ConditionContext, no: Fail): Check {
  const limit = m.limitIfaceIn ? p.inInterface : m.limitIfaceOut ? p.outInterface : null;
  const typeOf = (ip: string) => {
    const t = addressType(ctx.node, ip);
    if (t === "LOCAL" && limit) {
      const iface = ctx.node.interfaces.find((i) => i.name === limit);
      return iface?.addresses.some((a) => a.address === ip) ? "LOCAL" : "UNICAST";
    }
    return t;
  };
  for (const [n, ip, what] of [[m.srcType, p.src, "source"], [m.dstType, p.dst, "destination"]] as const) {
    if (!n) continue;
    const t = typeOf(ip);
    if (n.value.includes(t as never) === n.invert)
      return no(() => `${what} ${ip} is ${t === "LOCAL" ? "one of this node's addresses (LOCAL)" : `${t}, not one of this node's addresses`}`);
  }
  return MATCHED;
}

/** Shared empty lists: a decision's lists are never changed once it is returned. */
const NO_EFFECTS: Effect[] = Object.freeze([]) as unknown as Effect[];
const NO_NOTES: string[] = Object.freeze([]) as unknown as string[];
/** A rule that matched with nothing to note and no side effect. */
const PLAIN_MATCH: RuleDecision = Object.freeze({ kind: "match", effects: NO_EFFECTS, notes: NO_NOTES });
/** A rule that did not match, when nobody asked why (the engine records no step for it). */
const QUIET_NO_MATCH: RuleDecision = Object.freeze({ kind: "no-match", part: "", reason: "", effects: NO_EFFECTS });

/**
 * Decide a rule for the packet. `decided` gives the outcome of each
 * random statistic match already branched on, in order; the first undecided
 * one returns a branch. With `explain` off, a rule that fails without side
 * effects returns a shared answer without its reason; with `quiet` on too
 * (the fast path, which records no steps), a matched rule gets no notes and
 * no reason or text is written for xt_recent checks.
 */
export function decideRule(rule: Rule, p: PacketState, ctx: ConditionContext, decided: boolean[], explain: boolean, quiet = false): RuleDecision {
  const h = checkHeader(rule, p, explain);
  if (h) return explain ? { kind: "no-match", part: h.part, reason: h.reason, effects: [] } : QUIET_NO_MATCH;
  // Most rules have no side effects and nothing to note: their lists are made only when needed.
  let effects: Effect[] = NO_EFFECTS;
  let notes: string[] = NO_NOTES;
  let branchIndex = 0;
  for (let i = 0; i < rule.matches.length; i++) {
    const m = rule.matches[i];
    if (m.kind === "statistic" && m.mode === "random") {
      const chance = chanceOf(m);
      if (branchIndex >= decided.length) return { kind: "branch", probability: chance.yes, complement: chance.no, part: chance.text };
      const taken = decided[branchIndex++];
      if (!taken) return { kind: "no-match", part: chance.text, reason: "the random draw did not fall under this rule's probability", effects };
      if (quiet) continue;
      if (notes === NO_NOTES) notes = [];
      notes.push(`${chance.text}: the random draw fell under the probability`);
      continue;
    }
    if (m.kind === "comment") continue;
    if (effects === NO_EFFECTS && (m.kind === "recent" || m.kind === "statistic")) effects = [];
    const c = checkMatch(m, p, ctx, rule.line, effects, explain, quiet && !explain);
    if ("uncertain" in c) return { kind: "uncertain", part: c.part, reason: c.uncertain };
    if (!c.ok) return !explain && effects.length === 0 ? QUIET_NO_MATCH : { kind: "no-match", part: c.part, reason: c.reason, effects };
    if (c.reason) {
      if (notes === NO_NOTES) notes = [];
      notes.push(`${c.part}: ${c.reason}`);
    }
  }
  return effects === NO_EFFECTS && notes === NO_NOTES ? PLAIN_MATCH : { kind: "match", effects, notes };
}
