/**
 * Small, allocation-free helpers for the checks a trace repeats most: a
 * packet's address as a number, `-s`/`-d` compared as numbers, and the
 * exact chance of a random statistic match.
 *
 * Nothing is kept per rule. Keeping a prepared copy of every rule a trace
 * meets made the heap grow with every new Service, and on a 10k-Service
 * dump collecting that heap cost more than working the numbers out again.
 * Only the fractions, the costly part, are kept: kube-proxy writes few
 * distinct probabilities.
 */
import { cidrContains, parseIPv4, type Cidr } from "../model/address.js";
import type { Negatable } from "../model/dump.js";
import type { StatisticRandomMatch } from "../model/matches.js";
import { formatMatch } from "../model/match-text.js";
import { fraction, ONE, subtract, type Fraction } from "../math/fraction.js";

/** A random statistic match: the chance the rule's draw falls under it, and the complement. */
export interface Chance {
  yes: Fraction;
  no: Fraction;
  /** The match as written (`-m statistic --mode random --probability 0.5`). */
  text: string;
  /** Whether both denominators are powers of two above 1 (then both numerators are odd: products need no reduction). */
  dyadic: boolean;
}

const chances = new Map<number, Chance>();

/** The exact chance of a random statistic match (1/n for kube-proxy's n-th endpoint from the end). */
export function chanceOf(m: StatisticRandomMatch): Chance {
  const key = m.probability.kernel * 2 + (m.invert ? 1 : 0);
  let chance = chances.get(key);
  if (!chance) {
    let yes = fraction(m.probability.kernel, 0x80000000);
    if (m.invert) yes = subtract(ONE, yes);
    const no = subtract(ONE, yes);
    chance = { yes, no, text: formatMatch(m).trim(), dyadic: isDyadic(yes) && isDyadic(no) };
    chances.set(key, chance);
  }
  return chance;
}

/** A fraction in lowest terms whose denominator is a power of two above 1. */
function isDyadic(f: Fraction): boolean {
  return f.den > 1n && (f.den & (f.den - 1n)) === 0n;
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

/** Whether an address (as a number) passes `-s`/`-d` as written in the rule, `!` included. */
export function passesAddress(n: Negatable<Cidr>, address: number): boolean {
  return cidrContains(n.value, address) !== n.invert;
}
