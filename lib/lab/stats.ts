/**
 * Goodness of fit of the kernel's random choices against the simulator's
 * exact probabilities: an exact two-sided binomial test for two outcomes, a
 * chi-square test otherwise. The kernel's random numbers are not seeded, so
 * a test run can fail by chance: with significance alpha, a correct
 * simulator fails a test with probability at most alpha (the lab uses
 * 1e-6 for a whole run, split evenly over its statistical scenarios).
 */
import { toNumber, type Fraction } from "../math/fraction.js";

/** ln Γ(x) for x > 0 (Lanczos, g=7, n=9; about 15 significant digits). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized upper incomplete gamma function Q(s, x) = Γ(s, x) / Γ(s). */
export function gammaQ(s: number, x: number): number {
  if (x < 0 || s <= 0) throw new RangeError("gammaQ needs s > 0 and x >= 0");
  if (x === 0) return 1;
  const lnPre = -x + s * Math.log(x) - lnGamma(s);
  if (x < s + 1) {
    // Series for P(s, x), bounded.
    let sum = 1 / s, term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // Continued fraction for Q(s, x) (modified Lentz), bounded.
  const tiny = 1e-300;
  let b = x + 1 - s, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnPre) * h;
}

/** P(X >= x) for X chi-square distributed with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** Exact two-sided binomial test: the probability, under p, of a count at most as likely as k out of n. */
export function binomialTwoSided(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) throw new RangeError("binomialTwoSided needs 0 <= k <= n, integers");
  if (p <= 0) return k === 0 ? 1 : 0;
  if (p >= 1) return k === n ? 1 : 0;
  const lnC = (i: number) => lnGamma(n + 1) - lnGamma(i + 1) - lnGamma(n - i + 1);
  const lnPmf = (i: number) => lnC(i) + i * Math.log(p) + (n - i) * Math.log(1 - p);
  const observed = lnPmf(k);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const l = lnPmf(i);
    // Same relative tolerance as R's binom.test, so ties count as "as likely".
    if (l <= observed + 1e-7) total += Math.exp(l);
  }
  return Math.min(1, total);
}

/** The result of a goodness-of-fit test. */
export interface FitResult {
  test: "binomial" | "chi-square";
  /** Total count. */
  n: number;
  /** Chi-square statistic (also reported for the binomial case, for reference). */
  statistic: number;
  df: number;
  pValue: number;
  significance: number;
  /** pValue >= significance: no evidence against the exact probabilities. */
  pass: boolean;
  /** Categories with expected counts below 5 (the chi-square approximation is rough there). */
  smallExpected: string[];
}

/**
 * Test observed counts against exact probabilities (which must sum to 1).
 * Two categories: exact binomial test; more: Pearson's chi-square with k-1
 * degrees of freedom. A category with probability 0 and a count above 0 fails outright.
 */
export function goodnessOfFit(categories: { key: string; count: number; probability: Fraction }[], significance: number): FitResult {
  const n = categories.reduce((s, c) => s + c.count, 0);
  const probs = categories.map((c) => toNumber(c.probability));
  let statistic = 0;
  const smallExpected: string[] = [];
  let impossible = false;
  categories.forEach((c, i) => {
    const e = n * probs[i];
    if (e === 0) {
      if (c.count > 0) impossible = true;
      return;
    }
    if (e < 5) smallExpected.push(c.key);
    statistic += (c.count - e) ** 2 / e;
  });
  const live = categories.filter((_, i) => probs[i] > 0);
  let pValue: number;
  let test: FitResult["test"];
  let df = Math.max(1, live.length - 1);
  if (impossible) {
    pValue = 0;
    test = live.length === 2 ? "binomial" : "chi-square";
  } else if (live.length <= 1) {
    pValue = 1;
    test = "chi-square";
    df = 0;
  } else if (live.length === 2) {
    const i = categories.findIndex((_, j) => probs[j] > 0);
    pValue = binomialTwoSided(categories[i].count, n, probs[i]);
    test = "binomial";
  } else {
    pValue = chiSquareSurvival(statistic, df);
    test = "chi-square";
  }
  return { test, n, statistic, df, pValue, significance, pass: pValue >= significance, smallExpected };
}

/** The smallest x with chiSquareSurvival(x, df) <= alpha (bisection, bounded). */
export function chiSquareCritical(alpha: number, df: number): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 200 && chiSquareSurvival(hi, df) > alpha; i++) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}
