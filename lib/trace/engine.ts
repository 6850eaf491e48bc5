/**
 * The traversal engine: moves one packet through the netfilter hooks of a
 * node, table by table and rule by rule, exactly as the kernel orders them.
 * A random rule splits the run into two "worlds" with complementary exact
 * probabilities; every world ends in one outcome.
 */
import type { Chain, Diagnostic, Dump, Rule, Table, TableName } from "../model/dump.js";
import { chainsByName, findTable } from "../model/predicates.js";
import type { Hook } from "../model/tables.js";
import type {
  ConnmarkTarget, CtTarget, DnatTarget, JumpTarget, MarkTarget, MasqueradeTarget, RedirectTarget, RejectTarget, SnatTarget, VerdictTarget,
} from "../model/targets.js";
import { hex } from "../math/hex.js";
import { ONE, multiply, type Fraction } from "../math/fraction.js";
import { lookupRoute, selectAddress, type NodeContext } from "../node/context.js";
import { decideRule, type Effect } from "./conditions.js";
import { nextCandidate } from "./chain-index.js";
import { applyMark } from "./marks.js";
import type { PacketState, Tuple } from "./packet.js";
import { recentRemove, recentUpdate, recordedNat, type ConntrackEntry, type NetState } from "./state.js";
import { MAX_STEPS_PER_WORLD, PLANS, type Stage, type TableStage } from "./plans.js";
import type { DnatDecision, Outcome, SnatDecision, Step } from "./outcome.js";

export type { DnatDecision, Outcome, SnatDecision, Step } from "./outcome.js";

interface Frame {
  chain: Chain;
  /** The chains of its table by name, where its jumps are looked up. */
  chains: ReadonlyMap<string, Chain>;
  index: number;
}

interface StepNode {
  step: Step;
  prev: StepNode | null;
}

/** One possible run of the packet; also the context its conditions are checked in. */
interface World {
  node: NodeContext;
  now: number;
  probability: Fraction;
  packet: PacketState;
  before: Tuple;
  reply: boolean;
  /** The nat table is consulted (first packet of a tracked connection). */
  natActive: boolean;
  tracked: boolean;
  connection: ConntrackEntry | null;
  state: NetState;
  steps: StepNode | null;
  /** The stages still to come are `plan[stage..]`; plans are shared constants, never changed. */
  plan: readonly Stage[];
  stage: number;
  /** The table being traversed, while `frames` is set. */
  at: TableStage | null;
  frames: Frame[] | null;
  decided: boolean[];
  dnat: DnatDecision | null;
  snat: SnatDecision | null;
  routedDst: string | null;
  localDestination: boolean;
  /** Probability of the random draws taken at the rule being decided. */
  pendingBranch: Fraction | undefined;
  outcome: Omit<Outcome, "probability" | "steps" | "state" | "before" | "after" | "dnat" | "snat" | "mark" | "inInterface" | "outInterface"> | null;
  budget: number;
}

/** Inputs of one packet's run. */
export interface RunInput {
  dump: Dump;
  node: NodeContext;
  packet: PacketState;
  origin: "interface" | "local";
  state: NetState;
  now: number;
  /** The connection the packet belongs to (later packets and replies); null for a new connection. */
  connection: ConntrackEntry | null;
  reply: boolean;
  /** Record rules that did not match, with reasons (costs time on big dumps). */
  explain: boolean;
  /** Check every rule in turn even when `explain` is off, instead of skipping rules the index rules out (the reference for tests). */
  naive?: boolean;
  /** Follow only this path: the choice at each random split in turn (true: the rule's draw matched). Gives the one outcome at its end. */
  path?: readonly boolean[];
}

/** The most paths one packet may take before the dump is refused as too random to enumerate. */
export const MAX_WORLDS = 100_000;

/**
 * The dump's random rules multiply into more paths than the simulator enumerates:
 * an error in the input, located at the rule where the count was exceeded.
 */
