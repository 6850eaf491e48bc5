/**
 * A dump compiled into checks over numbers, for the fast path. Every rule
 * is one row of 16 integers in one Int32Array (64 bytes: a cache line), the
 * rules of a chain one after another, so a trace that meets a Service's
 * chains for the first time reads a few lines of memory rather than a
 * dozen objects per rule. In a row: addresses and masks as 32-bit integers,
 * interface names and chains as small integers, the protocol as a number,
 * where the rule's matches start and end in a second Int32Array, and the
 * target as a code and two arguments. Whatever a target needs as text or
 * objects (a DNAT address, REJECT's reply, the model's target) is kept in a
 * side list, read only when the rule matches. Random matches refer to
 * prepared exact fractions.
 *
 * Built once per dump object, on its first fast trace (or when bound to a
 * node, ./bind.ts), and kept in a WeakMap (a program that changes a dump in
 * place calls forgetCompiled).
 * Rules with a match the fast path does not compile (xt_recent, nth
 * counters, ipset, conntrack tuples, ...) are flagged and decided by the
 * explaining engine's decideRule on the model's rule, so their semantics
 * (and side effects) come from one place.
 */
import { parseIPv4, type Cidr } from "../../model/address.js";
import type { Chain, Dump, Negatable, Rule, TableName } from "../../model/dump.js";
import type { ConntrackState, Match } from "../../model/matches.js";
import type { Target } from "../../model/targets.js";
import { chainsByName } from "../../model/predicates.js";
import type { Hook } from "../../model/tables.js";
import { chanceOf, type Chance } from "../rule-numbers.js";
import { buildCandidateIndex, type CandidateIndex, type ChainKeys } from "./candidates.js";
import { protocolCode } from "./protocols.js";

export { OTHER_PROTOCOL, SCTP, TCP, UDP, protocolCode } from "./protocols.js";

/** A compiled chain: where its rules are, and what the walk needs to know of it. */
export interface CompiledChain {
  /** Its number (what a jump's row holds). */
  id: number;
  name: string;
  table: TableName;
  builtin: boolean;
  /** The model's chain (its rules are what the chain index and the explaining engine read). */
  source: Chain;
  /** Its rules are rows first .. first + count - 1. */
  first: number;
  count: number;
  /** Whether the candidate index covers it, and which key kinds its rules use (./candidates.ts). */
  keys: ChainKeys;
}

/** Integers per rule row, and what each slot holds. */
export const ROW = 16;
export const R_FLAGS = 0, R_SRC_MASK = 1, R_SRC = 2, R_DST_MASK = 3, R_DST = 4, R_NEGATED = 5, R_IN = 6, R_OUT = 7, R_PROTO = 8,
  R_MATCHES = 9, R_MATCHES_END = 10, R_TARGET = 11, R_ARG = 12, R_ARG2 = 13, R_LINE = 14, R_CHAIN = 15;

/** R_FLAGS: a header check that can never pass (`-f`: simulated packets are never later fragments); decided by decideRule. */
export const F_NEVER = 1, F_MODEL = 2;

/** R_NEGATED: which header checks are written with `!`. */
export const NEG_SRC = 1, NEG_DST = 2, NEG_IN = 4, NEG_OUT = 8, NEG_PROTO = 16;

/**
 * R_IN, R_OUT: no check; or an interned interface name (0 and up); or a `name+` wildcard, as
 * IF_PREFIX - k for the k-th prefix of CompiledDump.prefixes.
 */
export const IF_ANY = -1, IF_PREFIX = -2;

/** How a port range or a TCP flags test of a match is checked: not at all, as written, or negated (`!`). */
export const NO_CHECK = 0, CHECK = 1, CHECK_NEGATED = 2;


/** Conntrack states as bits. */
export const CT_BITS: Record<ConntrackState, number> = { INVALID: 1, NEW: 2, RELATED: 4, ESTABLISHED: 8, UNTRACKED: 16, SNAT: 32, DNAT: 64 };

/** Address types as bits, as addressType() names them. */
export const ADDRESS_TYPE_BITS: Record<string, number> = {
  UNSPEC: 1, UNICAST: 2, LOCAL: 4, BROADCAST: 8, ANYCAST: 16, MULTICAST: 32,
  BLACKHOLE: 64, UNREACHABLE: 128, PROHIBIT: 256, THROW: 512, NAT: 1024, XRESOLVE: 2048,
};

