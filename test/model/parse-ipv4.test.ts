// parseIPv4 reads exactly what a split-and-check reader reads.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIPv4 } from "../../lib/index.js";

/** The straightforward reader: four parts of 1-3 digits, each at most 255. */
function reference(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value >>> 0;
}

describe("parseIPv4", () => {
  it("agrees with a split-and-check reader on addresses, near-addresses and noise", () => {
    const quadish = fc.array(fc.constantFrom("0", "1", "9", "25", "255", "256", "300", "010", "0255", "", "a", " ", "-1", "1e2"), { minLength: 1, maxLength: 6 }).map((p) => p.join("."));
    const chars = fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", ".", "x", " ", "/"), maxLength: 18 });
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), quadish, chars, fc.string()), (text) => {
      expect(parseIPv4(text)).toBe(reference(text));
    }), { seed: 7, numRuns: 20000 });
  });

  it("reads the edges", () => {
    expect(parseIPv4("0.0.0.0")).toBe(0);
    expect(parseIPv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIPv4("010.001.000.009")).toBe((10 << 24 | 1 << 16 | 9) >>> 0);
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", "0x1.2.3.4", "1.2.3.0004"]) expect(parseIPv4(bad)).toBeNull();
  });
});
