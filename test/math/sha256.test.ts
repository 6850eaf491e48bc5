import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sha256 } from "../../lib/math/sha256.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sha256", () => {
  it("gives the FIPS 180-4 test vectors", () => {
    expect(hex(sha256(""))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(sha256("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("agrees with node:crypto on any text, across block boundaries and in UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        expect(hex(sha256(s))).toBe(createHash("sha256").update(s, "utf8").digest("hex"));
      }),
      { numRuns: 300, seed: 42 },
    );
    for (let n = 50; n < 140; n++) {
      const s = "x".repeat(n);
      expect(hex(sha256(s))).toBe(createHash("sha256").update(s, "utf8").digest("hex"));
    }
  });
});
