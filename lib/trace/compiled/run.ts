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
 * of one packet would otherwise work out again (the route to a destination,
 * MASQUERADE's address and reason, `ip:port` texts) is worked out once and
 * shared; outcome objects are made at the end (./outcomes.ts).
 */
import { parseIPv4 } from "../../model/address.js";
import { ONE, multiply, type Fraction } from "../../math/fraction.js";
import { addressType, nodeRoutes, routeIn, selectAddress, type NodeContext, type NodeRoutes, type RouteDecision } from "../../node/context.js";
import { decideRule } from "../conditions.js";
import { applyEffects, masqueradeWhy, MAX_WORLDS, pathLimitAt, type DnatDecision, type Outcome, type RunInput, type SnatDecision } from "../engine.js";
import { nextCandidate } from "../chain-index.js";
import { applyMark } from "../marks.js";
import type { PacketState, Tuple } from "../packet.js";
import { MAX_STEPS_PER_WORLD, PLANS, type Stage, type TableStage } from "../plans.js";
import type { ConntrackEntry, NetState } from "../state.js";
import {
  ADDRESS_TYPE_BITS, CHECK_NEGATED, CT_BITS, NO_CHECK, compiledDump, entryKey, internInterface, protocolCode,
  T_ACCEPT, T_CONNMARK_RESTORE, T_CONTINUE, T_DNAT, T_DROP, T_JUMP, T_MARK, T_MASQUERADE, T_NONE, T_NOTRACK, T_QUEUE,
  T_REDIRECT, T_REJECT, T_RETURN, T_SNAT, T_UNSUPPORTED,
  type CompiledChain, type CompiledDump, type CompiledMatch, type CompiledRule,
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
  /** `src:sport` and `dst:dport`, made when a NAT record first needs them (null until then, and after a change). */
  srcText: string | null;
  dstText: string | null;
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
  localDestination = false;
  /** The chance of the random match the world stopped at (set when a rule asks to split). */
  split: { yes: Fraction; no: Fraction } | null = null;
  ended = false;
  verdict: Outcome["verdict"] = "uncertain";
  delivery: Outcome["delivery"] = null;
  line: number | null = null;
  reason: string | null = null;
  rejectWith: string | null = null;
  budget = MAX_STEPS_PER_WORLD;
  /** The rules that matched, newest first. */
  met: Trail<CompiledRule> | null = null;
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
    w.localDestination = this.localDestination;
    w.budget = this.budget;
    w.met = this.met;
    w.path = this.path;
    return w;
  }
}

/** Everything a run needs that stays the same for all its worlds. */
interface Run {
  input: RunInput;
  compiled: CompiledDump;
  node: NodeContext;
  routes: NodeRoutes;
  /** Address type (as a bit of ADDRESS_TYPE_BITS) of the addresses met, for `-m addrtype`. */
  types: Map<string, number>;
}

const addressTypes = new WeakMap<NodeContext, Map<string, number>>();

function typesOf(node: NodeContext): Map<string, number> {
  let t = addressTypes.get(node);
  if (!t) addressTypes.set(node, (t = new Map()));
  return t;
}

/** Run one packet through the compiled dump and return every outcome with its exact probability. */
export function runCompiled(input: RunInput): PathOutcome[] {
  return runWorlds(input).map(pathOutcome);
}

/** Run one packet through the compiled dump: every world it ends in, depth-first, "rule matched" first (the outcomes' order). */
export function runWorlds(input: RunInput): World[] {
  const compiled = compiledDump(input.dump);
  const run: Run = { input, compiled, node: input.node, routes: nodeRoutes(input.node), types: typesOf(input.node) };
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
    srcText: null, dstText: null,
  };
}

