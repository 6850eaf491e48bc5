// statistic probabilities: the kernel keeps round(p * 2^31); iptables-save prints that back with glibc's %.11f.
import { describe, expect, it } from "vitest";
import { formatProbability } from "../../lib/index.js";
import { one } from "./support.js";

const SCALE = 2 ** 31;

describe("formatProbability", () => {
  it("prints kube-proxy's values as the 2018 dump shows them", () => {
    expect(formatProbability(715820724)).toBe("0.33332999982");
    expect(formatProbability(1073741824)).toBe("0.50000000000");
  });

  it("rounds an exact tie half to even, as glibc does (not as toFixed does)", () => {
    // 524288 / 2^31 = 2^-12 = 0.000244140625 exactly: the 12th decimal is a 5 with nothing after it.
    expect(formatProbability(524288)).toBe("0.00024414062");
    expect((524288 / SCALE).toFixed(11)).toBe("0.00024414063");
    expect(formatProbability(3 * 524288)).toBe("0.00073242188");
    expect(formatProbability(5 * 524288)).toBe("0.00122070312");
  });

  it("prints the ends of the range", () => {
    expect(formatProbability(0)).toBe("0.00000000000");
    expect(formatProbability(SCALE)).toBe("1.00000000000");
    expect(formatProbability(1)).toBe("0.00000000047");
  });

  it("matches iptables 1.8.9 on the values measured in test/fixtures/kernel (given -> printed)", () => {
    const measured: [string, string][] = [
      ["0.5", "0.50000000000"], ["0.33333", "0.33332999982"], ["0.3333333333", "0.33333333349"], ["0.33333333333", "0.33333333349"],
      ["0.25", "0.25000000000"], ["0.000244140625", "0.00024414062"], ["0.000732421875", "0.00073242188"], ["0.001220703125", "0.00122070312"],
      ["1", "1.00000000000"], ["1.0", "1.00000000000"], ["0", "0.00000000000"], ["0.0", "0.00000000000"], ["0.2", "0.20000000019"],
      ["0.1", "0.10000000009"], ["0.75", "0.75000000000"], ["0.9999999999", "1.00000000000"], ["0.99999999999", "1.00000000000"],
      ["0.00000000001", "0.00000000000"], ["0.0000000004", "0.00000000047"], ["0.0000000005", "0.00000000047"], ["0.50000000000", "0.50000000000"],
      ["0.33332999982", "0.33332999982"], ["0.16666666666", "0.16666666651"], ["0.1428571429", "0.14285714272"], ["0.0769230769", "0.07692307699"],
      [".5", "0.50000000000"], ["0.500000000001", "0.50000000000"],
    ];
    for (const [given, printed] of measured) {
      const r = one(`-A INPUT -m statistic --mode random --probability ${given} -j ACCEPT`);
      expect(r.errors).toEqual([]);
      expect(r.printed).toBe(`-A INPUT -m statistic --mode random --probability ${printed} -j ACCEPT`);
    }
  });

  it("is a fixed point: a printed value reads back to the same kernel value", () => {
    for (let kernel = 0; kernel <= SCALE; kernel += 7919 * 1031) {
      const printed = formatProbability(kernel);
      const r = one(`-A INPUT -m statistic --mode random --probability ${printed} -j ACCEPT`);
      const m = r.rule!.matches[0];
      expect(m.kind === "statistic" && m.mode === "random" && m.probability.kernel).toBe(kernel);
    }
  });
});

describe("--probability as read", () => {
  it("keeps the printed text, the kernel value round(p * 2^31) and its value", () => {
    const m = one("-A INPUT -m statistic --mode random --probability 0.33332999982 -j ACCEPT").rule!.matches[0];
    expect(m).toMatchObject({ probability: { printed: "0.33332999982", kernel: 715820724, value: 715820724 / SCALE } });
  });

  it("refuses text that is not a number between 0 and 1", () => {
    for (const bad of ["abc", "-0.5", "1.0000001", "0x1", "1/2"]) {
      expect(one(`-A INPUT -m statistic --mode random --probability ${bad} -j ACCEPT`).errors).toHaveLength(1);
    }
  });
});