/**
 * Matches, one record after another in CompiledDump.matches, each starting with its kind:
 * - M_PORTS: proto, sport check, min, max, dport check, min, max, TCP flags check, mask, comp;
 * - M_MULTIPORT: direction (MP_SOURCE, MP_DESTINATION, MP_EITHER), negated (0/1), pairs, then min, max of each pair;
 * - M_MARK: value, mask, negated; M_CTSTATE: wanted bits, negated, with the NAT states (0/1);
 * - M_ADDRTYPE: source check, types, destination check, types; M_RANDOM: the chance's number in CompiledDump.chances.
 */
export const M_PORTS = 1, M_MULTIPORT = 2, M_MARK = 3, M_CTSTATE = 4, M_ADDRTYPE = 5, M_RANDOM = 6;
export const MP_SOURCE = 0, MP_DESTINATION = 1, MP_EITHER = 2;

/** Target codes (R_TARGET), and what R_ARG and R_ARG2 hold for each. */
export const T_NONE = 0,
  /** R_ARG: the chain's number (-1 when the dump has none: the explaining engine fails there too); R_ARG2: 1 for `-g`. */
  T_JUMP = 1,
  T_ACCEPT = 2, T_DROP = 3,
  /** R_ARG2: the side target's number (its reply). */
  T_REJECT = 4,
  T_QUEUE = 5, T_RETURN = 6,
  /** R_ARG: value, R_ARG2: mask. */
  T_MARK = 7,
  /** R_ARG: nfmask, R_ARG2: ctmask. */
  T_CONNMARK_RESTORE = 8,
  T_CONTINUE = 9, T_NOTRACK = 10,
  /** R_ARG2: the side target's number (address, port, port mode, reason). */
  T_DNAT = 11, T_REDIRECT = 12, T_SNAT = 13, T_MASQUERADE = 14, T_UNSUPPORTED = 15;

/** What a NAT, REJECT or unsupported target needs beyond numbers; read only when its rule matches. */
export interface SideTarget {
  model: Target;
  /** DNAT/SNAT: the new address (null to keep it), and as a number; REDIRECT/MASQUERADE too: the port (-1 to keep it). */
  address: string | null;
  addressValue: number;
  port: number;
  /** SNAT: why the source is what it is (`--to-source ADDRESS`), the same for every packet. */
  why: string;
  /** MASQUERADE: the port mode (0 plain, 1 --random, 2 --random-fully). */
  portMode: number;
  /** DNAT: `address:port` when both are fixed (its NAT records' `to`); the name of the rule's chain (their `chain`). */
  text: string | null;
  chain: string;
}

/** A whole dump, compiled. */
export interface CompiledDump {
  /** Every rule as a row of ROW integers (see the R_ slots). */
  rows: Int32Array;
  /** The match records the rows point into. */
  matches: Int32Array;
  /** Chains by number, and the built-in chain of each table and hook (`nat PREROUTING`), missing when the dump has none. */
  chains: CompiledChain[];
  entries: Map<string, CompiledChain>;
  /** The same by slot of the plans' table stages (filled as stages are met; null when the dump has none). */
  bySlot: (CompiledChain | null | undefined)[];
  targets: SideTarget[];
  chances: Chance[];
  /** Interned interface names: name -> number, and back; and the prefixes of `name+` wildcards. */
  interfaceIds: Map<string, number>;
  interfaceNames: string[];
  prefixes: string[];
  /** The long chains' candidate index (./candidates.ts). */
  candidates: CandidateIndex;
  /** The Service port of each rule (by row number), filled when the dump is first bound to a node (see ./bind.ts, ./services.ts); null until then. */
  services: (string | null)[] | null;
  /** What it was built from: a dump whose tables were replaced is compiled again. */
  tables: Dump["tables"];
  tableCount: number;
  rules: number;
}

/** A chain's keys until the candidate index is built. */
const UNINDEXED: ChainKeys = { indexed: false, kinds: 0 };

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