/** A copy of a packet, field by field (every packet keeps one shape, which keeps its readers fast). */
function copyPacket(p: FastPacket): FastPacket {
  return {
    protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport,
    inInterface: p.inInterface, outInterface: p.outInterface, mark: p.mark, ctstate: p.ctstate,
    srcValue: p.srcValue, dstValue: p.dstValue, proto: p.proto, inId: p.inId, outId: p.outId,
    srcText: p.srcText, dstText: p.dstText,
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
  const { yes: chanceYes, no: chanceNo } = w.split!;
  w.split = null;
  const yes = w.fork();
  yes.probability = multiply(w.probability, chanceYes);
  w.probability = multiply(w.probability, chanceNo);
  yes.decided.push(true);
  w.decided.push(false);
  yes.path = { value: true, prev: w.path };
  w.path = { value: false, prev: w.path };
  return yes;
}

/** A trail as an array, oldest first. */
export function trailArray<T, R>(trail: Trail<T> | null, read: (value: T) => R): R[] {
  const out: R[] = [];
  for (let n = trail; n; n = n.prev) out.push(read(n.value));
  return out.reverse();
}

function pathOutcome(w: World): PathOutcome {
  const p = w.packet;
  return {
    probability: w.probability, verdict: w.verdict, delivery: w.delivery, line: w.line, reason: w.reason, rejectWith: w.rejectWith,
    inInterface: p.inInterface, outInterface: w.delivery === "out" ? p.outInterface : null,
    before: w.before, after: tupleOf(p), dnat: w.dnat, snat: w.snat, mark: p.mark, state: w.state,
    rules: trailArray(w.met, (r) => r.line),
    chains: trailArray(w.met, (r) => r.chain.name),
    path: trailArray(w.path, (x) => x),
  };
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
  p.dstText = null;
}

function setSource(w: World, address: string, port: number): void {
  const p = w.packet;
  if (address !== p.src) {
    p.src = address;
    p.srcValue = parseIPv4(address)!;
  }
  p.sport = port;
  p.srcText = null;
}

/** `dst:dport`, made once per packet state and shared by the worlds split off after it. */
function destinationText(p: FastPacket): string {
  return (p.dstText ??= `${p.dst}:${p.dport}`);
}

function sourceText(p: FastPacket): string {
  return (p.srcText ??= `${p.src}:${p.sport}`);
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
        w.packet.inId = interfaceId(run.compiled, "lo");
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
  let entry = compiled.byStage.get(stage);
  if (entry === undefined) {
    entry = compiled.entries.get(entryKey(stage.table, stage.hook)) ?? null;
    compiled.byStage.set(stage, entry);
  }
  return entry ?? undefined;
}

function enterTable(w: World, stage: TableStage, run: Run): void {
  w.stage++;
  if (stage.table === "nat" && !w.natActive) {
    if (w.connection) applyConntrackNat(w, stage);
    return;
  }
  const entry = entryOf(run.compiled, stage);
  // An empty built-in chain ends in its policy at once: ACCEPT moves on, DROP ends the world.
  if (!entry) return;
  w.at = stage;
  w.chains = [entry];
  w.positions = [0];
}

/** The routing decision for the packet's destination: the one the world already made when the destination has not changed since. */
export function routeFor(w: World, routes: NodeRoutes): RouteDecision {
  const dst = w.packet.dst;
  return w.routedDst === dst && w.route !== null ? w.route : routeIn(routes, dst);
}

/** A routing decision: where the packet goes next (INPUT or FORWARD), or which interface it leaves by. */
function route(w: World, kind: "route" | "reroute" | "route-local", run: Run): void {
  const p = w.packet;
  w.stage++;
  if (kind === "reroute" && w.routedDst === p.dst) return;
  const r = routeFor(w, run.routes);
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
  const c = w.connection!;
  const p = w.packet;
  const hook = stage.hook;
  const dstManip = hook === "PREROUTING" || hook === "OUTPUT";
  if (!w.reply && dstManip && c.dnat) {
    const from = destinationText(p);
    setDestination(w, c.reply.src, c.reply.sport);
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: destinationText(p) };
  } else if (!w.reply && !dstManip && c.snat) {
    const from = sourceText(p);
    setSource(w, c.reply.dst, c.reply.dport);
    w.snat = { line: null, chain: null, hook, target: "conntrack", from, to: sourceText(p), interface: p.outInterface, why: "the connection's recorded source NAT" };
  } else if (w.reply && dstManip && c.snat) {
    const from = destinationText(p);
    setDestination(w, c.original.src, c.original.sport);
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: destinationText(p) };
  } else if (w.reply && !dstManip && c.dnat) {
    const from = sourceText(p);
    setSource(w, c.original.dst, c.original.dport);
    w.snat = {
      line: null, chain: null, hook, target: "conntrack", from, to: sourceText(p), interface: p.outInterface,
      why: "undoing the connection's DNAT, so the client sees the address it called",
    };
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
  const rules = chain.rules;
  let index = w.positions[depth];
  for (;;) {
    if (--w.budget < 0) return end(w, "uncertain", null, `more than ${MAX_STEPS_PER_WORLD} rule checks for one packet`);
    // Long chains (KUBE-SERVICES): straight to the next rule that can match (see ../chain-index.ts).
    index = nextCandidate(chain.source, index, w.packet);
    if (index >= rules.length) {
      if (chain.builtin) applyPolicy(w, chain);
      else {
        chains.pop();
        w.positions.pop();
      }
      return;
    }
    const rule = rules[index];
    const decision = rule.matches === null ? decideByModel(w, rule, run) : decideCompiled(w, rule, run);
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
      return applyTarget(w, rule, run);
    }
  }
}

