/**
 * Exact fractions with BigInt, for probabilities: each statistic rule is
 * n/2^31, and products of such numbers stay exact, so outcome probabilities
 * sum to exactly 1.
 */

/** A non-negative fraction in lowest terms. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  // Probabilities are n/2^31 and products of those: with a power-of-two term the gcd is
  // the lower of it and the other term's lowest set bit, no division needed.
  if (b !== 0n && (b & (b - 1n)) === 0n) {
    if (a === 0n) return b;
    const low = a & -a;
    return low < b ? low : b;
  }
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Build `num/den` in lowest terms. */
export function fraction(num: bigint | number, den: bigint | number = 1n): Fraction {
  let n = BigInt(num), d = BigInt(den);
  if (d === 0n) throw new RangeError("fraction with denominator 0");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { num: n / g, den: d / g };
}

/** 0 and 1. */
export const ZERO: Fraction = { num: 0n, den: 1n };
export const ONE: Fraction = { num: 1n, den: 1n };

/** a + b. */
export function add(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a - b. */
export function subtract(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** a * b. */
export function multiply(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.num, a.den * b.den);
}

/** Whether a equals b. */
export function equals(a: Fraction, b: Fraction): boolean {
  return a.num === b.num && a.den === b.den;
}

/** The sum of a list of fractions. */
export function sum(list: Fraction[]): Fraction {
  return list.reduce(add, ZERO);
}

/** The nearest double. */
export function toNumber(f: Fraction): number {
  // Scale down huge terms before converting, so 2^62-sized denominators keep precision.
  const shift = BigInt(Math.max(0, f.den.toString(2).length - 60));
  return Number(f.num >> shift) / Number(f.den >> shift);
}

/** `num/den` text (`1/2`, `715827883/2147483648`). */
export function formatFraction(f: Fraction): string {
  return f.den === 1n ? `${f.num}` : `${f.num}/${f.den}`;
}

/** Read `num/den` text back. */
export function parseFraction(text: string): Fraction {
  const m = /^([0-9]+)(?:\/([0-9]+))?$/.exec(text.trim());
  if (!m) throw new SyntaxError(`expected a fraction such as 1/2, got '${text}'`);
  return fraction(BigInt(m[1]), BigInt(m[2] ?? "1"));
}

/** A percentage for display, e.g. `33.333%`. */
export function formatPercent(f: Fraction, digits = 3): string {
  return `${(toNumber(f) * 100).toFixed(digits).replace(/\.?0+$/, "")}%`;
}
