/**
 * The kernel's statistic probabilities: xt_statistic keeps `p` as the
 * integer `round(p * 2^31)`, and iptables-save prints that integer back
 * with 11 decimals. Shared by the parser, the formatter and the generator.
 */

/** 2^31, the scale of the kernel's statistic probabilities. */
export const PROBABILITY_SCALE = 0x80000000;

/** The integer the kernel keeps for probability `p` (0 to 1), as libxt_statistic computes it: `lround(p * 2^31)`. */
export function kernelProbability(p: number): number {
  // p * 2^31 is exact in binary floating point, so this is the kernel's lround().
  return Math.round(p * PROBABILITY_SCALE);
}

/**
 * Print `kernel / 2^31` with 11 decimals exactly as C's printf("%.11f") does
 * (round half to even on the exact binary value), using integers only.
 */
export function formatProbability(kernel: number): string {
  const scaled = BigInt(kernel) * 10n ** 11n;
  const den = BigInt(PROBABILITY_SCALE);
  let q = scaled / den;
  const r = scaled % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(12, "0");
  return `${digits.slice(0, -11)}.${digits.slice(-11)}`;
}
