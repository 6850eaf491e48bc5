/**
 * Rules made ready for checking many packets. The model keeps what the dump
 * says (addresses as text, jump targets by name, probabilities as kernel
 * integers); a trace at scale checks the same rules thousands of times, so
 * each chain is prepared once, on first use:
 *
 * - `-s`/`-d` as 32-bit numbers and masks, compared without parsing text;
 * - the chain a jump or goto enters, found once instead of at every jump;
 * - each `-m statistic --mode random` as its exact fraction and complement,
 *   with the match's text for the step record.
 *
 * A prepared chain is kept per chain (its rules array and length, like the
 * chain index); a program that edits a chain's rules in place after tracing
 * through it must call forgetPrepared(chain).
 */
import { parseIPv4, type Cidr } from "../model/address.js";
import type { Chain, Negatable, Rule, Table } from "../model/dump.js";
import { findChain } from "../model/predicates.js";
import { formatMatch } from "../format/matches.js";
import { fraction, ONE, subtract, type Fraction } from "../math/fraction.js";

/** `-s`/`-d` as numbers: the packet's address matches when `(address & mask) === value`, unless inverted. */
export interface AddressCheck {
  value: number;
  mask: number;
  invert: boolean;
}

/** One random statistic match: the chance the rule's draw falls under it, and the complement. */
export interface Chance {
  yes: Fraction;
  no: Fraction;
  /** The match as written (`-m statistic --mode random --probability 0.5`). */
  text: string;
}

/** A rule with what a trace checks repeatedly worked out once. */
export interface PreparedRule {
  rule: Rule;
  source: AddressCheck | null;
  destination: AddressCheck | null;
  /** The chain a jump or goto enters (null for other targets, and for a jump to a chain the table lacks). */
  enters: Chain | null;
  /** Its prepared form, once a packet has taken the jump. */
  next: PreparedChain | null;
  /** By match position: the random statistic match's chance, else null. Null when the rule has none. */
  chances: (Chance | null)[] | null;
}

/** A chain whose rules are prepared on first use, in order (KUBE-SERVICES is long and a packet meets few of its rules). */
export interface PreparedChain {
  chain: Chain;
  table: Table;
  rules: (PreparedRule | undefined)[];
  /** The chain's rules array and length when prepared: a prepared chain is used only while they are unchanged. */
  source: readonly Rule[];
  length: number;
}

// One map per table rather than one weak entry per chain: tens of thousands of weak entries slow every full GC.
const preparedChains = new WeakMap<Table, Map<Chain, PreparedChain>>();
// kube-proxy writes few distinct probabilities (1/n for each endpoint count), so their exact fractions are shared.
const chances = new Map<number, Chance>();

function addressCheck(n: Negatable<Cidr> | undefined): AddressCheck | null {
  if (!n) return null;
  const mask = parseIPv4(n.value.mask)!;
  return { value: (parseIPv4(n.value.address)! & mask) >>> 0, mask, invert: n.invert };
}

// The last two packet addresses read: a trace checks the same source and destination against many rules.
let lastText = "", lastValue = 0, otherText = "", otherValue = 0;

/** A packet's dotted-quad address as a number (the simulator only makes packets with valid addresses). */
export function packetAddress(text: string): number {
  if (text === lastText) return lastValue;
  if (text === otherText) return otherValue;
  otherText = lastText;
  otherValue = lastValue;
  lastText = text;
  lastValue = parseIPv4(text)!;
  return lastValue;
}

/** Whether a packet address passes an address check. */
export function passesAddress(check: AddressCheck, address: number): boolean {
  return (((address & check.mask) >>> 0) === check.value) !== check.invert;
}

/** Prepare one rule of `table`. */
export function prepareRule(table: Table, rule: Rule): PreparedRule {
  const shared = chances;
  let found: (Chance | null)[] | null = null;
  for (let i = 0; i < rule.matches.length; i++) {
    const m = rule.matches[i];
    if (m.kind !== "statistic" || m.mode !== "random") continue;
    const key = m.probability.kernel * 2 + (m.invert ? 1 : 0);
    let chance = shared.get(key);
    if (!chance) {
      let yes = fraction(m.probability.kernel, 0x80000000);
      if (m.invert) yes = subtract(ONE, yes);
      chance = { yes, no: subtract(ONE, yes), text: formatMatch(m).trim() };
      shared.set(key, chance);
    }
    found ??= rule.matches.map(() => null);
    found[i] = chance;
  }
  const target = rule.target;
  return {
    rule,
    source: addressCheck(rule.ip.source),
    destination: addressCheck(rule.ip.destination),
    enters: target?.kind === "jump" ? findChain(table, target.chain) ?? null : null,
    next: null,
    chances: found,
  };
}

/** The prepared form of `chain` (a chain of `table`), built on first use. */
export function preparedChain(table: Table, chain: Chain): PreparedChain {
  let byChain = preparedChains.get(table);
  if (!byChain) preparedChains.set(table, (byChain = new Map()));
  const known = byChain.get(chain);
  if (known && known.source === chain.rules && known.length === chain.rules.length) return known;
  const p: PreparedChain = { chain, table, rules: new Array<PreparedRule | undefined>(chain.rules.length), source: chain.rules, length: chain.rules.length };
  byChain.set(chain, p);
  return p;
}

/** The prepared chain a prepared rule jumps or goes to. */
export function enteredChain(from: PreparedChain, rule: PreparedRule): PreparedChain {
  const next = rule.next;
  if (next && next.source === next.chain.rules && next.length === next.chain.rules.length) return next;
  return (rule.next = preparedChain(from.table, rule.enters!));
}

/** The prepared form of the chain's rule at `index`. */
export function preparedRule(c: PreparedChain, index: number): PreparedRule {
  return (c.rules[index] ??= prepareRule(c.table, c.chain.rules[index]));
}

/** Forget a chain's prepared form (after changing its rules in place). */
export function forgetPrepared(table: Table, chain: Chain): void {
  preparedChains.get(table)?.delete(chain);
}
