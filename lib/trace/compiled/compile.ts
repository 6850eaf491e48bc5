/**
 * A dump compiled into checks over numbers, for the fast path: addresses
 * and masks as 32-bit integers, ports as numbers, interface names interned
 * as small integers, conntrack states and address types as bit sets, jump
 * targets resolved to chain references, random matches as prepared exact
 * fractions. Built once per dump object, on its first fast trace, and kept
 * in a WeakMap (a program that changes a dump in place calls forgetCompiled).
 *
 * Rules with a match the fast path does not compile (xt_recent, nth
 * counters, ipset, conntrack tuples, ...) keep a reference to the model and
 * are decided by the explaining engine's decideRule, so their semantics
 * (and side effects) come from one place.
 */
import { parseIPv4, type Cidr } from "../../model/address.js";
import type { Chain, Dump, Negatable, Rule, TableName } from "../../model/dump.js";
import type { ConntrackState, Match } from "../../model/matches.js";
import type { Target } from "../../model/targets.js";
import { chainsByName } from "../../model/predicates.js";
import type { Hook } from "../../model/tables.js";
import { chanceOf, type Chance } from "../rule-numbers.js";
import type { TableStage } from "../plans.js";

/** A compiled chain: its rules in order, and where a jump to it goes. */
export interface CompiledChain {
  name: string;
  table: TableName;
  builtin: boolean;
  /** The model's chain (its rules are what the chain index and the explaining engine read). */
  source: Chain;
  rules: CompiledRule[];
}

/** How a header field is checked: not at all, as written, or negated (`!`). */
export const NO_CHECK = 0, CHECK = 1, CHECK_NEGATED = 2;

/** One rule as checks over numbers. */
export interface CompiledRule {
  line: number;
  rule: Rule;
  chain: CompiledChain;
  /** A header check that can never pass (`-f`: simulated packets are never later fragments). */
  never: boolean;
  srcCheck: number;
  srcAddress: number;
  srcMask: number;
  dstCheck: number;
  dstAddress: number;
  dstMask: number;
  inCheck: number;
  /** Interned name for an exact interface, -1 for a `name+` wildcard (then `inPrefix`). */
  inName: number;
  inPrefix: string;
  outCheck: number;
  outName: number;
  outPrefix: string;
  protoCheck: number;
  proto: number;
  /** The compiled matches, comments left out; null when the rule is decided by decideRule. */
  matches: CompiledMatch[] | null;
  target: CompiledTarget;
  /** The Service port this rule belongs to (its chain's, else its own line's), filled by ./services.ts on the first trace. */
  service: string | null;
}

/** Transport protocols as numbers (anything else written in `-p` never equals a simulated packet's). */
export const TCP = 1, UDP = 2, SCTP = 3, OTHER_PROTOCOL = 99;

/** A protocol name as the fast path compares it. */
export function protocolCode(name: string): number {
  return name === "tcp" ? TCP : name === "udp" ? UDP : name === "sctp" ? SCTP : OTHER_PROTOCOL;
}

/** Conntrack states as bits. */
export const CT_BITS: Record<ConntrackState, number> = { INVALID: 1, NEW: 2, RELATED: 4, ESTABLISHED: 8, UNTRACKED: 16, SNAT: 32, DNAT: 64 };

/** Address types as bits, as addressType() names them. */
export const ADDRESS_TYPE_BITS: Record<string, number> = {
  UNSPEC: 1, UNICAST: 2, LOCAL: 4, BROADCAST: 8, ANYCAST: 16, MULTICAST: 32,
  BLACKHOLE: 64, UNREACHABLE: 128, PROHIBIT: 256, THROW: 512, NAT: 1024, XRESOLVE: 2048,
};

