// "Did you mean ...?" for a mistyped command or option.
import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "../../lib/cli/suggest.js";

describe("closestName", () => {
  it("counts insertions, deletions, replacements and swapped neighbours as one edit each", () => {
    expect(editDistance("services", "services")).toBe(0);
    expect(editDistance("servics", "services")).toBe(1);
    expect(editDistance("trcae", "trace")).toBe(1);
    expect(editDistance("diff", "lint")).toBe(3);
  });

  it("suggests the only name a word begins, else the nearest within a third of its length, else nothing", () => {
    const names = ["parse", "services", "simulate", "trace", "diff", "lint"];
    expect(closestName("sim", names)).toBe("simulate");
    expect(closestName("s", names)).toBeUndefined();
    expect(closestName("servce", names)).toBe("services");
    expect(closestName("pars", names)).toBe("parse");
    expect(closestName("frobnicate", names)).toBeUndefined();
    expect(closestName("--jsn", ["--json", "--node"])).toBe("--json");
  });
});