export class PathLimitError extends RangeError {
  constructor(readonly diagnostic: Diagnostic) {
    super(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`);
  }
}

/** Where a rule's random match starts (1 when it has none written). */
function statisticColumn(rule: Rule): number {
  const at = rule.raw.indexOf("-m statistic");
  return at < 0 ? 1 : at + 1;
}

/** The error for a split at the current rule of `w` that goes past MAX_WORLDS. */
function pathLimit(w: World, dump: Dump): PathLimitError {
  const frame = w.frames?.[w.frames.length - 1];
  return pathLimitAt(dump, frame?.chain.rules[frame.index], frame?.chain.name);
}

/** The error for a split at `rule` (of chain `chainName`) that goes past MAX_WORLDS. */
export function pathLimitAt(dump: Dump, rule: Rule | undefined, chainName: string | undefined): PathLimitError {
  return new PathLimitError({
    file: dump.file, line: rule?.line ?? 1, column: rule ? statisticColumn(rule) : 1, severity: "error",
    message: `more than ${MAX_WORLDS} possible paths for one packet: the random rules met up to this one (in ${chainName ?? "?"}) multiply beyond what the simulator enumerates`,
  });
}

function continueWith(w: World, plan: readonly Stage[]): void {
  w.plan = plan;
  w.stage = 0;
}

/** The built-in chains of a dump by stage, found once per dump (while its tables stay the same). */
const entries = new WeakMap<Dump, { tables: Dump["tables"]; count: number; chains: Map<TableStage, { table: Table; chain: Chain } | null> }>();

/** The first frame of a table stage: its built-in chain, or null when the dump has none. */
function entryChain(dump: Dump, stage: TableStage): Frame | null {
  let e = entries.get(dump);
  if (!e || e.tables !== dump.tables || e.count !== dump.tables.length) {
    e = { tables: dump.tables, count: dump.tables.length, chains: new Map() };
    entries.set(dump, e);
  }
  let c = e.chains.get(stage);
  if (c === undefined) {
    const table = findTable(dump, stage.table);
    const chain = table && chainsByName(table).get(stage.hook);
    c = table && chain ? { table, chain } : null;
    e.chains.set(stage, c);
  }
  // The table's name index is taken afresh: it follows chains added since.
  return c && { chain: c.chain, chains: chainsByName(c.table), index: 0 };
}

function tupleOf(p: PacketState): Tuple {
  return { protocol: p.protocol, src: p.src, sport: p.sport, dst: p.dst, dport: p.dport };
}

function cloneWorld(w: World): World {
  return {
    ...w,
    packet: { ...w.packet },
    frames: w.frames ? w.frames.map((f) => ({ ...f })) : null,
    decided: [...w.decided],
  };
}

function push(w: World, step: Step): void {
  w.steps = { step, prev: w.steps };
}

function stepsOf(w: World): Step[] {
  const out: Step[] = [];
  for (let n = w.steps; n; n = n.prev) out.push(n.step);
  return out.reverse();
}

/** Run one packet through the node and return every outcome with its exact probability. */
export function runPacket(input: RunInput): Outcome[] {
  const start: World = {
    node: input.node,
    now: input.now,
    probability: ONE,
    packet: { ...input.packet },
    before: tupleOf(input.packet),
    reply: input.reply,
    natActive: input.connection === null && input.packet.ctstate === "NEW",
    tracked: true,
    connection: input.connection,
    state: input.state,
    steps: null,
    plan: input.origin === "local" ? PLANS.local : PLANS.arriving,
    stage: 0,
    at: null,
    frames: null,
    decided: [],
    dnat: null,
    snat: null,
    routedDst: null,
    localDestination: false,
    outcome: null,
    pendingBranch: undefined,
    budget: MAX_STEPS_PER_WORLD,
  };
  const outcomes: Outcome[] = [];
  const pending: World[] = [start];
  let worlds = 1, splits = 0;
  while (pending.length > 0) {
    const w = pending.pop()!;
    const forks = advance(w, input);
    if (forks && input.path) {
      // One path asked for: keep the world that took its choice at this split.
      pending.push(input.path[splits++] ? forks[0] : forks[1]);
      continue;
    }
    if (forks) {
      // Depth-first, "rule matched" first, so outcomes come in rule order.
      worlds += 1;
      if (worlds > MAX_WORLDS) throw pathLimit(forks[1], input.dump);
      pending.push(forks[1], forks[0]);
      continue;
    }
    outcomes.push(finish(w));
  }
  return outcomes;
}

function finish(w: World): Outcome {
  const o = w.outcome!;
  // Field by field rather than by spreading: every outcome gets the same shape, which keeps readers of outcomes fast.
  return {
    probability: w.probability,
    verdict: o.verdict,
    delivery: o.delivery,
    line: o.line,
    reason: o.reason,
    rejectWith: o.rejectWith,
    inInterface: w.packet.inInterface,
    outInterface: o.delivery === "out" ? w.packet.outInterface : null,
    before: w.before,
    after: tupleOf(w.packet),
    dnat: w.dnat,
    snat: w.snat,
    mark: w.packet.mark,
    steps: stepsOf(w),
    state: w.state,
  };
}

function end(w: World, verdict: Outcome["verdict"], extra: Partial<NonNullable<World["outcome"]>> = {}): void {
  w.outcome = { verdict, delivery: null, line: null, reason: null, rejectWith: null, ...extra };
}

/** Run a world until it ends (returns null) or splits (returns the two worlds). */
function advance(w: World, env: RunInput): [World, World] | null {
  while (!w.outcome) {
    if (w.frames) {
      const forks = stepChain(w, env);
      if (forks) return forks;
      continue;
    }
    const stage = w.plan[w.stage];
    if (!stage) {
      end(w, "uncertain", { reason: "the packet's path ended without a decision" });
      break;
    }
    enterStage(w, stage, env);
  }
  return null;
}

function enterStage(w: World, stage: Stage, env: RunInput): void {
  const p = w.packet;
  switch (stage.kind) {
    case "table": {
      w.stage++;
      if (stage.table === "nat" && !w.natActive) {
        if (w.connection) applyConntrackNat(w, stage.hook);
        return;
      }
      const entry = entryChain(env.dump, stage);
      if (!entry) return;
      w.at = stage;
      w.frames = [entry];
      return;
    }
    case "route":
    case "reroute":
    case "route-local":
      return route(w, stage.kind, env);
    case "after-postrouting": {
      w.stage++;
      if (w.localDestination) {
        // Looped back: the connection is already tracked, so nat is not consulted again.
        p.inInterface = "lo";
        w.natActive = false;
        w.connection = null;
        push(w, { kind: "route", hook: null, table: null, chain: null, line: null, rule: `loopback: ${p.dst}`, matched: true, action: "the packet comes back in on lo (PREROUTING, INPUT; nat is skipped)" });
        continueWith(w, PLANS.loopback);
      } else continueWith(w, PLANS.out);
      return;
    }
    case "deliver-local":
      push(w, { kind: "deliver", hook: null, table: null, chain: null, line: null, rule: `deliver to ${p.dst}:${p.dport}`, matched: true, action: "delivered to a process on this node" });
      end(w, "accepted", { delivery: "local" });
      return;
    case "deliver-out":
      push(w, { kind: "deliver", hook: null, table: null, chain: null, line: null, rule: `send out of ${p.outInterface}`, matched: true, action: `leaves ${p.outInterface} as ${p.src}:${p.sport} -> ${p.dst}:${p.dport}` });
      end(w, "accepted", { delivery: "out" });
      return;
  }
}

/** A routing decision: where the packet goes next (INPUT or FORWARD), or which interface it leaves by, each recorded as a step. */
function route(w: World, kind: "route" | "reroute" | "route-local", env: RunInput): void {
  const p = w.packet;
  w.stage++;
  if (kind === "reroute" && w.routedDst === p.dst) return;
  const r = lookupRoute(env.node, p.dst);
  w.routedDst = p.dst;
  if (r.kind !== "local" && r.kind !== "unicast") {
    push(w, { kind: "route", hook: null, table: null, chain: null, line: null, rule: `route to ${p.dst}`, matched: true, action: `no usable route (${r.kind})` });
    end(w, "dropped", { reason: `no route to ${p.dst} (${r.kind})` });
    return;
  }
  if (kind === "route") {
    if (r.kind === "local") {
      push(w, { kind: "route", hook: null, table: null, chain: null, line: null, rule: `route to ${p.dst}`, matched: true, action: `${p.dst} is this node's own address: deliver locally (INPUT)` });
      continueWith(w, PLANS.input);
    } else {
      if (!env.node.ipForward) {
        end(w, "dropped", { reason: "net.ipv4.ip_forward is off: the node does not forward" });
        return;
      }
      p.outInterface = r.dev;
      push(w, { kind: "route", hook: null, table: null, chain: null, line: null, rule: `route to ${p.dst}`, matched: true, action: `forward out of ${r.dev}${r.route?.via ? ` via ${r.route.via}` : ""} (FORWARD)` });
      continueWith(w, PLANS.forward);
    }
    return;
  }
  w.localDestination = r.kind === "local";
  p.outInterface = r.kind === "local" ? "lo" : r.dev;
  const verb = kind === "reroute" ? "re-route after the destination changed" : "route";
  push(w, { kind: "route", hook: null, table: null, chain: null, line: null, rule: `${verb}: ${p.dst}`, matched: true, action: r.kind === "local" ? `${p.dst} is this node's own address: out of lo` : `out of ${r.dev}${r.route?.via ? ` via ${r.route.via}` : ""}` });
}

