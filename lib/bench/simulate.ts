/**
 * The simulation benchmark: `simulationEvents` over 10k and 100k seeded
 * connections through a generated 1k-Service dump (5% ClientIP affinity),
 * each size in a fresh process for its peak memory. Linear means the cost
 * per connection stays the same from 10k to 100k; bounded means the memory
 * follows what is alive (conntrack entries until they expire, xt_recent
 * lists of at most `recentListSize` addresses), not the number of
 * connections seen.
 *
 *   node dist/bench/simulate.js [--connections 10000,100000]
 * (`npm run bench` runs it too, after the parse and trace sizes.)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateCluster } from "../generate/generate.js";
import { loadNodeContext } from "../node/context.js";
import { parseDump } from "../parse/parser.js";
import { services as readServices } from "../services/catalog.js";
import { createRandom } from "../math/random.js";
import { simulationEvents, type TimedConnection } from "../trace/simulate.js";
import type { Protocol } from "../trace/packet.js";
import { reachable } from "./workload.js";

const SEED = 1;
/** Distinct client addresses: far more than an xt_recent list holds, so lists fill up and evict. */
const CLIENTS = 20_000;
/** Seconds between connections: 100k connections span 500 s, several conntrack lifetimes. */
const GAP = 0.005;
/** What 100k connections may take, peak RSS growth over the process's baseline. */
export const SIMULATE_MEMORY_TARGET_MB = 300;
/**
 * V8 collects lazily: with its default heap sizing, peak RSS follows the
 * garbage it has not yet collected as much as what is alive. The largest size
 * also runs with the old generation limited to this many MB, which shows what
 * the simulation needs (a run that kept every connection would not finish).
 */
const LIMITED_HEAP_MB = 128;

/** One size's measurement. */
export interface SimulateResult {
  connections: number;
  ms: number;
  usPerConnection: number;
  peakGrowthMB: number;
  /** Set when the run had its old generation limited (--max-old-space-size), in MB. */
  heapLimitMB?: number;
  /** Heap still in use after the run and a full collection, over the baseline: what the simulation keeps. */
  liveGrowthMB: number;
  accepted: number;
}

function workload(count: number) {
  const cluster = generateCluster({ services: 1000, seed: SEED, style: "modern", endpointsMax: 12, affinityShare: 0.05, nodePorts: 100 });
  const { dump } = parseDump(cluster.text, { file: "bench-1k" });
  const node = loadNodeContext(cluster.node, "bench-node");
  const targets = reachable(readServices(dump));
  const random = createRandom(SEED);
  const connections: TimedConnection[] = [];
  for (let i = 0; i < count; i++) {
    const s = targets[random.next32() % targets.length];
    const client = random.next32() % CLIENTS;
    connections.push({
      time: i * GAP, src: `198.${18 + (client >> 16)}.${(client >> 8) & 255}.${client & 255}`, from: { interface: "eth0" },
      protocol: s.protocol as Protocol, dst: s.clusterIP!, dport: s.port!,
    });
  }
  return { dump, node, connections };
}

/** Run in the child: simulate `count` connections, keeping only a count of what happened. */
function measure(count: number): SimulateResult {
  const { dump, node, connections } = workload(count);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const baseline = process.memoryUsage().rss;
  const baselineHeap = process.memoryUsage().heapUsed;
  const t = performance.now();
  let accepted = 0;
  for (const e of simulationEvents(dump, node, connections, { seed: SEED })) if (e.possible[e.chosen].verdict === "accepted") accepted++;
  const ms = performance.now() - t;
  const peak = process.resourceUsage().maxRSS * 1024;
  gc();
  const live = process.memoryUsage().heapUsed - baselineHeap;
  return { connections: count, ms, usPerConnection: (ms * 1000) / count, peakGrowthMB: Math.max(0, peak - baseline) / 1e6, liveGrowthMB: Math.max(0, live) / 1e6, accepted };
}

