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

  it("the committed reference run covers every mode at 1k, 5k, 10k and 20k Service ports; a full sync not measured is said why", () => {
    const ref = JSON.parse(readFileSync("data/kernel-bench/reference.json", "utf8"));
    expect(ref.format).toBe("kube-iptables-lab/kernel-bench@1");
    type Entry = { servicePorts: number; mode: string; syncMs: { full: unknown } };
    type Skip = { servicePorts: number; mode: string; what: string; reason: string };
    for (const size of [1000, 5000, 10000, 20000])
      expect(ref.entries.filter((e: Entry) => e.servicePorts === size).map((e: Entry) => e.mode), `${size} Service ports`).toEqual([...KERNEL_MODES]);
    for (const e of ref.entries as Entry[]) {
      const skip = (ref.skipped as Skip[]).filter((s) => s.mode === e.mode && s.servicePorts === e.servicePorts);
      // A full sync is in the file, or a row of skipped says it was stopped, with what it took at a smaller size.
      expect(skip.length, `${e.mode} at ${e.servicePorts}`).toBe(e.syncMs.full === null ? 1 : 0);
      for (const s of skip) {
        expect(s.what).toBe("full sync");
        expect(s.reason).toMatch(/was stopped after \d+ s without finishing/);
      }
    }
    // Each reason is about its own size (an earlier version repeated one size's reason for the next ones).
    const reasons = (ref.skipped as Skip[]).map((s) => `${s.mode} ${s.reason}`);
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it.runIf(availability.ok || required)("a full sync still running at the time limit is stopped and reported, and the rest is measured", async () => {
    if (!availability.ok) throw new Error(`kernel tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const r = await measureKernel({ sizes: [30], modes: ["nftables"], samples: 10, warmup: 1, syncRuns: 2, fullSyncTimeoutMs: 1 });
    expect(r.entries).toHaveLength(1);
    const e = r.entries[0]!;
    expect(e.syncMs.full).toBeNull();
    expect(e.syncMs.endpointChange.n).toBe(2);
    expect(e.connectUs.last.n).toBe(10);
    expect(r.skipped).toEqual([{ mode: "nftables", servicePorts: 30, what: "full sync", reason: expect.stringMatching(/^nft -f - of the whole 0\.\d MB input was stopped after 0 s without finishing/) }]);
    expect(r.method.fullSyncTimeoutMs).toBe(1);
  }, 300_000); // a guard against a hang: a loaded machine (a kernel bench beside it) has taken over 120 s

  it.runIf(availability.ok || required)("runs on a tiny size and writes the reference file's shape", async () => {
    if (!availability.ok) throw new Error(`kernel tests required (KIL_REQUIRE_KERNEL=1) but unavailable: ${availability.reason}`);
    const r = await measureKernel({ sizes: [40], samples: 20, warmup: 2, syncRuns: 2 });
    const ref = JSON.parse(readFileSync("data/kernel-bench/reference.json", "utf8"));
    // The tiny run stops nothing; an entry of it has the shape of a reference entry with a full sync, a stopped one that of the reference's skipped rows.
    expect(r.skipped).toEqual([]);
    const skippedRow = { mode: "nftables", servicePorts: 1, what: "full sync", reason: "" };
    const timed = (ref.entries as { syncMs: { full: unknown } }[]).find((e) => e.syncMs.full !== null);
    expect(shape({ ...r, entries: [r.entries[0]], skipped: [skippedRow] })).toEqual(shape({ ...ref, entries: [timed], skipped: [skippedRow] }));
    for (const s of ref.skipped) expect(shape(s)).toEqual(shape(skippedRow));
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
      expect(e.syncMs.full?.n).toBe(2);
      expect(e.fullSyncBytes).toBeGreaterThan(e.endpointChangeBytes);
    }
    expect(summaryLines(r)).toHaveLength(1 + KERNEL_MODES.length);
  }, 300_000); // a guard against a hang: a loaded machine (a kernel bench beside it) has taken over 120 s
});