/** Compile every chain of every table (in two passes: chains first, so jumps resolve to their numbers). */
export function compileDump(dump: Dump): CompiledDump {
  const chains: CompiledChain[] = [];
  const byTable: Map<string, CompiledChain>[] = [];
  let rules = 0;
  for (const table of dump.tables) {
    // The first chain of a name wins, as chainsByName (the explaining engine's look-up) keeps it.
    const byName = new Map<string, CompiledChain>();
    for (const [name, chain] of chainsByName(table)) {
      const c: CompiledChain = { id: chains.length, name, table: table.name, builtin: chain.builtin, source: chain, first: rules, count: chain.rules.length, keys: UNINDEXED };
      chains.push(c);
      byName.set(name, c);
      rules += chain.rules.length;
    }
    byTable.push(byName);
  }
  const compiled: CompiledDump = {
    rows: new Int32Array(rules * ROW), matches: new Int32Array(0), chains, entries: new Map(), bySlot: [], targets: [], chances: [], candidates: buildCandidateIndex(chains),
    interfaceIds: new Map(), interfaceNames: [], prefixes: [], services: null, tables: dump.tables, tableCount: dump.tables.length, rules,
  };
  const matches: number[] = [0]; // record 0 is never used: a row's match range starts after it
  dump.tables.forEach((table, t) => {
    for (const c of byTable[t].values()) {
      c.source.rules.forEach((rule, i) => writeRule(compiled, (c.first + i) * ROW, rule, c, byTable[t], matches));
      if (c.builtin && !compiled.entries.has(entryKey(table.name, c.name))) compiled.entries.set(entryKey(table.name, c.name), c);
    }
  });
  compiled.matches = Int32Array.from(matches);
  layOutInWalkOrder(compiled);
  return compiled;
}

/**
 * Rows (and their match records) moved into the order a packet's walk meets the chains: each built-in chain,
 * then depth first, in rule order, the chains it jumps to, each where it is first reached; chains nothing
 * reaches last. A Service's chain is then followed by its endpoints' chains, so a trace that meets a Service
 * for the first time reads a few neighbouring lines of memory instead of one line per chain scattered across
 * the dump (iptables-save lists chains by name, not by use). Only `first` of each chain changes.
 */
function layOutInWalkOrder(compiled: CompiledDump): void {
  const { rows, matches, chains } = compiled;
  const order = walkOrder(compiled);
  const laid = new Int32Array(rows.length);
  const laidMatches = new Int32Array(matches.length);
  let at = 0, m = 1; // match record 0 stays unused
  for (const c of order) {
    // Copied integer by integer: a view per chain or per rule would cost more than the copy.
    for (let from = c.first * ROW, row = at * ROW; from < (c.first + c.count) * ROW; from += ROW, row += ROW) {
      for (let k = 0; k < ROW; k++) laid[row + k] = rows[from + k];
      const start = rows[from + R_MATCHES], end = rows[from + R_MATCHES_END];
      laid[row + R_MATCHES] = m;
      for (let k = start; k < end; k++) laidMatches[m++] = matches[k];
      laid[row + R_MATCHES_END] = m;
    }
    c.first = at;
    at += c.count;
  }
  if (order.length !== chains.length) throw new Error("unreachable: a chain was laid out twice or not at all");
  compiled.rows = laid;
  compiled.matches = laidMatches;
}