/** A rule with a match the fast path does not compile: decided by the explaining engine's decideRule. */
function decideByModel(w: World, rule: CompiledRule, run: Run): number {
  const d = decideRule(rule.rule, w.packet, w, w.decided, false);
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

function passes(check: number, matched: boolean): boolean {
  return check === NO_CHECK || matched !== (check === CHECK_NEGATED);
}

function interfacePasses(check: number, name: number, prefix: string, id: number, run: Run): boolean {
  if (check === NO_CHECK) return true;
  const matched = id >= 0 && (name >= 0 ? id === name : run.compiled.interfaceNames[id].startsWith(prefix));
  return matched !== (check === CHECK_NEGATED);
}

/** A compiled rule's checks, in the kernel's order: the header, then each match. */
function decideCompiled(w: World, rule: CompiledRule, run: Run): number {
  const p = w.packet;
  if (rule.never) return NO;
  if (!passes(rule.srcCheck, ((p.srcValue & rule.srcMask) >>> 0) === rule.srcAddress)) return NO;
  if (!passes(rule.dstCheck, ((p.dstValue & rule.dstMask) >>> 0) === rule.dstAddress)) return NO;
  if (!interfacePasses(rule.inCheck, rule.inName, rule.inPrefix, p.inId, run)) return NO;
  if (!interfacePasses(rule.outCheck, rule.outName, rule.outPrefix, p.outId, run)) return NO;
  if (!passes(rule.protoCheck, rule.proto === p.proto)) return NO;
  const matches = rule.matches!;
  let branch = 0;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i];
    if (m.kind === "random") {
      if (branch >= w.decided.length) {
        w.split = m.chance;
        return SPLIT;
      }
      if (!w.decided[branch++]) return NO;
      continue;
    }
    if (!matchPasses(m, w, run)) return NO;
  }
  return YES;
}

const TCP_SYN = 0x02, TCP_ACK = 0x10;

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}

function matchPasses(m: CompiledMatch, w: World, run: Run): boolean {
  const p = w.packet;
  switch (m.kind) {
    case "ports": {
      if (p.proto !== m.proto) return false;
      if (!passes(m.sportCheck, inRange(p.sport, m.sportMin, m.sportMax))) return false;
      if (!passes(m.dportCheck, inRange(p.dport, m.dportMin, m.dportMax))) return false;
      if (m.flagsCheck === NO_CHECK) return true;
      const flags = p.ctstate === "NEW" && !w.reply ? TCP_SYN : TCP_ACK;
      return passes(m.flagsCheck, (flags & m.flagsMask) === m.flagsComp);
    }
    case "multiport": {
      const r = m.ranges;
      let hit = false;
      for (let i = 0; i < r.length && !hit; i += 2) {
        if (m.direction !== "destination" && inRange(p.sport, r[i], r[i + 1])) hit = true;
        else if (m.direction !== "source" && inRange(p.dport, r[i], r[i + 1])) hit = true;
      }
      return hit !== m.invert;
    }
    case "mark":
      return (((p.mark & m.mask) >>> 0) === m.value) !== m.invert;
    case "ctstate": {
      let have = CT_BITS[p.ctstate];
      if (m.withNat && w.connection?.dnat) have |= CT_BITS.DNAT;
      if (m.withNat && w.connection?.snat) have |= CT_BITS.SNAT;
      return ((have & m.wanted) !== 0) !== m.invert;
    }
    case "addrtype":
      return passes(m.srcCheck, (addressTypeBit(p.src, run) & m.srcTypes) !== 0)
        && passes(m.dstCheck, (addressTypeBit(p.dst, run) & m.dstTypes) !== 0);
    case "random":
      throw new Error("unreachable: random matches are decided by decideCompiled");
  }
}

function addressTypeBit(ip: string, run: Run): number {
  let bit = run.types.get(ip);
  if (bit === undefined) {
    bit = ADDRESS_TYPE_BITS[addressType(run.node, ip)];
    run.types.set(ip, bit);
  }
  return bit;
}

