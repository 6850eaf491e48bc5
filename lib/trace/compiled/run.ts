/**
 * The fast path: moves one packet through a compiled dump and ends in its
 * worlds (probability, verdict, NAT, mark, the rules met, the random
 * choices taken) without step records, reasons or descriptions.
 * It follows the same plans, in the same order, as the explaining engine
 * (engine.ts), which stays the reference: the differential test
 * (test/trace/compiled.test.ts) requires the same outcomes from both.
 *
 * A rule that does not match allocates nothing: its checks compare numbers
 * held in the compiled rule with numbers held in the packet, in a loop that
 * keeps the chain and the position in local variables. A random rule splits
 * the run into two worlds, as in the explaining engine. What every outcome
 * of one packet would otherwise work out again is worked out once: the
 * route to a DNAT rule's address and MASQUERADE's address and reason when
 * the dump is bound to the node (./bind.ts), `ip:port` texts per packet
 * state, shared by split worlds. Outcome objects are made at the end
 * (./lazy-steps.ts).
 */
import { parseIPv4 } from "../../model/address.js";
import { ONE, multiply, type Fraction } from "../../math/fraction.js";
import { addressType, routeIn, type NodeContext, type RouteDecision } from "../../node/context.js";
import { decideRule } from "../conditions.js";
import { applyEffects, MAX_WORLDS, pathLimitAt, type DnatDecision, type Outcome, type RunInput, type SnatDecision } from "../engine.js";
import { boundDump, masqueradeChoiceFor, masqueradeReason, type BoundDump, type MasqueradeChoice } from "./bind.js";
import { nextCandidateIn } from "./candidates.js";
import { applyMark } from "../marks.js";
import type { PacketState, Tuple } from "../packet.js";
import type { Rule } from "../../model/dump.js";
import { MAX_STEPS_PER_WORLD, PLANS, type Stage, type TableStage } from "../plans.js";
import { recordedNat, type ConntrackEntry, type NetState } from "../state.js";
import {
  ADDRESS_TYPE_BITS, CHECK_NEGATED, CT_BITS, F_MODEL, F_NEVER, IF_ANY, IF_PREFIX, M_ADDRTYPE, M_CTSTATE, M_MARK, M_MULTIPORT, M_PORTS, M_RANDOM,
  MP_DESTINATION, MP_SOURCE, NEG_DST, NEG_IN, NEG_OUT, NEG_PROTO, NEG_SRC, NO_CHECK,
  R_ARG, R_ARG2, R_CHAIN, R_DST, R_DST_MASK, R_FLAGS, R_IN, R_LINE, R_MATCHES, R_MATCHES_END, R_NEGATED, R_OUT, R_PROTO, R_SRC, R_SRC_MASK, R_TARGET, ROW,
  T_ACCEPT, T_CONNMARK_RESTORE, T_CONTINUE, T_DNAT, T_DROP, T_JUMP, T_MARK, T_MASQUERADE, T_NONE, T_NOTRACK, T_QUEUE,
  T_REDIRECT, T_REJECT, T_RETURN, T_SNAT, T_UNSUPPORTED,
  compiledDump, entryKey, internInterface, protocolCode,
  type CompiledChain, type CompiledDump,
} from "./compile.js";

/** One outcome of the fast path: an Outcome without its step records, with the rules met and the random choices taken. */
export interface PathOutcome extends Omit<Outcome, "steps"> {
  /** Lines of the rules that matched, in order (the rules a step record would show as matched). */
  rules: number[];
  /** The chain of each rule in `rules`. */
  chains: string[];
  /** The choice at each random split on the way (true: the rule's draw matched); the explaining engine follows it to explain this outcome. */
  path: boolean[];
}

/** A packet in the fast path: the model's fields (for decideRule and the outcome), and the same as numbers. */
interface FastPacket extends PacketState {
  srcValue: number;
  dstValue: number;
  proto: number;
  /** Interned interface names, -1 for none. */
  inId: number;
  outId: number;
  /** `src:sport` and `dst:dport`, made when a NAT record first needs them; shared by the copies made at splits until one changes. */
  texts: PacketTexts;
}

