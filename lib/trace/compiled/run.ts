/**
 * The fast path: moves one packet through a compiled dump and returns its
 * outcomes (probability, verdict, NAT, mark, the rules met as line numbers,
 * the random choices taken) without step records, reasons or descriptions.
 * It follows the same plans, in the same order, as the explaining engine
 * (engine.ts), which stays the reference: the differential test
 * (test/trace/compiled.test.ts) requires the same outcomes from both.
 *
 * A rule that does not match allocates nothing: its checks compare numbers
 * held in the compiled rule with numbers held in the packet. A random rule
 * splits the run into two worlds, as in the explaining engine.
 */
import { parseIPv4 } from "../../model/address.js";
import { ONE, multiply, type Fraction } from "../../math/fraction.js";
import { addressType, lookupRoute, selectAddress, type NodeContext } from "../../node/context.js";
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
}

interface Frame {
  chain: CompiledChain;
  index: number;
}

/** A persistent list, newest first: worlds split off from one another share what came before. */
interface Trail<T> {
  value: T;
  prev: Trail<T> | null;
}

/** One possible run of the packet; also the context decideRule checks the rules it is given in. */
interface World {
  node: NodeContext;
  now: number;
  reply: boolean;
  connection: ConntrackEntry | null;
  state: NetState;
  probability: Fraction;
  packet: FastPacket;
  before: Tuple;
  natActive: boolean;
  tracked: boolean;
  plan: readonly Stage[];
  stage: number;
  at: TableStage | null;
  frames: Frame[] | null;
  decided: boolean[];
  dnat: DnatDecision | null;
  snat: SnatDecision | null;
  routedDst: string | null;
  localDestination: boolean;
  /** The chance of the random match the world stopped at (set when a rule asks to split). */
  split: { yes: Fraction; no: Fraction } | null;
  ended: boolean;
  verdict: Outcome["verdict"];
  delivery: Outcome["delivery"];
  line: number | null;
  reason: string | null;
  rejectWith: string | null;
  budget: number;
  met: Trail<CompiledRule> | null;
  path: Trail<boolean> | null;
}

/** Everything a run needs that stays the same for all its worlds. */
interface Run {
  input: RunInput;
  compiled: CompiledDump;
  node: NodeContext;
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
  const compiled = compiledDump(input.dump);
  const run: Run = { input, compiled, node: input.node, types: typesOf(input.node) };
  const outcomes: PathOutcome[] = [];
  const pending: World[] = [startWorld(input, compiled)];
  let worlds = 1;
  while (pending.length > 0) {
    const w = pending.pop()!;
    advance(w, run);
    if (w.split) {
      const [yes, no] = split(w);
      // Depth-first, "rule matched" first, so outcomes come in rule order.
      worlds += 1;
      if (worlds > MAX_WORLDS) {
        const frame = no.frames![no.frames!.length - 1];
        throw pathLimitAt(input.dump, frame.chain.source.rules[frame.index], frame.chain.name);
      }
      pending.push(no, yes);
      continue;
    }
    outcomes.push(finish(w));
  }
  return outcomes;
}

function fastPacket(p: PacketState, compiled: CompiledDump): FastPacket {
  return {
    protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport,
    inInterface: p.inInterface, outInterface: p.outInterface, mark: p.mark, ctstate: p.ctstate,
    srcValue: parseIPv4(p.src)!, dstValue: parseIPv4(p.dst)!, proto: protocolCode(p.protocol),
    inId: interfaceId(compiled, p.inInterface), outId: interfaceId(compiled, p.outInterface),
  };
}

function interfaceId(compiled: CompiledDump, name: string | null): number {
  return name === null ? -1 : internInterface(compiled, name);
}

function startWorld(input: RunInput, compiled: CompiledDump): World {
  return {
    node: input.node, now: input.now, reply: input.reply, connection: input.connection, state: input.state,
    probability: ONE,
    packet: fastPacket(input.packet, compiled),
    before: tupleOf(input.packet),
    natActive: input.connection === null && input.packet.ctstate === "NEW",
    tracked: true,
    plan: input.origin === "local" ? PLANS.local : PLANS.arriving,
    stage: 0, at: null, frames: null, decided: [], dnat: null, snat: null, routedDst: null, localDestination: false,
    split: null,
    ended: false, verdict: "uncertain", delivery: null, line: null, reason: null, rejectWith: null,
    budget: MAX_STEPS_PER_WORLD, met: null, path: null,
  };
}

function tupleOf(p: PacketState): Tuple {
  return { protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport };
}

