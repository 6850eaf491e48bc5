import { describe, expect, it } from "vitest";
import { binomialTwoSided, chiSquareCritical, chiSquareSurvival, fraction, gammaQ, goodnessOfFit, lnGamma } from "../../lib/index.js";

/** Exact two-sided binomial p-value from exact binomial coefficients (independent of lnGamma). */
function exactBinomial(k: number, n: number, p: number): number {
  const pmf: number[] = [];
  let c = 1;
  for (let i = 0; i <= n; i++) {
    pmf.push(c * p ** i * (1 - p) ** (n - i));
    c = (c * (n - i)) / (i + 1);
  }
  return pmf.filter((x) => x <= pmf[k] * (1 + 1e-7)).reduce((a, b) => a + b, 0);
}

describe("lnGamma and gammaQ", () => {
  it("match known values", () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 8);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14);
    expect(gammaQ(3, 0)).toBe(1);
  });
});

describe("chiSquareSurvival", () => {
  it("matches tabulated critical values", () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(11.070497693516351, 5)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(23.928127, 1) / 1e-6).toBeCloseTo(1, 4);
  });

  it("is exp(-x/2) for two degrees of freedom, far into the tail", () => {
    for (const x of [0.1, 1, 10, 27.6, 60, 200]) expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 10);
  });

  it("inverts to the critical value", () => {
    expect(chiSquareCritical(1e-6, 2)).toBeCloseTo(-2 * Math.log(1e-6), 6);
    expect(chiSquareCritical(0.05, 1)).toBeCloseTo(3.841458820694124, 6);
  });
});

describe("binomialTwoSided", () => {
  it("agrees with the exact sum", () => {
    for (const [k, n, p] of [[5, 10, 0.5], [0, 10, 0.5], [9, 10, 0.5], [1, 10, 0.3], [7, 20, 1 / 3], [240, 500, 0.5], [300, 500, 0.5]] as const)
      expect(binomialTwoSided(k, n, p) / exactBinomial(k, n, p)).toBeCloseTo(1, 8);
    expect(binomialTwoSided(5, 10, 0.5)).toBeCloseTo(1, 12);
    expect(binomialTwoSided(0, 10, 0.5)).toBeCloseTo(2 / 1024, 14);
  });

  it("handles the edges", () => {
    expect(binomialTwoSided(0, 10, 0)).toBe(1);
    expect(binomialTwoSided(1, 10, 0)).toBe(0);
    expect(() => binomialTwoSided(11, 10, 0.5)).toThrow(RangeError);
  });
});

describe("goodnessOfFit", () => {
  const half = fraction(1, 2);
  it("uses the exact binomial test for two outcomes", () => {
    const r = goodnessOfFit([{ key: "a", count: 257, probability: half }, { key: "b", count: 243, probability: half }], 5e-7);
    expect(r).toMatchObject({ test: "binomial", n: 500, df: 1, pass: true });
    expect(r.pValue).toBeCloseTo(exactBinomial(257, 500, 0.5), 10);
  });

  it("fails a clearly unfair split", () => {
    const r = goodnessOfFit([{ key: "a", count: 600, probability: half }, { key: "b", count: 400, probability: half }], 5e-7);
    expect(r.pass).toBe(false);
    expect(r.pValue).toBeLessThan(1e-9);
  });

  it("uses chi-square for three outcomes, with the kernel's exact heketi probabilities", () => {
    const p1 = fraction(715827882, 2 ** 31); // round(0.33333 * 2^31) / 2^31
    const rest = fraction(2 ** 31 - 715827882, 2 ** 32);
    const r = goodnessOfFit([
      { key: "172.16.1.10:1", count: 162, probability: p1 },
      { key: "172.16.1.11:1", count: 162, probability: rest },
      { key: "172.16.1.12:1", count: 176, probability: rest },
    ], 5e-7);
    expect(r).toMatchObject({ test: "chi-square", df: 2, pass: true });
    expect(r.pValue).toBeCloseTo(Math.exp(-r.statistic / 2), 12);
    const skewed = goodnessOfFit([
      { key: "a", count: 250, probability: p1 },
      { key: "b", count: 125, probability: rest },
      { key: "c", count: 125, probability: rest },
    ], 5e-7);
    expect(skewed.pass).toBe(false);
  });

  it("fails outright when an impossible outcome was seen", () => {
    const r = goodnessOfFit([{ key: "a", count: 99, probability: fraction(1) }, { key: "b", count: 1, probability: fraction(0) }], 1e-6);
    expect(r).toMatchObject({ pValue: 0, pass: false });
  });

  it("flags small expected counts", () => {
    const r = goodnessOfFit([{ key: "a", count: 3, probability: half }, { key: "b", count: 5, probability: half }], 1e-6);
    expect(r.smallExpected).toEqual(["a", "b"]);
  });
});