/** Conntrack's NAT for packets of a known connection: the nat table is skipped, the recorded translation applied. */
function applyConntrackNat(w: World, hook: Hook): void {
  const nat = recordedNat(w.connection!, w.reply, hook);
  if (!nat) return;
  const p = w.packet;
  if (nat.side === "destination") {
    const from = `${p.dst}:${p.dport}`;
    p.dst = nat.address;
    p.dport = nat.port;
    w.dnat = { line: null, chain: null, hook, target: "conntrack", from, to: `${p.dst}:${p.dport}` };
  } else {
    const from = `${p.src}:${p.sport}`;
    p.src = nat.address;
    p.sport = nat.port;
    w.snat = { line: null, chain: null, hook, target: "conntrack", from, to: `${p.src}:${p.sport}`, interface: p.outInterface, why: nat.why };
  }
  const { from, to } = nat.side === "destination" ? w.dnat! : w.snat!;
  push(w, { kind: "conntrack", hook, table: "nat", chain: null, line: null, rule: `conntrack ${w.reply ? "reply" : "original"} direction`, matched: true, action: `rewrites the ${nat.side} ${from} -> ${to} (the nat table is not consulted again)` });
}

function applyPolicy(w: World, chain: Chain): void {
  const policy = chain.policy ?? "ACCEPT";
  const stage = w.at!;
  push(w, {
    kind: "policy", hook: stage.hook, table: stage.table, chain: chain.name, line: chain.line,
    rule: `:${chain.name} ${policy}`, matched: true, action: `policy ${policy}`,
  });
  w.frames = null;
  if (policy === "DROP") end(w, "dropped", { line: chain.line, reason: `policy DROP of ${stage.table} ${chain.name}` });
}