/** The `ip:port` texts of a packet's ends (null until made). */
interface PacketTexts {
  src: string | null;
  dst: string | null;
}

/** A persistent list, newest first: worlds split off from one another share what came before. */
export interface Trail<T> {
  value: T;
  prev: Trail<T> | null;
}

/**
 * One possible run of the packet; also the context decideRule checks the
 * rules it is given in. A class, so that every world (and every copy made at
 * a split) has one shape.
 */
export class World {
  probability: Fraction = ONE;
  /** Whether `probability` is a product of dyadic chances (see times()). */
  dyadic = false;
  before: Tuple;
  /** The nat table is consulted (first packet of a tracked connection). */
  natActive: boolean;
  tracked = true;
  /** The stages still to come are `plan[stage..]`; plans are shared constants, never changed. */
  plan: readonly Stage[];
  stage = 0;
  /** The table being traversed, while `chains` is set. */
  at: TableStage | null = null;
  /** The chains being traversed (a stack: jumps push, RETURN pops) and the position in each; null between tables. */
  chains: CompiledChain[] | null = null;
  positions: number[] = [];
  /** The outcome of each random match already branched on at the rule being decided. */
  decided: boolean[] = [];
  dnat: DnatDecision | null = null;
  snat: SnatDecision | null = null;
  /** The destination the last routing decision was made for, and that decision. */
  routedDst: string | null = null;
  route: RouteDecision | null = null;
  /** The side target of the DNAT rule that set the destination (-1 for none): its route and MASQUERADE's choice are bound to the node (./bind.ts). */
  translated = -1;
  localDestination = false;
  /** The chance of the random match the world stopped at (set when a rule asks to split). */
  split: { yes: Fraction; no: Fraction; dyadic?: boolean } | null = null;
  ended = false;
  verdict: Outcome["verdict"] = "uncertain";
  delivery: Outcome["delivery"] = null;
  line: number | null = null;
  reason: string | null = null;
  rejectWith: string | null = null;
  budget = MAX_STEPS_PER_WORLD;
  /** The rules that matched (their row numbers), newest first. */
  met: Trail<number> | null = null;
  /** The Service port of the first rule met that belongs to one (see ./services.ts), or null. */
  service: string | null = null;
  /** The choice taken at each random split, newest first. */
  path: Trail<boolean> | null = null;

  constructor(
    readonly node: NodeContext,
    readonly now: number,
    readonly reply: boolean,
    public connection: ConntrackEntry | null,
    public state: NetState,
    public packet: FastPacket,
    before: Tuple,
    natActive: boolean,
    plan: readonly Stage[],
  ) {
    this.before = before;
    this.natActive = natActive;
    this.plan = plan;
  }

  /** A copy to follow the other side of a split: its own packet, chain stack and draws; the trails are shared. */
  fork(): World {
    const w = new World(this.node, this.now, this.reply, this.connection, this.state, copyPacket(this.packet), this.before, this.natActive, this.plan);
    w.probability = this.probability;
    w.dyadic = this.dyadic;
    w.tracked = this.tracked;
    w.stage = this.stage;
    w.at = this.at;
    w.chains = this.chains && this.chains.slice();
    w.positions = this.positions.slice();
    w.decided = this.decided.slice();
    w.dnat = this.dnat;
    w.snat = this.snat;
    w.routedDst = this.routedDst;
    w.route = this.route;
    w.translated = this.translated;
    w.localDestination = this.localDestination;
    w.budget = this.budget;
    w.met = this.met;
    w.service = this.service;
    w.path = this.path;
    return w;
  }
}

/** Everything a run needs that stays the same for all its worlds. */
interface Run {
  input: RunInput;
  compiled: CompiledDump;
  bound: BoundDump;
  node: NodeContext;
  rows: Int32Array;
  matches: Int32Array;
}