/** A compiled match. Port ranges are [min, max] pairs; a missing range is min 0, max -1 with check NO_CHECK. */
export type CompiledMatch =
  | {
      kind: "ports"; proto: number;
      sportCheck: number; sportMin: number; sportMax: number;
      dportCheck: number; dportMin: number; dportMax: number;
      /** TCP flags: checked when flagsCheck is not NO_CHECK. */
      flagsCheck: number; flagsMask: number; flagsComp: number;
    }
  | { kind: "multiport"; direction: "source" | "destination" | "either"; ranges: number[]; invert: boolean }
  | { kind: "mark"; value: number; mask: number; invert: boolean }
  | { kind: "ctstate"; wanted: number; invert: boolean; withNat: boolean }
  | { kind: "addrtype"; srcCheck: number; srcTypes: number; dstCheck: number; dstTypes: number }
  | { kind: "random"; chance: Chance };

/** Target kinds, as numbers for the switch of the fast path. */
export const T_NONE = 0, T_JUMP = 1, T_ACCEPT = 2, T_DROP = 3, T_REJECT = 4, T_QUEUE = 5, T_RETURN = 6, T_MARK = 7,
  T_CONNMARK_RESTORE = 8, T_CONTINUE = 9, T_NOTRACK = 10, T_DNAT = 11, T_REDIRECT = 12, T_SNAT = 13, T_MASQUERADE = 14, T_UNSUPPORTED = 15;

/** A compiled target: its kind, the model's target, and what the fast path needs as numbers. */
export interface CompiledTarget {
  code: number;
  model: Target | null;
  /** T_JUMP: the chain, resolved (undefined when the dump has no such chain: the explaining engine fails there too). */
  chain: CompiledChain | undefined;
  goto: boolean;
  /** T_MARK: value and mask; T_CONNMARK_RESTORE: nfmask and ctmask. */
  value: number;
  mask: number;
  /** DNAT/SNAT: the new address (text and number, null to keep it) and port (-1 to keep it); REDIRECT/MASQUERADE: the port. */
  address: string | null;
  addressValue: number;
  port: number;
  /** SNAT: why the source is what it is (`--to-source ADDRESS`), the same for every packet. */
  why: string;
}

/** A whole dump, compiled. */
export interface CompiledDump {
  /** The built-in chain of each table and hook (`nat PREROUTING`), missing when the dump has none. */
  entries: Map<string, CompiledChain>;
  /** The same by stage of the plans (filled as stages are met), null when the dump has none. */
  byStage: Map<TableStage, CompiledChain | null>;
  /** Interned interface names: name -> number, and back. */
  interfaceIds: Map<string, number>;
  interfaceNames: string[];
  /** What it was built from: a dump whose tables were replaced is compiled again. */
  tables: Dump["tables"];
  tableCount: number;
  rules: number;
  /** Whether each rule's `service` is filled (see ./services.ts). */
  servicesMarked: boolean;
}

const compiledDumps = new WeakMap<Dump, CompiledDump>();

/** The compiled form of a dump, built on first use and kept while the dump lives. */
export function compiledDump(dump: Dump): CompiledDump {
  const known = compiledDumps.get(dump);
  if (known && known.tables === dump.tables && known.tableCount === dump.tables.length) return known;
  const compiled = compileDump(dump);
  compiledDumps.set(dump, compiled);
  return compiled;
}

/** Forget a dump's compiled form (after changing its chains or rules in place). */
export function forgetCompiled(dump: Dump): void {
  compiledDumps.delete(dump);
}

/** The key of a table's built-in chain for a hook in `CompiledDump.entries`. */
export function entryKey(table: TableName, hook: Hook | string): string {
  return `${table} ${hook}`;
}

/** Compile every chain of every table (in two passes: chains first, so jumps resolve to them). */
export function compileDump(dump: Dump): CompiledDump {
  const compiled: CompiledDump = {
    entries: new Map(), byStage: new Map(), interfaceIds: new Map(), interfaceNames: [], tables: dump.tables, tableCount: dump.tables.length, rules: 0, servicesMarked: false,
  };
  for (const table of dump.tables) {
    // The first chain of a name wins, as chainsByName (the explaining engine's look-up) keeps it.
    const byName = new Map<string, CompiledChain>();
    for (const [name, chain] of chainsByName(table)) byName.set(name, { name, table: table.name, builtin: chain.builtin, source: chain, rules: [] });
    for (const c of byName.values()) {
      c.rules = c.source.rules.map((rule) => compileRule(rule, c, byName, compiled));
      compiled.rules += c.rules.length;
      if (c.builtin && !compiled.entries.has(entryKey(table.name, c.name))) compiled.entries.set(entryKey(table.name, c.name), c);
    }
  }
  return compiled;
}