/** The two worlds of a random split: the draw under the rule's probability, and over it. */
function split(w: World): [World, World] {
  const { yes: chanceYes, no: chanceNo } = w.split!;
  w.split = null;
  const yes = copyWorld(w);
  const no = w;
  yes.probability = multiply(w.probability, chanceYes);
  no.probability = multiply(w.probability, chanceNo);
  yes.decided.push(true);
  no.decided.push(false);
  yes.path = { value: true, prev: w.path };
  no.path = { value: false, prev: w.path };
  return [yes, no];
}

/** A copy of a world, field by field: copies keep the shape of the worlds made by startWorld, which keeps their readers fast. */
function copyWorld(w: World): World {
  const p = w.packet;
  return {
    node: w.node, now: w.now, reply: w.reply, connection: w.connection, state: w.state,
    probability: w.probability,
    packet: {
      protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport,
      inInterface: p.inInterface, outInterface: p.outInterface, mark: p.mark, ctstate: p.ctstate,
      srcValue: p.srcValue, dstValue: p.dstValue, proto: p.proto, inId: p.inId, outId: p.outId,
    },
    before: w.before,
    natActive: w.natActive,
    tracked: w.tracked,
    plan: w.plan,
    stage: w.stage, at: w.at, frames: w.frames && w.frames.map((f) => ({ chain: f.chain, index: f.index })), decided: [...w.decided],
    dnat: w.dnat, snat: w.snat, routedDst: w.routedDst, localDestination: w.localDestination,
    split: w.split,
    ended: w.ended, verdict: w.verdict, delivery: w.delivery, line: w.line, reason: w.reason, rejectWith: w.rejectWith,
    budget: w.budget, met: w.met, path: w.path,
  };
}

function finish(w: World): PathOutcome {
  const p = w.packet;
  const rules: number[] = [], chains: string[] = [];
  for (let n = w.met; n; n = n.prev) {
    rules.push(n.value.line);
    chains.push(n.value.chain.name);
  }
  const path: boolean[] = [];
  for (let n = w.path; n; n = n.prev) path.push(n.value);
  return {
    probability: w.probability,
    verdict: w.verdict,
    delivery: w.delivery,
    line: w.line,
    reason: w.reason,
    rejectWith: w.rejectWith,
    inInterface: p.inInterface,
    outInterface: w.delivery === "out" ? p.outInterface : null,
    before: w.before,
    after: tupleOf(p),
    dnat: w.dnat,
    snat: w.snat,
    mark: p.mark,
    state: w.state,
    rules: rules.reverse(),
    chains: chains.reverse(),
    path: path.reverse(),
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
    if (w.frames) {
      stepChain(w, run);
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
}

function setSource(w: World, address: string, port: number): void {
  const p = w.packet;
  if (address !== p.src) {
    p.src = address;
    p.srcValue = parseIPv4(address)!;
  }
  p.sport = port;
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
    if (w.connection) applyConntrackNat(w, stage, run);
    return;
  }
  const entry = entryOf(run.compiled, stage);
  if (!entry) return;
  w.at = stage;
  w.frames = [{ chain: entry, index: 0 }];
}

/** A routing decision: where the packet goes next (INPUT or FORWARD), or which interface it leaves by. */
function route(w: World, kind: "route" | "reroute" | "route-local", run: Run): void {
  const p = w.packet;
  w.stage++;
  if (kind === "reroute" && w.routedDst === p.dst) return;
  const r = lookupRoute(run.node, p.dst);
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
function applyConntrackNat(w: World, stage: TableStage, run: Run): void {
  const c = w.connection!;
  const p = w.packet;
  const hook = stage.hook;
  const dstManip = hook === "PREROUTING" || hook === "OUTPUT";
  if (!w.reply && dstManip && c.dnat) {
    const from = `${p.dst}:${p.dport}`;
    setDestination(w, c.reply.src, c.reply.sport);
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: `${p.dst}:${p.dport}` };
  } else if (!w.reply && !dstManip && c.snat) {
    const from = `${p.src}:${p.sport}`;
    setSource(w, c.reply.dst, c.reply.dport);
    w.snat = { line: null, chain: null, hook, target: "conntrack", from, to: `${p.src}:${p.sport}`, interface: p.outInterface, why: "the connection's recorded source NAT" };
  } else if (w.reply && dstManip && c.snat) {
    const from = `${p.dst}:${p.dport}`;
    setDestination(w, c.original.src, c.original.sport);
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: `${p.dst}:${p.dport}` };
  } else if (w.reply && !dstManip && c.dnat) {
    const from = `${p.src}:${p.sport}`;
    setSource(w, c.original.dst, c.original.dport);
    w.snat = {
      line: null, chain: null, hook, target: "conntrack", from, to: `${p.src}:${p.sport}`, interface: p.outInterface,
      why: "undoing the connection's DNAT, so the client sees the address it called",
    };
  }
}