/** Run one packet through the compiled dump and return every outcome with its exact probability. */
export function runCompiled(input: RunInput): PathOutcome[] {
  const compiled = compiledDump(input.dump);
  return runWorlds(input).map((w) => pathOutcome(w, compiled));
}

/** Run one packet through the compiled dump: every world it ends in, depth-first, "rule matched" first (the outcomes' order). */
export function runWorlds(input: RunInput, bound: BoundDump = boundDump(input.dump, input.node)): World[] {
  const compiled = bound.compiled;
  const run: Run = { input, compiled, bound, node: input.node, rows: compiled.rows, matches: compiled.matches };
  const ended: World[] = [];
  const pending: World[] = [startWorld(input, compiled)];
  let worlds = 1;
  while (pending.length > 0) {
    const w = pending.pop()!;
    advance(w, run);
    if (w.split) {
      const yes = split(w);
      worlds += 1;
      if (worlds > MAX_WORLDS) {
        const depth = w.chains!.length - 1;
        const chain = w.chains![depth];
        throw pathLimitAt(input.dump, chain.source.rules[w.positions[depth]], chain.name);
      }
      pending.push(w, yes);
      continue;
    }
    ended.push(w);
  }
  return ended;
}

function fastPacket(p: PacketState, compiled: CompiledDump): FastPacket {
  return {
    protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport,
    inInterface: p.inInterface, outInterface: p.outInterface, mark: p.mark, ctstate: p.ctstate,
    srcValue: parseIPv4(p.src)!, dstValue: parseIPv4(p.dst)!, proto: protocolCode(p.protocol),
    inId: interfaceId(compiled, p.inInterface), outId: interfaceId(compiled, p.outInterface),
    texts: { src: null, dst: null },
  };
}

/** A copy of a packet, field by field (every packet keeps one shape, which keeps its readers fast). */
function copyPacket(p: FastPacket): FastPacket {
  return {
    protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport,
    inInterface: p.inInterface, outInterface: p.outInterface, mark: p.mark, ctstate: p.ctstate,
    srcValue: p.srcValue, dstValue: p.dstValue, proto: p.proto, inId: p.inId, outId: p.outId,
    texts: p.texts,
  };
}

function interfaceId(compiled: CompiledDump, name: string | null): number {
  return name === null ? -1 : internInterface(compiled, name);
}

function startWorld(input: RunInput, compiled: CompiledDump): World {
  const p = input.packet;
  return new World(
    input.node, input.now, input.reply, input.connection, input.state, fastPacket(p, compiled), tupleOf(p),
    input.connection === null && p.ctstate === "NEW", input.origin === "local" ? PLANS.local : PLANS.arriving,
  );
}

/** The packet's addresses and ports as they are now. */
export function tupleOf(p: PacketState): Tuple {
  return { protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport };
}

/** Split a world at its random rule: it becomes the draw over the rule's probability; the returned copy, the draw under it. */
function split(w: World): World {
  const { yes: chanceYes, no: chanceNo, dyadic = false } = w.split!;
  w.split = null;
  const yes = w.fork();
  // A product of dyadic chances (or one such chance) is dyadic too.
  const stillDyadic = dyadic && (w.probability === ONE || w.dyadic);
  yes.probability = times(w, chanceYes, dyadic);
  w.probability = times(w, chanceNo, dyadic);
  yes.dyadic = w.dyadic = stillDyadic;
  yes.decided.push(true);
  w.decided.push(false);
  yes.path = { value: true, prev: w.path };
  w.path = { value: false, prev: w.path };
  return yes;
}

/**
 * The world's probability times a chance, in lowest terms as multiply() gives it. Both are in lowest terms;
 * when both denominators are powers of two above 1 (kube-proxy's n/2^31, and products of those) both
 * numerators are odd, so the product is in lowest terms already: no gcd, no division.
 */
function times(w: World, chance: Fraction, dyadic: boolean): Fraction {
  const p = w.probability;
  if (p === ONE) return chance;
  if (dyadic && w.dyadic) return { num: p.num * chance.num, den: p.den * chance.den };
  return multiply(p, chance);
}

