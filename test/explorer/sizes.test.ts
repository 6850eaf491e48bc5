// The worker's progress names a dump's size in a unit that fits it: a small dump is not "0.0 million characters".
import { afterEach, describe, expect, it } from "vitest";
import { byteSize, characterCount } from "../../explorer/sizes.js";
import { EXPLORER_TEMPLATES_ZH_CN } from "../../explorer/zh-CN.js";
import { addPhrases, phraseIn, setLanguage } from "../../lib/i18n/language.js";

addPhrases("zh-CN", EXPLORER_TEMPLATES_ZH_CN, "explorer/zh-CN.ts", { sentences: false });
afterEach(() => setLanguage("en"));

describe("a dump's size in words", () => {
  it("counts characters in ones, thousands or millions, never rounding to zero", () => {
    expect(characterCount(0)).toBe("0 characters");
    expect(characterCount(1)).toBe("1 character");
    expect(characterCount(812)).toBe("812 characters");
    expect(characterCount(1000)).toBe("1.0 thousand characters");
    // The wordpress dump is about 17 thousand characters.
    expect(characterCount(16_782)).toBe("17 thousand characters");
    expect(characterCount(9_949)).toBe("9.9 thousand characters");
    expect(characterCount(999_499)).toBe("999 thousand characters");
    expect(characterCount(999_960)).toBe("1.0 million characters");
    expect(characterCount(12_345_678)).toBe("12 million characters");
  });

  it("gives a file's bytes as bytes, kB or MB", () => {
    expect(byteSize(1)).toBe("1 byte");
    expect(byteSize(730)).toBe("730 bytes");
    expect(byteSize(43_210)).toBe("43 kB");
    expect(byteSize(3_456_789)).toBe("3.5 MB");
  });

  it("says the same in Chinese", () => {
    setLanguage("zh-CN");
    expect(characterCount(812)).toBe("812 个字符");
    expect(characterCount(16_782)).toBe("17 千个字符");
    expect(characterCount(3_400_000)).toBe("3.4 百万个字符");
    expect(byteSize(730)).toBe("730 字节");
    expect(byteSize(43_210)).toBe("43 kB");
  });

  it("does not turn another message that ends in 'characters' half Chinese", () => {
    expect(phraseIn("zh-CN", "a comment longer than 256 characters")).toBe("a comment longer than 256 characters");
  });
});