/** The number of an interface name (known names keep theirs; new ones get the next). */
export function internInterface(compiled: CompiledDump, name: string): number {
  let id = compiled.interfaceIds.get(name);
  if (id === undefined) {
    id = compiled.interfaceNames.length;
    compiled.interfaceIds.set(name, id);
    compiled.interfaceNames.push(name);
  }
  return id;
}

function checkOf(n: { invert: boolean } | undefined): number {
  return n === undefined ? NO_CHECK : n.invert ? CHECK_NEGATED : CHECK;
}

function compileRule(rule: Rule, chain: CompiledChain, chains: Map<string, CompiledChain>, compiled: CompiledDump): CompiledRule {
  const ip = rule.ip;
  const src = addressCheck(ip.source);
  const dst = addressCheck(ip.destination);
  const inIf = interfaceCheck(ip.inInterface, compiled);
  const outIf = interfaceCheck(ip.outInterface, compiled);
  const protoCheck = ip.protocol && ip.protocol.value !== "all" ? checkOf(ip.protocol) : NO_CHECK;
  return {
    line: rule.line, rule, chain,
    never: ip.fragment !== undefined && !ip.fragment.invert,
    srcCheck: src.check, srcAddress: src.address, srcMask: src.mask,
    dstCheck: dst.check, dstAddress: dst.address, dstMask: dst.mask,
    inCheck: inIf.check, inName: inIf.name, inPrefix: inIf.prefix,
    outCheck: outIf.check, outName: outIf.name, outPrefix: outIf.prefix,
    protoCheck, proto: protoCheck === NO_CHECK ? 0 : protocolCode(ip.protocol!.value),
    matches: compileMatches(rule.matches),
    target: compileTarget(rule.target, chains),
    service: null,
  };
}

function addressCheck(n: Negatable<Cidr> | undefined): { check: number; address: number; mask: number } {
  if (!n) return { check: NO_CHECK, address: 0, mask: 0 };
  const mask = parseIPv4(n.value.mask)!;
  return { check: checkOf(n), address: (parseIPv4(n.value.address)! & mask) >>> 0, mask };
}

function interfaceCheck(n: Negatable<string> | undefined, compiled: CompiledDump): { check: number; name: number; prefix: string } {
  if (!n) return { check: NO_CHECK, name: -1, prefix: "" };
  if (n.value.endsWith("+")) return { check: checkOf(n), name: -1, prefix: n.value.slice(0, -1) };
  return { check: checkOf(n), name: internInterface(compiled, n.value), prefix: "" };
}

/** The matches as checks, or null when one of them is left to decideRule (then the whole rule is). */
function compileMatches(matches: Match[]): CompiledMatch[] | null {
  const out: CompiledMatch[] = [];
  for (const m of matches) {
    const c = compileMatch(m);
    if (c === null) return null;
    if (c !== "skip") out.push(c);
  }
  return out;
}

function range(r: Negatable<{ min: number; max: number }> | undefined): [number, number, number] {
  return r ? [checkOf(r), r.value.min, r.value.max] : [NO_CHECK, 0, -1];
}

function bits<T extends string>(list: readonly T[], table: Record<string, number>): number {
  let b = 0;
  for (const x of list) b |= table[x] ?? 0;
  return b;
}