/** A trail as an array, oldest first. */
export function trailArray<T, R>(trail: Trail<T> | null, read: (value: T) => R): R[] {
  const out: R[] = [];
  for (let n = trail; n; n = n.prev) out.push(read(n.value));
  return out.reverse();
}

function pathOutcome(w: World, compiled: CompiledDump): PathOutcome {
  const p = w.packet;
  return {
    probability: w.probability, verdict: w.verdict, delivery: w.delivery, line: w.line, reason: w.reason, rejectWith: w.rejectWith,
    inInterface: p.inInterface, outInterface: w.delivery === "out" ? p.outInterface : null,
    before: w.before, after: tupleOf(p), dnat: w.dnat, snat: w.snat, mark: p.mark, state: w.state,
    rules: trailArray(w.met, (r) => compiled.rows[r * ROW + R_LINE]),
    chains: trailArray(w.met, (r) => compiled.chains[compiled.rows[r * ROW + R_CHAIN]].name),
    path: trailArray(w.path, (x) => x),
  };
}

function tooManySteps(): string {
  return `more than ${MAX_STEPS_PER_WORLD} rule checks for one packet`;
}

function end(w: World, verdict: Outcome["verdict"], line: number | null, reason: string | null, delivery: Outcome["delivery"] = null): void {
  w.ended = true;
  w.verdict = verdict;
  w.line = line;
  w.reason = reason;
  w.delivery = delivery;
}

/** Run a world until it ends or asks to split (then `w.split` is set). */
function advance(w: World, run: Run): void {
  while (!w.ended) {
    if (w.chains) {
      walkChain(w, run);
      if (w.split) return;
      continue;
    }
    const stage = w.plan[w.stage];
    if (!stage) {
      end(w, "uncertain", null, "the packet's path ended without a decision");
      return;
    }
    enterStage(w, stage, run);
  }
}

function continueWith(w: World, plan: readonly Stage[]): void {
  w.plan = plan;
  w.stage = 0;
}

function setDestination(w: World, address: string, port: number): void {
  const p = w.packet;
  if (address !== p.dst) {
    p.dst = address;
    p.dstValue = parseIPv4(address)!;
  }
  p.dport = port;
  p.texts = { src: p.texts.src, dst: null };
}

function setSource(w: World, address: string, port: number, value = -1): void {
  const p = w.packet;
  if (address !== p.src) {
    p.src = address;
    p.srcValue = value >= 0 ? value : parseIPv4(address)!;
  }
  p.sport = port;
  p.texts = { src: null, dst: p.texts.dst };
}

/** `dst:dport`, made once per packet state and shared by the worlds split off after it. */
function destinationText(p: FastPacket): string {
  return (p.texts.dst ??= `${p.dst}:${p.dport}`);
}

function sourceText(p: FastPacket): string {
  return (p.texts.src ??= `${p.src}:${p.sport}`);
}

function setOutInterface(w: World, run: Run, name: string | null): void {
  w.packet.outInterface = name;
  w.packet.outId = interfaceId(run.compiled, name);
}

function enterStage(w: World, stage: Stage, run: Run): void {
  switch (stage.kind) {
    case "table":
      return enterTable(w, stage, run);
    case "route": case "reroute": case "route-local":
      return route(w, stage.kind, run);
    case "after-postrouting":
      w.stage++;
      if (w.localDestination) {
        // Looped back: the connection is already tracked, so nat is not consulted again.
        w.packet.inInterface = "lo";
        w.packet.inId = run.bound.loopback;
        w.natActive = false;
        w.connection = null;
        continueWith(w, PLANS.loopback);
      } else continueWith(w, PLANS.out);
      return;
    case "deliver-local":
      return end(w, "accepted", null, null, "local");
    case "deliver-out":
      return end(w, "accepted", null, null, "out");
  }
}