/** Measure each size in a fresh process (peak memory is per process). */
export function simulateBench(sizes: number[]): SimulateResult[] {
  const self = fileURLToPath(import.meta.url);
  const run = (n: number, heapLimitMB?: number): SimulateResult => {
    const flags = heapLimitMB === undefined ? [] : [`--max-old-space-size=${heapLimitMB}`];
    const r = spawnSync(process.execPath, ["--expose-gc", ...flags, self, "--child", String(n)], { encoding: "utf8", timeout: 10 * 60_000, killSignal: "SIGKILL" });
    if (r.status !== 0) throw new Error(`simulate bench child for ${n}${flags.length ? ` (${flags[0]})` : ""} failed: ${(r.stderr || String(r.error)).trim().slice(-2000)}`);
    const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as SimulateResult;
    return heapLimitMB === undefined ? result : { ...result, heapLimitMB };
  };
  const results = sizes.map((n) => run(n));
  return [...results, run(Math.max(...sizes), LIMITED_HEAP_MB)];
}

/** The report lines: each size, then the growth from the first to the last and the memory target. */
export function simulateReport(results: SimulateResult[]): string {
  const fmt = (x: number, d = 1) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  const heap = (r: SimulateResult) => (r.heapLimitMB === undefined ? "default" : `${r.heapLimitMB} MB`);
  const rows = results.map((r) => `${String(r.connections).padStart(11)}  ${heap(r).padStart(7)}  ${fmt(r.ms / 1000, 2).padStart(6)}  ${fmt(r.usPerConnection, 0).padStart(5)}  ${fmt(r.peakGrowthMB, 0).padStart(7)}  ${fmt(r.liveGrowthMB, 0).padStart(7)}  ${String(r.accepted).padStart(8)}`);
  const sized = results.filter((r) => r.heapLimitMB === undefined);
  const first = sized[0], last = sized[sized.length - 1];
  const out = ["simulate (simulationEvents, 1k Service ports, 20k clients, one connection every 5 ms; peak RSS growth in a fresh process)",
    "connections     heap       s     µs  peak MB  live MB  accepted", ...rows,
    "(live: heap kept after the run and a full collection: live conntrack entries and xt_recent lists, not the connections seen;",
    ` heap: V8's default sizing, which collects lazily, or the old generation limited with --max-old-space-size)`];
  if (results.length > 1) out.push(`cost per connection × ${fmt(last.usPerConnection / first.usPerConnection, 2)} from ${first.connections} to ${last.connections} connections (at most 1 is linear)`);
  const big = sized.find((r) => r.connections >= 100_000);
  const limited = results.find((r) => r.heapLimitMB !== undefined && r.connections === big?.connections);
  if (big) {
    const needed = limited ? `; it runs in ${fmt(limited.peakGrowthMB, 0)} MB with a ${limited.heapLimitMB} MB heap limit, ${fmt(limited.ms / big.ms, 2)}× the time` : "";
    const met = big.peakGrowthMB < SIMULATE_MEMORY_TARGET_MB || (limited !== undefined && limited.peakGrowthMB < SIMULATE_MEMORY_TARGET_MB);
    out.push(`target: ${big.connections} connections under ${SIMULATE_MEMORY_TARGET_MB} MB: ${fmt(big.peakGrowthMB, 0)} MB with the default heap${needed}: ${met ? "met" : "MISSED"}`);
  }
  return out.join("\n");
}

const argv = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (argv[0] === "--child") process.stdout.write(JSON.stringify(measure(Number(argv[1]))) + "\n");
  else {
    const at = argv.indexOf("--connections");
    const sizes = at >= 0 ? argv[at + 1].split(",").map(Number) : [10_000, 100_000];
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
      process.stderr.write("bench simulate: --connections expects whole numbers such as 10000,100000\n");
      process.exit(2);
    }
    process.stdout.write(simulateReport(simulateBench(sizes)) + "\n");
  }
}