/** Check the next rule of the current chain; returns two worlds when a random rule splits the run. */
function stepChain(w: World, env: RunInput): [World, World] | null {
  const frames = w.frames!;
  const frame = frames[frames.length - 1];
  const chain = frame.chain;
  if (--w.budget < 0) {
    end(w, "uncertain", { reason: `more than ${MAX_STEPS_PER_WORLD} rule checks for one packet` });
    return null;
  }
  // Long chains (KUBE-SERVICES): go straight to the next rule that can match this packet. The rules
  // skipped fail a -d/-p/--dport check that has no side effect (see chain-index.ts); with `explain` every
  // rule is checked, so each skipped rule is recorded with its reason.
  if (!env.explain && !env.naive) frame.index = nextCandidate(chain, frame.index, w.packet);
  if (frame.index >= chain.rules.length) {
    if (chain.builtin) applyPolicy(w, chain);
    else frames.pop();
    return null;
  }
  const rule = chain.rules[frame.index];
  const d = decideRule(rule, w.packet, w, w.decided, env.explain);
  if (d.kind === "branch") {
    const yes = cloneWorld(w), no = w;
    const q = d.complement;
    yes.probability = multiply(w.probability, d.probability);
    yes.decided.push(true);
    no.probability = multiply(w.probability, q);
    no.decided.push(false);
    yes.pendingBranch = w.pendingBranch ? multiply(w.pendingBranch, d.probability) : d.probability;
    no.pendingBranch = w.pendingBranch ? multiply(w.pendingBranch, q) : q;
    return [yes, no];
  }
  const branchProbability = w.pendingBranch;
  w.pendingBranch = undefined;
  if (w.decided.length > 0) w.decided = [];
  frame.index++;
  const stage = w.at!;
  if (d.kind === "uncertain") {
    push(w, ruleStep(stage, chain, rule, false, `${d.part}: ${d.reason}`));
    end(w, "uncertain", { line: rule.line, reason: `line ${rule.line}: ${d.part}: ${d.reason}` });
    return null;
  }
  if (d.effects.length > 0) applyEffects(w, d.effects, env.now, env.node.recentListSize);
  if (d.kind === "no-match") {
    if (env.explain || branchProbability) {
      const step = ruleStep(stage, chain, rule, false, `${d.part}: ${d.reason}`);
      if (branchProbability) step.probability = branchProbability;
      push(w, step);
    }
    return null;
  }
  applyTarget(w, rule, stage, branchProbability, d.notes, env);
  return null;
}