/** The built-in chain a table stage starts in, looked up once per stage of the shared plans. */
function entryOf(compiled: CompiledDump, stage: TableStage): CompiledChain | undefined {
  let entry = compiled.bySlot[stage.slot];
  if (entry === undefined) entry = compiled.bySlot[stage.slot] = compiled.entries.get(entryKey(stage.table, stage.hook)) ?? null;
  return entry ?? undefined;
}

function enterTable(w: World, stage: TableStage, run: Run): void {
  w.stage++;
  if (stage.table === "nat" && !w.natActive) {
    if (w.connection) applyConntrackNat(w, stage);
    return;
  }
  const entry = entryOf(run.compiled, stage);
  // A table without this chain lets the packet on.
  if (!entry) return;
  // An empty built-in chain that accepts: one step of the budget (as its walk would count), and on.
  if (entry.count === 0 && entry.source.policy !== "DROP") {
    if (--w.budget < 0) end(w, "uncertain", null, tooManySteps());
    return;
  }
  w.at = stage;
  w.chains = [entry];
  w.positions = [0];
}

/** The routing decision for the packet's destination: the one the world already made when the destination has not changed since. */
export function routeFor(w: World, bound: BoundDump): RouteDecision {
  const dst = w.packet.dst;
  if (w.routedDst === dst && w.route !== null) return w.route;
  const t = w.translated;
  if (t >= 0 && bound.compiled.targets[t].address === dst) return bound.targetRoutes[t]!;
  return routeIn(bound.routes, dst);
}

/** A routing decision: where the packet goes next (INPUT or FORWARD), or which interface it leaves by. */
function route(w: World, kind: "route" | "reroute" | "route-local", run: Run): void {
  const p = w.packet;
  w.stage++;
  if (kind === "reroute" && w.routedDst === p.dst) return;
  const r = routeFor(w, run.bound);
  w.route = r;
  w.routedDst = p.dst;
  if (r.kind !== "local" && r.kind !== "unicast") return end(w, "dropped", null, `no route to ${p.dst} (${r.kind})`);
  if (kind === "route") {
    if (r.kind === "local") return continueWith(w, PLANS.input);
    if (!run.node.ipForward) return end(w, "dropped", null, "net.ipv4.ip_forward is off: the node does not forward");
    setOutInterface(w, run, r.dev);
    return continueWith(w, PLANS.forward);
  }
  w.localDestination = r.kind === "local";
  setOutInterface(w, run, r.kind === "local" ? "lo" : r.dev);
}

/** Conntrack's NAT for packets of a known connection: the nat table is skipped, the recorded translation applied. */
function applyConntrackNat(w: World, stage: TableStage): void {
  const nat = recordedNat(w.connection!, w.reply, stage.hook);
  if (!nat) return;
  const p = w.packet;
  const hook = stage.hook;
  if (nat.side === "destination") {
    const from = destinationText(p);
    setDestination(w, nat.address, nat.port);
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: destinationText(p) };
  } else {
    const from = sourceText(p);
    setSource(w, nat.address, nat.port);
    w.snat = { line: null, chain: null, hook, target: "conntrack", from, to: sourceText(p), interface: p.outInterface, why: nat.why };
  }
}

function applyPolicy(w: World, chain: CompiledChain): void {
  const source = chain.source;
  w.chains = null;
  if (source.policy === "DROP") end(w, "dropped", source.line, `policy DROP of ${w.at!.table} ${chain.name}`);
}

// What a rule's checks decide.
const NO = 0, YES = 1, SPLIT = 2;

/**
 * Check the rules of the chain on top of the stack, from its position on, until one matches (its target
 * is applied), the chain ends (back to the caller, or the policy), or a random rule splits the run (then
 * `w.split` is set and the position stays at that rule).
 */
