import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { utf8Length } from "../../lib/math/utf8.js";

describe("utf8Length", () => {
  it("counts as Buffer.byteLength does, surrogates included", () => {
    for (const s of ["", "abc", "é", "中文", "😀", "\ud800", "a\udc00b", "\ud83d\ude00\ud83d"]) expect(utf8Length(s)).toBe(Buffer.byteLength(s, "utf8"));
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 64 }), (s) => utf8Length(s) === Buffer.byteLength(s, "utf8")), { numRuns: 500, seed: 7 });
  });
});