/** Why MASQUERADE took `address` out of `dev`: the kernel takes the interface's global-scope addresses first. */
export function masqueradeWhy(node: NodeContext, dev: string, address: string | null, nextHop: string | null): string {
  const holder = node.interfaces.find((i) => i.addresses.some((a) => a.address === address));
  if (!address || !holder) return `${dev} and the other interfaces have no global-scope address`;
  if (holder.name === dev) return `first global-scope address of ${dev}${nextHop ? ` for next hop ${nextHop}` : ""}`;
  return `${dev} has no global-scope address (link- and host-scope ones are skipped): the first one of the node, on ${holder.name}`;
}

/** The step record of a rule checked in `chain`. */
function ruleStep(stage: { hook: Hook; table: TableName }, chain: Chain, rule: Rule, matched: boolean, reason?: string): Step {
  // A matched rule's record always gets an action: made with its slot, the object keeps one shape.
  if (matched) return { kind: "rule", hook: stage.hook, table: stage.table, chain: chain.name, line: rule.line, rule: rule.raw, matched, action: "" };
  return { kind: "rule", hook: stage.hook, table: stage.table, chain: chain.name, line: rule.line, rule: rule.raw, matched, reason };
}

export function applyEffects(w: { state: NetState }, effects: Effect[], now: number, listSize: number | undefined): void {
  for (const e of effects) {
    const s = w.state;
    if (e.kind === "recent-set") w.state = { ...s, recent: recentUpdate(s.recent, e.list, e.address, now, 64, listSize) };
    else if (e.kind === "recent-remove") w.state = { ...s, recent: recentRemove(s.recent, e.list, e.address) };
    else if (e.kind === "recent-reap") {
      // xt_recent reaps lazily: only the list's single oldest entry, and only if it is stale.
      const oldest = s.recent.get(e.list)?.[0];
      if (oldest && oldest.stamps[oldest.stamps.length - 1] < now - e.seconds) w.state = { ...s, recent: recentRemove(s.recent, e.list, oldest.address) };
    } else {
      const counters = new Map(s.nthCounters);
      counters.set(e.line, (counters.get(e.line) ?? 0) + 1);
      w.state = { ...s, nthCounters: counters };
    }
  }
}

