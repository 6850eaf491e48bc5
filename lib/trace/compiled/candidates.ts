/**
 * The chain index of ../chain-index.ts, in numbers, for the fast path: the
 * same rule keys (ruleKey decides which rules can be left out, and why that
 * is exact), the same look-ups, but built for every long chain when the
 * dump is compiled rather than the first time a trace meets the chain, and
 * looked up by the packet's numbers without building a list per packet.
 *
 * The rules of one key (a chain, a protocol or any, a destination or any,
 * a port or any) are one ascending run of positions in `positions`; a hash
 * table of integers finds a key's run. The next candidate at or after a
 * position is the smallest one found in the runs of the (at most six) keys
 * a packet can meet, each found by binary search: nothing is allocated.
 */
import { indexMinRules, ruleKey } from "../chain-index.js";
import type { CompiledChain } from "./compile.js";
import { protocolCode } from "./protocols.js";

/** A key's tag: its protocol code (0 for any), and whether it takes any destination or any port. */
const ANY_PROTOCOL = 0, ANY_DST = 1 << 8, ANY_PORT = 1 << 9;

/** The index of a compiled dump's long chains. */
export interface CandidateIndex {
  /** The shortest chain indexed (tests index every chain): an index built for another minimum is built again. */
  minRules: number;
  /** Open addressing, four integers per slot: chain id + 1 (0: empty), tag, destination, port; `runs` holds the run's number. */
  slots: Int32Array;
  runs: Int32Array;
  mask: number;
  /** Run r is positions[starts[r] .. starts[r + 1]). */
  starts: Int32Array;
  positions: Int32Array;
}

/**
 * Where a chain stands in the index: not indexed (scan every rule), and which kinds of key its rules have, as
 * bits of KIND_* (a look-up skips the kinds a chain has none of: each probe of the table can miss the cache).
 */
export interface ChainKeys {
  indexed: boolean;
  kinds: number;
}

/** Kinds of key: protocol, destination and port each given or any (the first, all given; the last, all any). */
const KIND_EXACT = 1 << 0, KIND_ANY_PORT = 1 << 1, KIND_ANY_DST = 1 << 2, KIND_PROTOCOL_ONLY = 1 << 3, KIND_DST_ONLY = 1 << 5, KIND_ANY = 1 << 7;

/** The kind bit of a key's tag. */
function kindOf(tag: number): number {
  return 1 << ((tag & 0xff ? 0 : 4) | (tag & ANY_DST ? 2 : 0) | (tag & ANY_PORT ? 1 : 0));
}

function hash(chain: number, tag: number, dst: number, port: number, mask: number): number {
  let h = Math.imul(chain ^ 0x2545f491, 0x9e3779b1) ^ tag;
  h = Math.imul(h ^ dst, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h ^ port, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

/** The slot of a key, or of the empty slot where it would go. */
function slotOf(index: CandidateIndex, chain: number, tag: number, dst: number, port: number): number {
  const slots = index.slots;
  let s = hash(chain, tag, dst, port, index.mask);
  for (;;) {
    const at = s * 4;
    const c = slots[at];
    if (c === 0 || (c === chain + 1 && slots[at + 1] === tag && slots[at + 2] === dst && slots[at + 3] === port)) return s;
    s = (s + 1) & index.mask;
  }
}

/** Index every chain of at least indexMinRules() rules; marks each compiled chain's key kinds. */
export function buildCandidateIndex(chains: readonly CompiledChain[]): CandidateIndex {
  const minRules = indexMinRules();
  // Keys in order of first appearance, each with its positions (ascending, since rules are read in order).
  const keys: { chain: number; tag: number; dst: number; port: number; list: number[] }[] = [];
  const byText = new Map<string, number>();
  for (const c of chains) {
    const own: ChainKeys = (c.keys = { indexed: c.count >= minRules, kinds: 0 });
    if (!own.indexed) continue;
    c.source.rules.forEach((rule, i) => {
      const k = ruleKey(rule);
      if (!k) return;
      const tag = (k.proto === null ? ANY_PROTOCOL : protocolCode(k.proto)) | (k.dst === null ? ANY_DST : 0) | (k.port === null ? ANY_PORT : 0);
      own.kinds |= kindOf(tag);
      const dst = k.dst === null ? 0 : k.dst | 0, port = k.port ?? 0;
      const text = `${c.id} ${tag} ${dst} ${port}`;
      let n = byText.get(text);
      if (n === undefined) {
        byText.set(text, (n = keys.length));
        keys.push({ chain: c.id, tag, dst, port, list: [] });
      }
      keys[n].list.push(i);
    });
  }
  let size = 16;
  while (size < keys.length * 2) size *= 2;
  const index: CandidateIndex = {
    minRules, slots: new Int32Array(size * 4), runs: new Int32Array(size), mask: size - 1,
    starts: new Int32Array(keys.length + 1), positions: new Int32Array(keys.reduce((n, k) => n + k.list.length, 0)),
  };
  let at = 0;
  keys.forEach((k, r) => {
    const s = slotOf(index, k.chain, k.tag, k.dst, k.port);
    index.slots.set([k.chain + 1, k.tag, k.dst, k.port], s * 4);
    index.runs[s] = r;
    index.starts[r] = at;
    index.positions.set(k.list, at);
    at += k.list.length;
  });
  index.starts[keys.length] = at;
  return index;
}

/** The smaller of `best` and the first position at or after `from` in the run of one key (if the chain has that key). */
function firstIn(index: CandidateIndex, chain: number, tag: number, dst: number, port: number, from: number, best: number): number {
  const s = slotOf(index, chain, tag, dst, port);
  if (index.slots[s * 4] === 0) return best;
  const r = index.runs[s];
  const positions = index.positions;
  let lo = index.starts[r], hi = index.starts[r + 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positions[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < index.starts[r + 1] && positions[lo] < best ? positions[lo] : best;
}

/**
 * The position of the first rule of `chain` at or after `from` that can match a packet with this protocol code,
 * destination and destination port (`chain.count` when none can), as nextCandidate (../chain-index.ts) finds it.
 */
export function nextCandidateIn(index: CandidateIndex, chain: CompiledChain, from: number, proto: number, dst: number, dport: number): number {
  const keys = chain.keys;
  if (!keys.indexed) return from;
  const id = chain.id, d = dst | 0, kinds = keys.kinds;
  let best = chain.count;
  // A rule with a port always names its protocol (ruleKey), so "any protocol" keys have no port.
  if (kinds & KIND_EXACT) best = firstIn(index, id, proto, d, dport, from, best);
  if (kinds & KIND_ANY_DST) best = firstIn(index, id, proto | ANY_DST, 0, dport, from, best);
  if (kinds & KIND_ANY_PORT) best = firstIn(index, id, proto | ANY_PORT, d, 0, from, best);
  if (kinds & KIND_PROTOCOL_ONLY) best = firstIn(index, id, proto | ANY_DST | ANY_PORT, 0, 0, from, best);
  if (kinds & KIND_DST_ONLY) best = firstIn(index, id, ANY_PROTOCOL | ANY_PORT, d, 0, from, best);
  if (kinds & KIND_ANY) best = firstIn(index, id, ANY_PROTOCOL | ANY_DST | ANY_PORT, 0, 0, from, best);
  return best;
}
