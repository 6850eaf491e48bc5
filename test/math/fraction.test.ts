import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fraction, multiply, subtract, ONE } from "../../lib/math/fraction.js";

/** Lowest terms the textbook way, to check the shortcut for power-of-two denominators against. */
function reference(num: bigint, den: bigint): { num: bigint; den: bigint } {
  let a = num < 0n ? -num : num, b = den;
  while (b !== 0n) [a, b] = [b, a % b];
  const g = a || 1n;
  return { num: num / g, den: den / g };
}

describe("fraction", () => {
  it("reduces n/2^k exactly as Euclid's algorithm does", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }), fc.integer({ min: 0, max: 96 }), (n, k) => {
        expect(fraction(n, 1n << BigInt(k))).toEqual(reference(n, 1n << BigInt(k)));
      }),
      { numRuns: 2000 },
    );
  });

  it("reduces other denominators too", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 70n }), fc.bigInt({ min: 1n, max: 1n << 70n }), (n, d) => {
        expect(fraction(n, d)).toEqual(reference(n, d));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps kube-proxy's probabilities exact through products and complements", () => {
    const third = fraction(715827883n, 2147483648n);
    const rest = subtract(ONE, third);
    expect(rest).toEqual({ num: 1431655765n, den: 2147483648n });
    expect(multiply(rest, fraction(1073741824n, 2147483648n))).toEqual({ num: 1431655765n, den: 4294967296n });
    expect(fraction(0n, 1n << 31n)).toEqual({ num: 0n, den: 1n });
    expect(fraction(1n << 31n, 1n << 31n)).toEqual({ num: 1n, den: 1n });
  });
});