/** The hook and table a rule is checked in. */
type StageName = { hook: Hook; table: TableName };

/** What a matched rule's target does to the world: its step record, then the target's own step. */
function applyTarget(w: World, rule: Rule, stage: StageName, probability: Fraction | undefined, notes: string[], env: RunInput): void {
  const step = recordMatch(w, rule, stage, probability, notes);
  const target = rule.target;
  if (!target) {
    step.action = "no target: counted only";
    return;
  }
  switch (target.kind) {
    case "jump":
      return jump(w, target, step);
    case "ACCEPT":
      step.action = `ACCEPT: leaves the ${stage.table} table for this hook`;
      w.frames = null;
      return;
    case "DROP": case "REJECT": case "QUEUE":
      return stopHere(w, rule, target, stage, step);
    case "RETURN":
      return returnFromChain(w, step);
    case "MARK":
      return setMark(w, target, step);
    case "CONNMARK":
      return connectionMark(w, target, step);
    case "LOG": case "NFLOG": case "TRACE":
      step.action = `${target.kind}: logged, traversal continues`;
      return;
    case "CT":
      return conntrackTarget(w, target, step);
    case "DNAT": case "REDIRECT":
      return destinationNat(w, rule, target, stage, step, env.node);
    case "SNAT": case "MASQUERADE":
      return sourceNat(w, rule, target, stage, step, env.node);
    case "unsupported":
      step.action = `unsupported target: ${target.text}`;
      end(w, "uncertain", { line: rule.line, reason: `line ${rule.line}: ${target.reason}` });
      return;
  }
}

/** The step record of a matched rule, pushed now and completed by its target with what it did. */
function recordMatch(w: World, rule: Rule, stage: StageName, probability: Fraction | undefined, notes: string[]): Step {
  const step = ruleStep(stage, currentChain(w), rule, true);
  if (probability) step.probability = probability;
  if (notes.length) step.reason = notes.join("; ");
  push(w, step);
  return step;
}

function currentChain(w: World): Chain {
  const frames = w.frames!;
  return frames[frames.length - 1].chain;
}

/** `-j CHAIN` (a new frame) or `-g CHAIN` (replaces the current one: a RETURN goes back past it). */
function jump(w: World, target: JumpTarget, step: Step): void {
  const frames = w.frames!;
  const chains = frames[frames.length - 1].chains;
  const next = { chain: chains.get(target.chain)!, chains, index: 0 };
  step.action = `${target.goto ? "goto" : "jump to"} ${target.chain}`;
  if (target.goto) frames[frames.length - 1] = next;
  else frames.push(next);
}

/** DROP, REJECT and QUEUE: the packet's path ends at this rule. */
function stopHere(w: World, rule: Rule, target: VerdictTarget | RejectTarget, stage: StageName, step: Step): void {
  const at = `line ${rule.line} (${stage.table} ${step.chain})`;
  if (target.kind === "DROP") {
    step.action = "DROP";
    end(w, "dropped", { line: rule.line, reason: `DROP at ${at}` });
  } else if (target.kind === "REJECT") {
    step.action = `REJECT with ${target.rejectWith}`;
    end(w, "rejected", { line: rule.line, reason: `REJECT at ${at}`, rejectWith: target.rejectWith });
  } else {
    step.action = "QUEUE: handed to a userspace program";
    end(w, "uncertain", { line: rule.line, reason: `line ${rule.line}: QUEUE hands the packet to a program whose verdict is unknown` });
  }
}

/** RETURN: back to the calling chain, or the built-in chain's policy when there is none. */
function returnFromChain(w: World, step: Step): void {
  step.action = "RETURN";
  const frames = w.frames!;
  const builtin = frames[0].chain;
  frames.pop();
  if (frames.length === 0) applyPolicy(w, builtin);
}