/** The chains in walk order (see layOutInWalkOrder), read from the rows' jumps. */
function walkOrder(compiled: CompiledDump): CompiledChain[] {
  const { rows, chains } = compiled;
  const placed = new Uint8Array(chains.length);
  const order: CompiledChain[] = [];
  const stack: number[] = []; // pairs: chain id, next row to look at
  const reach = (root: CompiledChain) => {
    if (placed[root.id]) return;
    placed[root.id] = 1;
    order.push(root);
    stack.push(root.id, root.first);
    while (stack.length > 0) {
      const id = stack[stack.length - 2], end = chains[id].first + chains[id].count;
      let row = stack[stack.length - 1];
      let deeper = -1;
      for (; row < end && deeper < 0; row++) {
        const target = rows[row * ROW + R_ARG];
        if (rows[row * ROW + R_TARGET] === T_JUMP && target >= 0 && !placed[target]) deeper = target;
      }
      stack[stack.length - 1] = row;
      if (deeper < 0) stack.length -= 2;
      else {
        placed[deeper] = 1;
        order.push(chains[deeper]);
        stack.push(deeper, chains[deeper].first);
      }
    }
  };
  for (const c of chains) if (c.builtin) reach(c);
  for (const c of chains) reach(c);
  return order;
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

/** One rule's row: header checks, matches, target. */
function writeRule(compiled: CompiledDump, at: number, rule: Rule, chain: CompiledChain, chains: Map<string, CompiledChain>, matches: number[]): void {
  const rows = compiled.rows;
  const ip = rule.ip;
  let negated = 0;
  if (ip.source) {
    const [mask, address] = addressCheck(ip.source.value);
    rows[at + R_SRC_MASK] = mask;
    rows[at + R_SRC] = address;
    if (ip.source.invert) negated |= NEG_SRC;
  }
  if (ip.destination) {
    const [mask, address] = addressCheck(ip.destination.value);
    rows[at + R_DST_MASK] = mask;
    rows[at + R_DST] = address;
    if (ip.destination.invert) negated |= NEG_DST;
  }
  rows[at + R_IN] = interfaceCheck(ip.inInterface, compiled);
  if (ip.inInterface?.invert) negated |= NEG_IN;
  rows[at + R_OUT] = interfaceCheck(ip.outInterface, compiled);
  if (ip.outInterface?.invert) negated |= NEG_OUT;
  if (ip.protocol && ip.protocol.value !== "all") {
    rows[at + R_PROTO] = protocolCode(ip.protocol.value);
    if (ip.protocol.invert) negated |= NEG_PROTO;
  }
  rows[at + R_NEGATED] = negated;
  const start = matches.length;
  const compiledAll = writeMatches(rule.matches, compiled, matches);
  if (!compiledAll) matches.length = start;
  rows[at + R_FLAGS] = (ip.fragment !== undefined && !ip.fragment.invert ? F_NEVER : 0) | (compiledAll ? 0 : F_MODEL);
  rows[at + R_MATCHES] = start;
  rows[at + R_MATCHES_END] = matches.length;
  writeTarget(compiled, at, rule.target, chains, chain.name);
  rows[at + R_LINE] = rule.line;
  rows[at + R_CHAIN] = chain.id;
}

/** `-s`/`-d` as mask and masked address, as int32 (what `&` gives). */
function addressCheck(c: Cidr): [number, number] {
  const mask = parseIPv4(c.mask)! | 0;
  return [mask, parseIPv4(c.address)! & mask];
}

function interfaceCheck(n: Negatable<string> | undefined, compiled: CompiledDump): number {
  if (!n) return IF_ANY;
  if (!n.value.endsWith("+")) return internInterface(compiled, n.value);
  compiled.prefixes.push(n.value.slice(0, -1));
  return IF_PREFIX - (compiled.prefixes.length - 1);
}

/** The matches as records; false when one of them is left to decideRule (then the whole rule is). */
function writeMatches(list: Match[], compiled: CompiledDump, out: number[]): boolean {
  for (const m of list) if (!writeMatch(m, compiled, out)) return false;
  return true;
}

function range(r: Negatable<{ min: number; max: number }> | undefined): number[] {
  return r ? [checkOf(r), r.value.min, r.value.max] : [NO_CHECK, 0, -1];
}

function bits<T extends string>(list: readonly T[], table: Record<string, number>): number {
  let b = 0;
  for (const x of list) b |= table[x] ?? 0;
  return b;
}

const DIRECTIONS = { source: MP_SOURCE, destination: MP_DESTINATION, either: MP_EITHER };

/** One match's record; false when it is left to decideRule. */
function writeMatch(m: Match, compiled: CompiledDump, out: number[]): boolean {
  switch (m.kind) {
    case "comment":
      return true;
    case "tcp": case "udp": case "sctp": {
      // Parts the simulator reports as uncertain stay with decideRule.
      if ((m.kind === "tcp" && m.option) || (m.kind === "sctp" && m.chunkTypes)) return false;
      const flags = m.kind === "tcp" ? m.flags : undefined;
      out.push(M_PORTS, protocolCode(m.kind), ...range(m.sport), ...range(m.dport), checkOf(flags), flags?.value.mask ?? 0, flags?.value.comp ?? 0);
      return true;
    }
    case "multiport":
      out.push(M_MULTIPORT, DIRECTIONS[m.direction], m.invert ? 1 : 0, m.ports.length, ...m.ports.flatMap((r) => [r.min, r.max]));
      return true;
    case "mark":
      out.push(M_MARK, m.value | 0, m.mask | 0, m.invert ? 1 : 0);
      return true;
    case "state":
      out.push(M_CTSTATE, bits(m.states.value, CT_BITS), m.states.invert ? 1 : 0, 0);
      return true;
    case "conntrack": {
      // Only --ctstate is compiled; a tuple, protocol, direction or status check stays with decideRule.
      const { kind: _, ctstate, ...rest } = m;
      if (Object.values(rest).some((v) => v !== undefined)) return false;
      if (ctstate) out.push(M_CTSTATE, bits(ctstate.value, CT_BITS), ctstate.invert ? 1 : 0, 1);
      return true;
    }
    case "addrtype":
      if (m.limitIfaceIn || m.limitIfaceOut) return false;
      out.push(
        M_ADDRTYPE, checkOf(m.srcType), m.srcType ? bits(m.srcType.value, ADDRESS_TYPE_BITS) : 0,
        checkOf(m.dstType), m.dstType ? bits(m.dstType.value, ADDRESS_TYPE_BITS) : 0,
      );
      return true;
    case "statistic":
      if (m.mode !== "random") return false;
      out.push(M_RANDOM, chanceNumber(compiled, chanceOf(m)));
      return true;
    default:
      return false;
  }
}

function chanceNumber(compiled: CompiledDump, chance: Chance): number {
  const known = compiled.chances.indexOf(chance);
  if (known >= 0) return known;
  compiled.chances.push(chance);
  return compiled.chances.length - 1;
}

/** A target that needs text or objects: kept aside, its number in R_ARG2. */
function side(compiled: CompiledDump, model: Target, fields: Partial<SideTarget>): number {
  compiled.targets.push({ model, address: null, addressValue: 0, port: -1, why: "", portMode: 0, text: null, chain: "", ...fields });
  return compiled.targets.length - 1;
}

function writeTarget(compiled: CompiledDump, at: number, t: Target | null, chains: Map<string, CompiledChain>, chain: string): void {
  const rows = compiled.rows;
  let code = T_NONE, arg = 0, arg2 = 0;
  switch (t?.kind) {
    case undefined:
      break;
    case "jump":
      code = T_JUMP;
      arg = chains.get(t.chain)?.id ?? -1;
      arg2 = t.goto ? 1 : 0;
      break;
    case "ACCEPT": code = T_ACCEPT; break;
    case "DROP": code = T_DROP; break;
    case "REJECT": code = T_REJECT; arg2 = side(compiled, t, { chain }); break;
    case "QUEUE": code = T_QUEUE; break;
    case "RETURN": code = T_RETURN; break;
    case "MARK":
      code = T_MARK;
      arg = t.value | 0;
      arg2 = t.mask | 0;
      break;
    case "CONNMARK":
      if (t.mode === "restore") {
        code = T_CONNMARK_RESTORE;
        arg = t.nfmask | 0;
        arg2 = t.ctmask | 0;
      } else code = T_CONTINUE;
      break;
    case "LOG": case "NFLOG": case "TRACE":
      code = T_CONTINUE;
      break;
    case "CT":
      code = t.notrack ? T_NOTRACK : T_CONTINUE;
      break;
    case "DNAT": case "SNAT": {
      code = t.kind === "DNAT" ? T_DNAT : T_SNAT;
      const r = t.ranges[0] ?? {};
      const address = r.minIp || null, port = r.minPort ?? -1;
      arg2 = side(compiled, t, {
        address, addressValue: address ? parseIPv4(address) ?? 0 : 0, port, why: `--to-source ${r.minIp ?? ""}`,
        text: address && port >= 0 ? `${address}:${port}` : null, chain,
      });
      break;
    }
    case "REDIRECT": case "MASQUERADE":
      code = t.kind === "REDIRECT" ? T_REDIRECT : T_MASQUERADE;
      arg2 = side(compiled, t, { port: t.ports ? t.ports.min : -1, portMode: t.kind === "MASQUERADE" ? (t.randomFully ? 2 : t.random ? 1 : 0) : 0, chain });
      break;
    case "unsupported":
      code = T_UNSUPPORTED;
      arg2 = side(compiled, t, { chain });
      break;
  }
  rows[at + R_TARGET] = code;
  rows[at + R_ARG] = arg;
  rows[at + R_ARG2] = arg2;
}