function applyPolicy(w: World, chain: CompiledChain): void {
  const source = chain.source;
  w.frames = null;
  if (source.policy === "DROP") end(w, "dropped", source.line, `policy DROP of ${w.at!.table} ${chain.name}`);
}

// What a rule's checks decide.
const NO = 0, YES = 1, SPLIT = 2;

/** Check the next rule of the current chain that can match; sets `w.split` when a random rule splits the run. */
function stepChain(w: World, run: Run): void {
  const frames = w.frames!;
  const frame = frames[frames.length - 1];
  const chain = frame.chain;
  if (--w.budget < 0) return end(w, "uncertain", null, `more than ${MAX_STEPS_PER_WORLD} rule checks for one packet`);
  // Long chains (KUBE-SERVICES): straight to the next rule that can match (see ../chain-index.ts).
  frame.index = nextCandidate(chain.source, frame.index, w.packet);
  if (frame.index >= chain.rules.length) {
    if (chain.builtin) applyPolicy(w, chain);
    else frames.pop();
    return;
  }
  const rule = chain.rules[frame.index];
  const decision = rule.matches === null ? decideByModel(w, rule, run) : decideCompiled(w, rule, run);
  if (decision === SPLIT) return;
  // The rule is decided: the random draws taken at it are settled.
  if (w.decided.length > 0) w.decided = [];
  frame.index++;
  if (decision === YES) applyTarget(w, rule, run);
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
    case T_JUMP: {
      const frames = w.frames!;
      const next = { chain: t.chain!, index: 0 };
      if (t.goto) frames[frames.length - 1] = next;
      else frames.push(next);
      return;
    }
    case T_ACCEPT:
      w.frames = null;
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
      const frames = w.frames!;
      const builtin = frames[0].chain;
      frames.pop();
      if (frames.length === 0) applyPolicy(w, builtin);
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
  const from = `${p.dst}:${p.dport}`;
  let address = p.dst;
  if (t.code === T_DNAT) {
    if (t.address !== null) address = t.address;
  } else {
    address = hook === "OUTPUT" ? "127.0.0.1" : (run.node.interfaces.find((i) => i.name === p.inInterface)?.addresses[0]?.address ?? p.dst);
  }
  setDestination(w, address, t.port >= 0 ? t.port : p.dport);
  w.dnat = { line: rule.line, chain: rule.chain.name, hook, target: t.code === T_DNAT ? "DNAT" : "REDIRECT", from, to: `${p.dst}:${p.dport}` };
  w.frames = null;
}

/** The reasons MASQUERADE gives, by node, interface, next hop and port mode (the address follows from the first two). */
const masqueradeReasons = new WeakMap<NodeContext, Map<string, Map<string | null, string[]>>>();

function masqueradeReason(node: NodeContext, dev: string, address: string | null, nextHop: string | null, random: number): string {
  let byDev = masqueradeReasons.get(node);
  if (!byDev) masqueradeReasons.set(node, (byDev = new Map()));
  let byHop = byDev.get(dev);
  if (!byHop) byDev.set(dev, (byHop = new Map()));
  let reasons = byHop.get(nextHop);
  if (!reasons) {
    const why = masqueradeWhy(node, dev, address, nextHop);
    // The simulator keeps the client's port; say when the kernel would draw a random one instead.
    const random = (flag: string) => `${why}; ${flag}: the kernel picks the source port at random (shown here as the client's)`;
    byHop.set(nextHop, (reasons = [why, random("--random"), random("--random-fully")]));
  }
  return reasons[random];
}

function sourceNat(w: World, rule: CompiledRule, run: Run): void {
  const p = w.packet, t = rule.target, hook = w.at!.hook;
  const from = `${p.src}:${p.sport}`;
  let why: string;
  if (t.code === T_SNAT) {
    setSource(w, t.address ?? p.src, t.port >= 0 ? t.port : p.sport);
    why = `--to-source ${t.address ?? ""}`;
  } else {
    const r = lookupRoute(run.node, p.dst);
    const address = selectAddress(run.node, p.outInterface ?? "", r.nextHop);
    setSource(w, address ?? p.src, t.port >= 0 ? t.port : p.sport);
    const m = t.model as { random: boolean; randomFully: boolean };
    why = masqueradeReason(run.node, p.outInterface ?? "", address, r.nextHop, m.randomFully ? 2 : m.random ? 1 : 0);
  }
  w.snat = { line: rule.line, chain: rule.chain.name, hook, target: t.code === T_SNAT ? "SNAT" : "MASQUERADE", from, to: `${p.src}:${p.sport}`, interface: p.outInterface, why };
  w.frames = null;
}