function setMark(w: World, target: MarkTarget, step: Step): void {
  const p = w.packet;
  const before = p.mark;
  p.mark = applyMark(p.mark, target.value, target.mask);
  step.action = `MARK ${hex(before)} -> ${hex(p.mark)}`;
  step.markBefore = before;
  step.markAfter = p.mark;
}

/** CONNMARK: only --restore-mark changes the packet (the connection's mark into the packet's). */
function connectionMark(w: World, target: ConnmarkTarget, step: Step): void {
  step.action = "CONNMARK (connection mark)";
  if (target.mode !== "restore") return;
  const p = w.packet;
  const before = p.mark;
  const ct = w.connection?.mark ?? 0;
  p.mark = ((p.mark & ~target.nfmask) | (ct & target.ctmask)) >>> 0;
  if (before !== p.mark) {
    step.markBefore = before;
    step.markAfter = p.mark;
  }
}

/** CT: with --notrack the packet is not tracked, so nat is skipped. */
function conntrackTarget(w: World, target: CtTarget, step: Step): void {
  step.action = target.notrack ? "NOTRACK: the packet is not tracked, so nat is skipped" : "CT";
  if (!target.notrack) return;
  w.tracked = false;
  w.natActive = false;
  w.packet.ctstate = "UNTRACKED";
}

/** DNAT to the rule's first address and port; REDIRECT to the node itself (127.0.0.1 from OUTPUT, else the incoming interface's first address). */
function destinationNat(w: World, rule: Rule, target: DnatTarget | RedirectTarget, stage: StageName, step: Step, node: NodeContext): void {
  const p = w.packet;
  const from = `${p.dst}:${p.dport}`;
  if (target.kind === "DNAT") {
    const r = target.ranges[0];
    if (r.minIp) p.dst = r.minIp;
    if (r.minPort !== undefined) p.dport = r.minPort;
  } else {
    p.dst = stage.hook === "OUTPUT" ? "127.0.0.1" : (node.interfaces.find((i) => i.name === p.inInterface)?.addresses[0]?.address ?? p.dst);
    if (target.ports) p.dport = target.ports.min;
  }
  const to = `${p.dst}:${p.dport}`;
  w.dnat = { line: rule.line, chain: step.chain, hook: stage.hook, target: target.kind, from, to };
  step.action = `${target.kind} ${from} -> ${to}`;
  w.frames = null;
}

/** SNAT to the rule's first address and port; MASQUERADE to the address the kernel picks for the outgoing interface. */
function sourceNat(w: World, rule: Rule, target: SnatTarget | MasqueradeTarget, stage: StageName, step: Step, node: NodeContext): void {
  const p = w.packet;
  const from = `${p.src}:${p.sport}`;
  let why: string;
  if (target.kind === "SNAT") {
    const r = target.ranges[0];
    if (r.minIp) p.src = r.minIp;
    if (r.minPort !== undefined) p.sport = r.minPort;
    why = `--to-source ${r.minIp ?? ""}`;
  } else {
    const route = lookupRoute(node, p.dst);
    const address = selectAddress(node, p.outInterface ?? "", route.nextHop);
    if (address) p.src = address;
    if (target.ports) p.sport = target.ports.min;
    why = masqueradeWhy(node, p.outInterface ?? "", address, route.nextHop);
    // The simulator keeps the client's port; say when the kernel would draw a random one instead.
    if (target.randomFully || target.random) why += `; ${target.randomFully ? "--random-fully" : "--random"}: the kernel picks the source port at random (shown here as the client's)`;
  }
  const to = `${p.src}:${p.sport}`;
  w.snat = { line: rule.line, chain: step.chain, hook: stage.hook, target: target.kind, from, to, interface: p.outInterface, why };
  step.action = `${target.kind} ${from} -> ${to} (${why})`;
  w.frames = null;
}