function walkChain(w: World, run: Run): void {
  const chains = w.chains!;
  const depth = chains.length - 1;
  const chain = chains[depth];
  let index = w.positions[depth];
  for (;;) {
    if (--w.budget < 0) return end(w, "uncertain", null, tooManySteps());
    // Long chains (KUBE-SERVICES): straight to the next rule that can match (see ./candidates.ts).
    if (chain.keys.indexed) {
      const p = w.packet;
      index = nextCandidateIn(run.compiled.candidates, chain, index, p.proto, p.dstValue, p.dport);
    }
    if (index >= chain.count) {
      if (chain.builtin) applyPolicy(w, chain);
      else {
        chains.pop();
        w.positions.pop();
      }
      return;
    }
    const row = (chain.first + index) * ROW;
    const flags = run.rows[row + R_FLAGS];
    const decision = flags & F_NEVER ? NO : flags & F_MODEL ? decideByModel(w, chain.source.rules[index], run) : decideRow(w, row, run);
    if (decision === SPLIT) {
      w.positions[depth] = index;
      return;
    }
    // The rule is decided: the random draws taken at it are settled.
    if (w.decided.length > 0) w.decided = [];
    index++;
    if (w.ended) return;
    if (decision === YES) {
      w.positions[depth] = index;
      return applyTarget(w, row, run);
    }
  }
}

/** A rule with a match the fast path does not compile: decided by the explaining engine's decideRule. */
function decideByModel(w: World, rule: Rule, run: Run): number {
  const d = decideRule(rule, w.packet, w, w.decided, false, true);
  if (d.kind === "branch") {
    w.split = { yes: d.probability, no: d.complement };
    return SPLIT;
  }
  if (d.kind === "uncertain") {
    end(w, "uncertain", rule.line, `line ${rule.line}: ${d.part}: ${d.reason}`);
    return NO;
  }
  if (d.effects.length > 0) applyEffects(w, d.effects, run.input.now, run.node.recentListSize);
  return d.kind === "match" ? YES : NO;
}

/** Whether a packet's interface (its number, -1 for none) passes a row's R_IN or R_OUT. */
function interfaceMatches(want: number, id: number, run: Run): boolean {
  if (id < 0) return false;
  return want >= 0 ? id === want : run.compiled.interfaceNames[id].startsWith(run.compiled.prefixes[IF_PREFIX - want]);
}

/** A row's checks, in the kernel's order: the header (each `!` flips its check), then each match. */
function decideRow(w: World, row: number, run: Run): number {
  const rows = run.rows, p = w.packet;
  const negated = rows[row + R_NEGATED];
  if (((p.srcValue & rows[row + R_SRC_MASK]) === rows[row + R_SRC]) === ((negated & NEG_SRC) !== 0)) return NO;
  if (((p.dstValue & rows[row + R_DST_MASK]) === rows[row + R_DST]) === ((negated & NEG_DST) !== 0)) return NO;
  const inWant = rows[row + R_IN];
  if (inWant !== IF_ANY && interfaceMatches(inWant, p.inId, run) === ((negated & NEG_IN) !== 0)) return NO;
  const outWant = rows[row + R_OUT];
  if (outWant !== IF_ANY && interfaceMatches(outWant, p.outId, run) === ((negated & NEG_OUT) !== 0)) return NO;
  const proto = rows[row + R_PROTO];
  if (proto !== 0 && (proto === p.proto) === ((negated & NEG_PROTO) !== 0)) return NO;
  const matches = run.matches;
  const last = rows[row + R_MATCHES_END];
  let branch = 0;
  for (let at = rows[row + R_MATCHES]; at < last; at += matchLength(matches, at)) {
    if (matches[at] === M_RANDOM) {
      if (branch >= w.decided.length) {
        w.split = run.compiled.chances[matches[at + 1]];
        return SPLIT;
      }
      if (!w.decided[branch++]) return NO;
      continue;
    }
    if (!matchPasses(matches, at, w, run)) return NO;
  }
  return YES;
}

/** The length of the match record at `at` (see the M_ kinds in ./compile.ts). */
function matchLength(m: Int32Array, at: number): number {
  switch (m[at]) {
    case M_PORTS: return 11;
    case M_MULTIPORT: return 4 + 2 * m[at + 3];
    case M_MARK: case M_CTSTATE: return 4;
    case M_ADDRTYPE: return 5;
    default: return 2;
  }
}

