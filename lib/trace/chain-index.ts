/**
 * A candidate index for long chains. kube-proxy's KUBE-SERVICES is a linear
 * list (two rules per Service port in 2018's style: 20k rules at 10k
 * Services), and the kernel checks it rule by rule. For one packet almost
 * every rule fails on its destination address, protocol or destination port,
 * so the simulator looks those up instead of scanning.
 *
 * Exactness: a rule is left out for a packet only when it certainly does not
 * match AND evaluating it could not have done anything else:
 *
 * - `-d A/32` (not negated), `-p P` (not negated): header checks, which the
 *   kernel (and decideRule) make before any match module and which have no
 *   side effect;
 * - `--dport N` (single port, not negated) of a `-m tcp|udp|sctp` match that
 *   only `-m comment` matches precede: nothing before it can record an
 *   xt_recent address, count an nth packet, split on a random draw or be
 *   uncertain, and a port mismatch ends the rule.
 *
 * Every other rule (no `-d`, a wider or negated `-d`, a port range, matches
 * before the port, ...) stays a candidate for every packet, in its place.
 * Candidates keep rule order, so the engine sees exactly the rules a full
 * scan would act on. Short chains (under 32 rules) are not indexed.
 *
 * The index is built on first use and kept per chain (its rules array and
 * length); a program that replaces rules of a long chain in place (same
 * length) must call forgetIndex(chain).
 */
import { parseIPv4 } from "../model/address.js";
import type { Chain, Rule } from "../model/dump.js";
import type { PacketState } from "./packet.js";

/** Chains with fewer rules than this are scanned rule by rule (the index would not pay off). */
let minRules = 32;

/** The shortest chain that gets an index. */
export function indexMinRules(): number {
  return minRules;
}

/** Change the shortest chain that gets an index (tests use 1 to index every chain); returns the previous value. */
export function setIndexMinRules(n: number): number {
  const previous = minRules;
  minRules = n;
  return previous;
}

// Bucket keys for "any": a protocol name never is `*`, an address is below 2^32 and a port below 65536.
const ANY_PROTOCOL = "*";

interface ChainIndex {
  rules: readonly Rule[];
  length: number;
  /** Protocol (or `*`) -> destination and port as one number (see slot) -> positions of the rules with that key, ascending. */
  buckets: Map<string, Map<number, number[]>>;
  /** Whether any rule has a port key (else the port lookups are skipped). */
  hasPorts: boolean;
  /** Whether any rule has a destination key. */
  hasDestinations: boolean;
  /** The last packet looked up, and its candidates. */
  memo: { dst: string; protocol: string; dport: number; list: number[] } | null;
}

const indexes = new WeakMap<Chain, ChainIndex>();

/** What a rule is looked up by: its one destination address, protocol and destination port (each null when it takes any). */
export interface RuleKey {
  dst: number | null;
  proto: string | null;
  port: number | null;
}

/** The lookup key of a rule, or null when the rule can never match a simulated packet and has no effect (it is never a candidate). */
export function ruleKey(rule: Rule): RuleKey | null {
  const { destination, protocol } = rule.ip;
  let dst: number | null = null;
  if (destination && !destination.invert && destination.value.prefix === 32) dst = parseIPv4(destination.value.address);
  let proto: string | null = null;
  if (protocol && !protocol.invert && protocol.value !== "all") proto = protocol.value;
  let port: number | null = null;
  for (const m of rule.matches) {
    if (m.kind === "comment") continue;
    if ((m.kind === "tcp" || m.kind === "udp" || m.kind === "sctp") && m.dport && !m.dport.invert && m.dport.value.min === m.dport.value.max) {
      // `-p tcp -m udp`: the header wants one protocol, the match another.
      if (proto !== null && proto !== m.kind) return null;
      proto = m.kind;
      port = m.dport.value.min;
    }
    break;
  }
  return { dst, proto, port };
}

const ANY_DST = 2 ** 32, ANY_PORT = 65536;

/** A destination (a 32-bit address, or any) and a port (or any) as one exact number, below 2^49. */
function slot(dst: number, port: number): number {
  return dst * 65537 + port;
}

function build(chain: Chain): ChainIndex {
  const buckets = new Map<string, Map<number, number[]>>();
  let hasPorts = false, hasDestinations = false;
  chain.rules.forEach((rule, i) => {
    const k = ruleKey(rule);
    if (!k) return;
    hasPorts ||= k.port !== null;
    hasDestinations ||= k.dst !== null;
    const proto = k.proto ?? ANY_PROTOCOL;
    let byProto = buckets.get(proto);
    if (!byProto) buckets.set(proto, (byProto = new Map()));
    const key = slot(k.dst ?? ANY_DST, k.port ?? ANY_PORT);
    const list = byProto.get(key);
    if (list) list.push(i);
    else byProto.set(key, [i]);
  });
  return { rules: chain.rules, length: chain.rules.length, buckets, hasPorts, hasDestinations, memo: null };
}

function indexOf(chain: Chain): ChainIndex {
  let idx = indexes.get(chain);
  if (!idx || idx.rules !== chain.rules || idx.length !== chain.rules.length) {
    idx = build(chain);
    indexes.set(chain, idx);
  }
  return idx;
}

/** Forget a chain's index (after changing its rules in place). */
export function forgetIndex(chain: Chain): void {
  indexes.delete(chain);
}

/** Positions of the rules of an indexed chain that can match the packet, ascending. */
function candidates(idx: ChainIndex, p: PacketState): number[] {
  const m = idx.memo;
  if (m && m.dst === p.dst && m.protocol === p.protocol && m.dport === p.dport) return m.list;
  const v = idx.hasDestinations ? parseIPv4(p.dst) : null;
  const lists: number[][] = [];
  const add = (byProto: Map<number, number[]> | undefined, port: number) => {
    if (!byProto) return;
    const exact = v === null ? undefined : byProto.get(slot(v, port));
    const any = byProto.get(slot(ANY_DST, port));
    if (exact) lists.push(exact);
    if (any) lists.push(any);
  };
  const own = idx.buckets.get(p.protocol);
  if (idx.hasPorts) add(own, p.dport);
  add(own, ANY_PORT);
  add(idx.buckets.get(ANY_PROTOCOL), ANY_PORT);
  const list = lists.length === 0 ? [] : lists.length === 1 ? lists[0] : lists.length === 2 ? mergeSorted(lists[0], lists[1]) : lists.flat().sort((a, b) => a - b);
  idx.memo = { dst: p.dst, protocol: p.protocol, dport: p.dport, list };
  return list;
}

/** Two ascending lists of distinct positions as one (the common case: a Service's own rules and the rules for any address). */
function mergeSorted(a: number[], b: number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * The position of the first rule at or after `from` that can match the
 * packet (`chain.rules.length` when none can). Rules in between certainly do
 * not match and would have had no effect. For a short chain, `from` itself.
 */
export function nextCandidate(chain: Chain, from: number, p: PacketState): number {
  if (chain.rules.length < minRules) return from;
  const list = candidates(indexOf(chain), p);
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : chain.rules.length;
}
