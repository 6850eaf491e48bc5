// Module, target and option names that are also names of JavaScript's Object.prototype members.
import { describe, expect, it } from "vitest";
import { parseDump } from "../../lib/index.js";

describe("names that JavaScript objects already have", () => {
  it("are ordinary unknown names, not a crash", () => {
    const r = parseDump("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m toString -j ACCEPT\n-A INPUT -m __proto__ -j ACCEPT\n-A INPUT -j constructor\nCOMMIT\n");
    expect(r.warnings.map((w) => w.message)).toEqual([
      "kept but not modelled: match module 'toString' is not modelled",
      "kept but not modelled: match module '__proto__' is not modelled",
    ]);
    expect(r.errors.map((e) => e.message)).toEqual([
      "-j constructor: no chain called 'constructor' is declared in table filter before this line, and it is not a known target",
    ]);
  });
});