function passes(check: number, matched: boolean): boolean {
  return check === NO_CHECK || matched !== (check === CHECK_NEGATED);
}

const TCP_SYN = 0x02, TCP_ACK = 0x10;

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}

function matchPasses(m: Int32Array, at: number, w: World, run: Run): boolean {
  const p = w.packet;
  switch (m[at]) {
    case M_PORTS: {
      if (p.proto !== m[at + 1]) return false;
      if (!passes(m[at + 2], inRange(p.sport, m[at + 3], m[at + 4]))) return false;
      if (!passes(m[at + 5], inRange(p.dport, m[at + 6], m[at + 7]))) return false;
      if (m[at + 8] === NO_CHECK) return true;
      const flags = p.ctstate === "NEW" && !w.reply ? TCP_SYN : TCP_ACK;
      return passes(m[at + 8], (flags & m[at + 9]) === m[at + 10]);
    }
    case M_MULTIPORT: {
      const direction = m[at + 1], end = at + 4 + 2 * m[at + 3];
      let hit = false;
      for (let i = at + 4; i < end && !hit; i += 2) {
        if (direction !== MP_DESTINATION && inRange(p.sport, m[i], m[i + 1])) hit = true;
        else if (direction !== MP_SOURCE && inRange(p.dport, m[i], m[i + 1])) hit = true;
      }
      return hit !== (m[at + 2] === 1);
    }
    case M_MARK:
      return ((p.mark & m[at + 2]) === m[at + 1]) !== (m[at + 3] === 1);
    case M_CTSTATE: {
      let have = CT_BITS[p.ctstate];
      const withNat = m[at + 3] === 1;
      if (withNat && w.connection?.dnat) have |= CT_BITS.DNAT;
      if (withNat && w.connection?.snat) have |= CT_BITS.SNAT;
      return ((have & m[at + 1]) !== 0) !== (m[at + 2] === 1);
    }
    case M_ADDRTYPE:
      return passes(m[at + 1], (addressTypeBit(p.src, run) & m[at + 2]) !== 0)
        && passes(m[at + 3], (addressTypeBit(p.dst, run) & m[at + 4]) !== 0);
    default:
      throw new Error(`unreachable: match record ${m[at]} at ${at}`);
  }
}

function addressTypeBit(ip: string, run: Run): number {
  const types = run.bound.types;
  let bit = types.get(ip);
  if (bit === undefined) {
    bit = ADDRESS_TYPE_BITS[addressType(run.node, ip)];
    types.set(ip, bit);
  }
  return bit;
}

/** What a matched rule's target does to the world. */
function applyTarget(w: World, row: number, run: Run): void {
  const rows = run.rows;
  const rule = row / ROW;
  w.met = { value: rule, prev: w.met };
  if (w.service === null) w.service = run.bound.services[rule];
  const arg = rows[row + R_ARG], arg2 = rows[row + R_ARG2];
  switch (rows[row + R_TARGET]) {
    case T_NONE: case T_CONTINUE:
      return;
    case T_JUMP: {
      const next = run.compiled.chains[arg];
      if (arg2 === 1) {
        w.chains![w.chains!.length - 1] = next;
        w.positions[w.positions.length - 1] = 0;
      } else {
        w.chains!.push(next);
        w.positions.push(0);
      }
      return;
    }
    case T_ACCEPT:
      w.chains = null;
      return;
    case T_DROP:
      return end(w, "dropped", rows[row + R_LINE], `DROP at line ${rows[row + R_LINE]} (${w.at!.table} ${chainOf(row, run).name})`);
    case T_REJECT:
      end(w, "rejected", rows[row + R_LINE], `REJECT at line ${rows[row + R_LINE]} (${w.at!.table} ${chainOf(row, run).name})`);
      w.rejectWith = (run.compiled.targets[arg2].model as { rejectWith: string }).rejectWith;
      return;
    case T_QUEUE:
      return end(w, "uncertain", rows[row + R_LINE], `line ${rows[row + R_LINE]}: QUEUE hands the packet to a program whose verdict is unknown`);
    case T_RETURN: {
      const chains = w.chains!;
      const builtin = chains[0];
      chains.pop();
      w.positions.pop();
      if (chains.length === 0) applyPolicy(w, builtin);
      return;
    }
    case T_MARK:
      w.packet.mark = applyMark(w.packet.mark, arg, arg2);
      return;
    case T_CONNMARK_RESTORE: {
      const ct = w.connection?.mark ?? 0;
      w.packet.mark = ((w.packet.mark & ~arg) | (ct & arg2)) >>> 0;
      return;
    }
    case T_NOTRACK:
      w.tracked = false;
      w.natActive = false;
      w.packet.ctstate = "UNTRACKED";
      return;
    case T_DNAT: case T_REDIRECT:
      return destinationNat(w, row, run);
    case T_SNAT: case T_MASQUERADE:
      return sourceNat(w, row, run);
    case T_UNSUPPORTED:
      return end(w, "uncertain", rows[row + R_LINE], `line ${rows[row + R_LINE]}: ${(run.compiled.targets[arg2].model as { reason: string }).reason}`);
  }
}