function compileMatch(m: Match): CompiledMatch | "skip" | null {
  switch (m.kind) {
    case "comment":
      return "skip";
    case "tcp": case "udp": case "sctp": {
      // Parts the simulator reports as uncertain stay with decideRule.
      if ((m.kind === "tcp" && m.option) || (m.kind === "sctp" && m.chunkTypes)) return null;
      const [sportCheck, sportMin, sportMax] = range(m.sport);
      const [dportCheck, dportMin, dportMax] = range(m.dport);
      const flags = m.kind === "tcp" ? m.flags : undefined;
      return {
        kind: "ports", proto: protocolCode(m.kind), sportCheck, sportMin, sportMax, dportCheck, dportMin, dportMax,
        flagsCheck: checkOf(flags), flagsMask: flags?.value.mask ?? 0, flagsComp: flags?.value.comp ?? 0,
      };
    }
    case "multiport":
      return { kind: "multiport", direction: m.direction, ranges: m.ports.flatMap((r) => [r.min, r.max]), invert: m.invert };
    case "mark":
      return { kind: "mark", value: m.value, mask: m.mask, invert: m.invert };
    case "state":
      return { kind: "ctstate", wanted: bits(m.states.value, CT_BITS), invert: m.states.invert, withNat: false };
    case "conntrack": {
      // Only --ctstate is compiled; a tuple, protocol, direction or status check stays with decideRule.
      const { kind: _, ctstate, ...rest } = m;
      if (Object.values(rest).some((v) => v !== undefined)) return null;
      if (!ctstate) return "skip";
      return { kind: "ctstate", wanted: bits(ctstate.value, CT_BITS), invert: ctstate.invert, withNat: true };
    }
    case "addrtype":
      if (m.limitIfaceIn || m.limitIfaceOut) return null;
      return {
        kind: "addrtype",
        srcCheck: checkOf(m.srcType), srcTypes: m.srcType ? bits(m.srcType.value, ADDRESS_TYPE_BITS) : 0,
        dstCheck: checkOf(m.dstType), dstTypes: m.dstType ? bits(m.dstType.value, ADDRESS_TYPE_BITS) : 0,
      };
    case "statistic":
      return m.mode === "random" ? { kind: "random", chance: chanceOf(m) } : null;
    default:
      return null;
  }
}

function compileTarget(t: Target | null, chains: Map<string, CompiledChain>): CompiledTarget {
  const c: CompiledTarget = { code: T_NONE, model: t, chain: undefined, goto: false, value: 0, mask: 0, address: null, addressValue: 0, port: -1, why: "" };
  if (!t) return c;
  switch (t.kind) {
    case "jump":
      c.code = T_JUMP;
      c.chain = chains.get(t.chain);
      c.goto = t.goto;
      break;
    case "ACCEPT": c.code = T_ACCEPT; break;
    case "DROP": c.code = T_DROP; break;
    case "REJECT": c.code = T_REJECT; break;
    case "QUEUE": c.code = T_QUEUE; break;
    case "RETURN": c.code = T_RETURN; break;
    case "MARK":
      c.code = T_MARK;
      c.value = t.value;
      c.mask = t.mask;
      break;
    case "CONNMARK":
      if (t.mode === "restore") {
        c.code = T_CONNMARK_RESTORE;
        c.value = t.nfmask;
        c.mask = t.ctmask;
      } else c.code = T_CONTINUE;
      break;
    case "LOG": case "NFLOG": case "TRACE":
      c.code = T_CONTINUE;
      break;
    case "CT":
      c.code = t.notrack ? T_NOTRACK : T_CONTINUE;
      break;
    case "DNAT": case "SNAT": {
      c.code = t.kind === "DNAT" ? T_DNAT : T_SNAT;
      const r = t.ranges[0] ?? {};
      if (r.minIp) {
        c.address = r.minIp;
        c.addressValue = parseIPv4(r.minIp) ?? 0;
      }
      if (r.minPort !== undefined) c.port = r.minPort;
      if (c.code === T_SNAT) c.why = `--to-source ${r.minIp ?? ""}`;
      break;
    }
    case "REDIRECT": case "MASQUERADE":
      c.code = t.kind === "REDIRECT" ? T_REDIRECT : T_MASQUERADE;
      if (t.ports) c.port = t.ports.min;
      break;
    case "unsupported":
      c.code = T_UNSUPPORTED;
      break;
  }
  return c;
}