/** What a matched rule's target does to the world. */
function applyTarget(w: World, rule: CompiledRule, run: Run): void {
  w.met = { value: rule, prev: w.met };
  const t = rule.target;
  switch (t.code) {
    case T_NONE: case T_CONTINUE:
      return;
    case T_JUMP:
      if (t.goto) {
        w.chains![w.chains!.length - 1] = t.chain!;
        w.positions[w.positions.length - 1] = 0;
      } else {
        w.chains!.push(t.chain!);
        w.positions.push(0);
      }
      return;
    case T_ACCEPT:
      w.chains = null;
      return;
    case T_DROP:
      return end(w, "dropped", rule.line, `DROP at line ${rule.line} (${w.at!.table} ${rule.chain.name})`);
    case T_REJECT:
      end(w, "rejected", rule.line, `REJECT at line ${rule.line} (${w.at!.table} ${rule.chain.name})`);
      w.rejectWith = (t.model as { rejectWith: string }).rejectWith;
      return;
    case T_QUEUE:
      return end(w, "uncertain", rule.line, `line ${rule.line}: QUEUE hands the packet to a program whose verdict is unknown`);
    case T_RETURN: {
      const chains = w.chains!;
      const builtin = chains[0];
      chains.pop();
      w.positions.pop();
      if (chains.length === 0) applyPolicy(w, builtin);
      return;
    }
    case T_MARK:
      w.packet.mark = applyMark(w.packet.mark, t.value, t.mask);
      return;
    case T_CONNMARK_RESTORE: {
      const ct = w.connection?.mark ?? 0;
      w.packet.mark = ((w.packet.mark & ~t.value) | (ct & t.mask)) >>> 0;
      return;
    }
    case T_NOTRACK:
      w.tracked = false;
      w.natActive = false;
      w.packet.ctstate = "UNTRACKED";
      return;
    case T_DNAT: case T_REDIRECT:
      return destinationNat(w, rule, run);
    case T_SNAT: case T_MASQUERADE:
      return sourceNat(w, rule, run);
    case T_UNSUPPORTED:
      return end(w, "uncertain", rule.line, `line ${rule.line}: ${(t.model as { reason: string }).reason}`);
  }
}

function destinationNat(w: World, rule: CompiledRule, run: Run): void {
  const p = w.packet, t = rule.target, hook = w.at!.hook;
  const from = destinationText(p);
  let address = p.dst;
  if (t.code === T_DNAT) {
    if (t.address !== null) address = t.address;
  } else {
    address = hook === "OUTPUT" ? "127.0.0.1" : (run.node.interfaces.find((i) => i.name === p.inInterface)?.addresses[0]?.address ?? p.dst);
  }
  setDestination(w, address, t.port >= 0 ? t.port : p.dport);
  w.dnat = { line: rule.line, chain: rule.chain.name, hook, target: t.code === T_DNAT ? "DNAT" : "REDIRECT", from, to: destinationText(p) };
  w.chains = null;
}

/** MASQUERADE's choice for one route and interface: the address, and the reason in each port mode (plain, --random, --random-fully). */
interface MasqueradeChoice {
  dev: string;
  address: string | null;
  reasons: string[];
}

/** The last choice per routing decision (decisions are shared per node and destination, so this is per node too). */
const masqueradeChoices = new WeakMap<RouteDecision, MasqueradeChoice>();

function masqueradeChoice(node: NodeContext, dev: string, r: RouteDecision): MasqueradeChoice {
  const known = masqueradeChoices.get(r);
  if (known && known.dev === dev) return known;
  const address = selectAddress(node, dev, r.nextHop);
  const why = masqueradeWhy(node, dev, address, r.nextHop);
  // The simulator keeps the client's port; say when the kernel would draw a random one instead.
  const random = (flag: string) => `${why}; ${flag}: the kernel picks the source port at random (shown here as the client's)`;
  const choice = { dev, address, reasons: [why, random("--random"), random("--random-fully")] };
  masqueradeChoices.set(r, choice);
  return choice;
}

function sourceNat(w: World, rule: CompiledRule, run: Run): void {
  const p = w.packet, t = rule.target, hook = w.at!.hook;
  const from = sourceText(p);
  let why: string;
  if (t.code === T_SNAT) {
    setSource(w, t.address ?? p.src, t.port >= 0 ? t.port : p.sport);
    why = t.why;
  } else {
    const choice = masqueradeChoice(run.node, p.outInterface ?? "", routeFor(w, run.routes));
    setSource(w, choice.address ?? p.src, t.port >= 0 ? t.port : p.sport);
    const m = t.model as { random: boolean; randomFully: boolean };
    why = choice.reasons[m.randomFully ? 2 : m.random ? 1 : 0];
  }
  w.snat = { line: rule.line, chain: rule.chain.name, hook, target: t.code === T_SNAT ? "SNAT" : "MASQUERADE", from, to: sourceText(p), interface: p.outInterface, why };
  w.chains = null;
}