function chainOf(row: number, run: Run): CompiledChain {
  return run.compiled.chains[run.rows[row + R_CHAIN]];
}

function destinationNat(w: World, row: number, run: Run): void {
  const p = w.packet, hook = w.at!.hook;
  const t = run.compiled.targets[run.rows[row + R_ARG2]];
  const from = destinationText(p);
  const port = t.port >= 0 ? t.port : p.dport;
  const dnat = run.rows[row + R_TARGET] === T_DNAT;
  if (!dnat) {
    const address = hook === "OUTPUT" ? "127.0.0.1" : (run.node.interfaces.find((i) => i.name === p.inInterface)?.addresses[0]?.address ?? p.dst);
    setDestination(w, address, port);
  } else if (t.address === null) setDestination(w, p.dst, port);
  else {
    // The address is known as a number already; its route was worked out when the dump was bound to the node.
    if (t.addressValue !== p.dstValue || t.address !== p.dst) {
      p.dst = t.address;
      p.dstValue = t.addressValue;
    }
    p.dport = port;
    p.texts = { src: p.texts.src, dst: t.text };
    w.translated = run.rows[row + R_ARG2];
  }
  w.dnat = { line: run.rows[row + R_LINE], chain: t.chain, hook, target: dnat ? "DNAT" : "REDIRECT", from, to: destinationText(p) };
  w.chains = null;
}

/** MASQUERADE's address (and reason) for the packet's route and interface: bound with the DNAT rule that chose the destination, else per decision. */
function masqueradeChoice(w: World, bound: BoundDump, dev: string, r: RouteDecision): MasqueradeChoice {
  const t = w.translated;
  if (t >= 0 && bound.targetRoutes[t] === r) {
    const choice = bound.targetMasquerade[t];
    if (choice !== null && choice.dev === dev) return choice;
  }
  return masqueradeChoiceFor(bound.node, dev, r);
}

function sourceNat(w: World, row: number, run: Run): void {
  const p = w.packet, hook = w.at!.hook;
  const snat = run.rows[row + R_TARGET] === T_SNAT;
  const t = run.compiled.targets[run.rows[row + R_ARG2]];
  const from = sourceText(p);
  let why: string;
  if (snat) {
    setSource(w, t.address ?? p.src, t.port >= 0 ? t.port : p.sport);
    why = t.why;
  } else {
    const choice = masqueradeChoice(w, run.bound, p.outInterface ?? "", routeFor(w, run.bound));
    setSource(w, choice.address ?? p.src, t.port >= 0 ? t.port : p.sport, choice.addressValue);
    why = masqueradeReason(choice, t.portMode);
  }
  w.snat = { line: run.rows[row + R_LINE], chain: t.chain, hook, target: snat ? "SNAT" : "MASQUERADE", from, to: sourceText(p), interface: p.outInterface, why };
  w.chains = null;
}
