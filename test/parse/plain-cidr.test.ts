// readCidr's one-pass path for the usual spelling (`a.b.c.d/len`) gives what the full reader gives, and
// leaves every other spelling (octal, hex, masks, host bits, short forms) to it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeCidr, prefixToMask, readPlainCidr } from "../../lib/model/address.js";
import { readIptablesAddress, strtoui } from "../../lib/parse/values.js";

/** The full reader's answer, built the long way: iptables' address reading, then the mask. */
function reference(text: string) {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return null;
  const address = readIptablesAddress(text.slice(0, slash));
  const len = strtoui(text.slice(slash + 1));
  if (address === null || len === null || len > 32) return null;
  return makeCidr(address, prefixToMask(len));
}

describe("readPlainCidr", () => {
  it("agrees with the full reader whenever it answers, and answers for every plain spelling", () => {
    const part = fc.constantFrom("0", "1", "10", "96", "244", "255", "256", "010", "00", "0x1", "");
    const prefix = fc.constantFrom("0", "8", "16", "24", "31", "32", "33", "08", "032", "", "x", "255.0.0.0");
    const text = fc.tuple(fc.array(part, { minLength: 1, maxLength: 5 }), prefix).map(([p, len]) => `${p.join(".")}/${len}`);
    fc.assert(fc.property(fc.oneof(text, fc.ipV4().map((ip) => `${ip}/32`), fc.string()), (t) => {
      const plain = readPlainCidr(t);
      const full = reference(t);
      if (plain !== null) expect(plain).toEqual(full);
      // Printed as iptables-save prints it, the full reader's answer must take the plain path.
      else if (full !== null && t === `${full.address}/${full.prefix}`) expect.fail(`${t} is plain but was left to the full reader`);
    }), { seed: 11, numRuns: 20000 });
  });

  it("leaves octal parts, host bits and dotted masks to the full reader", () => {
    for (const t of ["010.0.0.0/8", "10.0.0.1/8", "10.0.0.0/255.0.0.0", "10/8", "0x0a.0.0.0/8", "10.0.0.0/08"]) expect(readPlainCidr(t)).toBeNull();
    expect(readPlainCidr("10.244.17.200/32")).toEqual({ address: "10.244.17.200", prefix: 32, mask: "255.255.255.255" });
    expect(readPlainCidr("0.0.0.0/0")).toEqual({ address: "0.0.0.0", prefix: 0, mask: "0.0.0.0" });
  });
});
