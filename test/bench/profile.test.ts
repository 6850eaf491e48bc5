import { describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { profileOf, summarizeProfile } from "../../lib/bench/profile.js";

const engine = pathToFileURL(resolve("lib/trace/engine.ts")).href;

describe("summarizeProfile", () => {
  it("sums self time by function, leaves out idle and profiler time, and keeps the largest shares", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)", url: "" } },
        { id: 2, callFrame: { functionName: "stepChain", url: engine } },
        { id: 3, callFrame: { functionName: "stepChain", url: engine } },
        { id: 4, callFrame: { functionName: "(garbage collector)", url: "" } },
        { id: 5, callFrame: { functionName: "(idle)", url: "" } },
        { id: 6, callFrame: { functionName: "", url: "node:internal/x" } },
      ],
      samples: [2, 3, 4, 5, 6, 2],
      timeDeltas: [100, 200, 100, 5000, 100, 100],
    };
    expect(summarizeProfile(profile)).toEqual([
      { name: "stepChain", module: "trace/engine.ts", percent: 66.7 },
      { name: "(anonymous)", module: "node:internal/x", percent: 16.7 },
      { name: "(garbage collector)", module: "", percent: 16.7 },
    ]);
    expect(summarizeProfile(profile, 1)).toHaveLength(1);
  });

  it("profiles real work: a busy function shows up at the top", async () => {
    function spinForAWhile(): number {
      let x = 0;
      const until = performance.now() + 60;
      while (performance.now() < until) for (let i = 0; i < 1000; i++) x = (x + i * i) % 1000003;
      return x;
    }
    const lines = await profileOf(() => void spinForAWhile(), 3);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.name)).toContain("spinForAWhile");
  });
});
