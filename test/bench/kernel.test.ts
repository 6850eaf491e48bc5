// The kernel measurement (`npm run kernel-bench`) on a tiny size: it runs in network
// namespaces, every connection is answered, and what it returns has the shape of the
// committed reference run (data/kernel-bench/reference.json), so the lesson that reads that
// file reads what the command writes. Needs root, iptables-legacy, iptables-nft and nft;
// skipped with one line without them unless KIL_REQUIRE_KERNEL=1.
// Runtime on the 2-core development machine: 20 to 60 s, depending on what else runs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KERNEL_MODES, measureKernel, sampleStats } from "../../lib/bench/kernel.js";
import { summaryLines } from "../../lib/bench/kernel-main-lines.js";
import { netnsAvailable } from "../../lib/lab/netns.js";

const availability = netnsAvailable();
const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!availability.ok && !required) console.warn(`kernel-bench test skipped: ${availability.reason}`);

/** The shape of a JSON value: object keys (recursively), array element shapes, value types. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

describe("kernel-bench", () => {
  it("sampleStats: median and nearest-rank 99th percentile", () => {
    expect(sampleStats([5, 1, 3])).toEqual({ median: 3, p99: 5, n: 3 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(sampleStats(hundred)).toEqual({ median: 50.5, p99: 99, n: 100 });
    expect(() => sampleStats([])).toThrow(/no samples/);
  });

  it("the committed reference run covers every mode at 1k to 20k Service ports", () => {
    const ref = JSON.parse(readFileSync("data/kernel-bench/reference.json", "utf8"));
    expect(ref.format).toBe("kube-iptables-lab/kernel-bench@1");
    const sizes = [...new Set(ref.entries.map((e: { servicePorts: number }) => e.servicePorts))];
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    type Row = { servicePorts: number; mode: string };
    for (const size of sizes) {
      const measured = ref.entries.filter((e: Row) => e.servicePorts === size).map((e: Row) => e.mode);
      const skipped = ref.skipped.filter((e: Row) => e.servicePorts === size).map((e: Row) => e.mode);
      expect([...measured, ...skipped].sort(), `${size} Service ports: every mode measured or skipped with a reason`).toEqual([...KERNEL_MODES].sort());
    }
    expect(ref.entries.filter((e: Row) => e.servicePorts === 1000).map((e: Row) => e.mode)).toEqual([...KERNEL_MODES]);
    for (const s of ref.skipped) expect(s.reason).toMatch(/took/);
  });

  it.runIf(availability.ok || required)("runs on a tiny size and writes the reference file's shape", async () => {
    if (!availability.ok) throw new Error(`kernel tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const r = await measureKernel({ sizes: [40], samples: 20, warmup: 2, syncRuns: 2 });
    const ref = JSON.parse(readFileSync("data/kernel-bench/reference.json", "utf8"));
    // The tiny run skips nothing; the reference's skipped rows have the shape of this one.
    expect(r.skipped).toEqual([]);
    expect(shape({ ...r, skipped: [{ mode: "nftables", servicePorts: 1, reason: "" }] })).toEqual(shape({ ...ref, skipped: [{ mode: "nftables", servicePorts: 1, reason: "" }] }));
    for (const s of ref.skipped) expect(shape(s)).toEqual(shape({ mode: "nftables", servicePorts: 1, reason: "" }));
    expect(r.entries.map((e) => e.mode)).toEqual([...KERNEL_MODES]);
    for (const e of r.entries) {
      expect(e.servicePorts).toBe(40);
      // The baseline's timer makes as many connections per round as the node's (three targets).
      expect(e.connectUs.baseline.n).toBe(60);
      for (const s of [e.connectUs.baseline, e.connectUs.first, e.connectUs.last, e.connectUs.nodePort]) {
        if (s !== e.connectUs.baseline) expect(s.n).toBe(20);
        expect(s.median).toBeGreaterThan(0);
        expect(s.p99).toBeGreaterThanOrEqual(s.median);
      }
      expect(e.syncMs.full.n).toBe(2);
      expect(e.fullSyncBytes).toBeGreaterThan(e.endpointChangeBytes);
    }
    expect(summaryLines(r)).toHaveLength(1 + KERNEL_MODES.length);
  }, 120_000);
});
