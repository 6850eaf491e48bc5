/**
 * What the kernel pays for kube-proxy's rules (`npm run kernel-bench`,
 * root): for each size and each mode (iptables with the legacy back end,
 * iptables with the nf_tables back end, kube-proxy's nftables mode), in a
 * throwaway network namespace that plays the node:
 *
 * - new connections from the node to the first Service port in kube-proxy's
 *   order, to the last one, and to a NodePort, against a same-namespace
 *   baseline measured just before the rules were loaded (a direct connection
 *   to the same endpoint with no rules at all): each a fresh conntrack entry,
 *   so the nat rules are walked every time;
 * - a full sync (`iptables-restore --noflush` of kube-proxy's whole input;
 *   `nft -f` of its whole transaction) into rules already in place, as a
 *   periodic or restart sync does; a full sync still running after
 *   `fullSyncTimeoutMs` is stopped, and the file says so with the time;
 * - one Service's endpoint change as kube-proxy writes it today (a minimal
 *   `--noflush` restore; a transaction of the Service's chains);
 * - memory: the machine's unreclaimable slab and vmalloc use before and after
 *   the load (/proc/meminfo); machine-wide, so other work on the machine
 *   shows up in it too.
 *
 * Everything for one size runs in one process, mode after mode, so the
 * comparison holds on a noisy machine.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { join } from "node:path";
import { generateCluster } from "../generate/generate.js";
import { generatedClusterSpec, kubeProxyNftablesEndpointChange, kubeProxyNftablesInput, kubeProxyNftablesParts } from "../generate/nftables.js";
import { kubeProxyFullSyncInput, kubeProxyPartialSyncInput, kubeProxyRestoreInput, type RestoreInputService, type RestoreInputSpec } from "../generate/restore-input.js";
import { agentScript, ServerProcess } from "../lab/agents.js";
import { execIn, ipBatch, LabError, withNamespaces } from "../lab/netns.js";

/** How kube-proxy programs the node. */
export type KernelMode = "iptables-legacy" | "iptables-nft" | "nftables";

/** Every mode, in the order they are measured. */
export const KERNEL_MODES: readonly KernelMode[] = ["iptables-legacy", "iptables-nft", "nftables"];

/** A median and 99th percentile (nearest rank) of samples. */
export interface SampleStats {
  median: number;
  p99: number;
  n: number;
}

/** One mode at one size. */
export interface KernelBenchEntry {
  mode: KernelMode;
  servicePorts: number;
  /** Bytes of the input a full sync sends (iptables-restore text or nft transaction). */
  fullSyncBytes: number;
  /** Bytes of the endpoint-change input. */
  endpointChangeBytes: number;
  /** Microseconds from connect() to the connection being established. */
  connectUs: { baseline: SampleStats; first: SampleStats; last: SampleStats; nodePort: SampleStats };
  /**
   * Milliseconds, program start included (`n` may be below `syncRuns` when the budget ran out).
   * `full` is null when the first full sync was stopped at `fullSyncTimeoutMs` (`skipped` says so).
   */
  syncMs: { full: SampleStats | null; endpointChange: SampleStats };
  /** kB of SUnreclaim + VmallocUsed (/proc/meminfo) after the load minus before; machine-wide. */
  kernelMemoryKB: number;
}

/** The whole run. */
export interface KernelBenchResult {
  format: "kube-iptables-lab/kernel-bench@1";
  date: string;
  machine: { cpus: number; cpu: string; kernel: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  tools: { iptables: string; nft: string };
  method: {
    seed: number; endpointsMax: number; nodePortShare: number; warmup: number; samples: number; syncRuns: number; syncBudgetMs: number; fullSyncTimeoutMs: number;
    nftablesLoadPart: number;
    targets: { first: string; last: string; nodePort: string; endpointChange: string };
  };
  entries: KernelBenchEntry[];
  /** What was not measured (a full sync stopped at its time limit), at which mode and size, and why. */
  skipped: { mode: KernelMode; servicePorts: number; what: "full sync"; reason: string }[];
}

/** Options of a run. */
export interface KernelBenchOptions {
  /** Numbers of Service ports (default 1000, 5000, 10000, 20000). */
  sizes?: number[];
  modes?: readonly KernelMode[];
  /** Measured connections per target (default 1000), in 10 blocks, each after `warmup` rounds that are not kept (default 50); the baseline gets three connections per round. */
  samples?: number;
  warmup?: number;
  /** Full syncs and endpoint changes timed per mode and size (default 5), fewer when they reach `syncBudgetMs`. */
  syncRuns?: number;
  /** Time allowed for each kind of sync per mode and size (default 45 000 ms); at least one of each is always timed. */
  syncBudgetMs?: number;
  /** A full sync still running after this long is stopped and reported as not measured (default 300 000 ms). */
  fullSyncTimeoutMs?: number;
  /** Service ports per `nft -f` transaction when the nftables rules are first put in place (default 1000; the full syncs are one transaction). */
  nftablesLoadPart?: number;
  seed?: number;
  /** Progress lines (to standard error in the command). */
  progress?: (line: string) => void;
}

const ENDPOINTS_MAX = 8;
const NODE_PORT_SHARE = 0.1;
const SERVER_PORT = 8080;
/** The measured Services' endpoints: pods on this node, addresses of the node namespace itself. */
const LOCAL_PODS = ["10.244.0.2", "10.244.0.3"];
const NEW_POD = "10.244.0.4";
/** Blocks of connection rounds, alternating between the node and its twin without rules. */
const BLOCKS = 10;

/** Median and nearest-rank 99th percentile. */
export function sampleStats(values: number[]): SampleStats {
  if (values.length === 0) throw new RangeError("sampleStats: no samples");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p99 = s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { median: round(median), p99: round(p99), n: s.length };
}

/** The generated cluster, with the measured Service ports' endpoints moved onto this node's pods (so a server answers). */
function benchSpec(size: number, seed: number): { spec: RestoreInputSpec; first: number; last: number; nodePort: number; changed: number } {
  const nodePorts = Math.min(2768, Math.max(1, Math.round(size * NODE_PORT_SHARE)));
  const cluster = generateCluster({ services: size, endpointsMax: ENDPOINTS_MAX, seed, nodePorts, style: "modern", affinityShare: 0.05 });
  const spec = generatedClusterSpec(cluster);
  const n = spec.services.length;
  let nodePort = -1;
  for (let i = n - 1; i >= 0; i--) if (spec.services[i]!.nodePort !== undefined) { nodePort = i; break; }
  if (nodePort < 0) throw new LabError(`no NodePort among ${n} Service ports`);
  const pods = LOCAL_PODS.map((ip) => ({ ip, port: SERVER_PORT, local: true }));
  // Without affinity, so every measured connection takes the same path (the random pick), not a remembered one.
  for (const i of new Set([0, n - 1, nodePort])) spec.services[i] = { ...spec.services[i]!, protocol: "tcp", endpoints: pods, affinitySeconds: undefined };
  const changed = Math.floor(n / 2);
  return { spec, first: 0, last: n - 1, nodePort, changed };
}

/** The node namespace: eth0 with the node IP, cni0 with the pods' addresses, a default route for the Service range (nothing leaves the namespace). */
async function setUpNode(ns: string, nodeIP: string): Promise<void> {
  await ipBatch(ns, [
    // veth pairs with both ends in this namespace (a kernel may lack dummy devices); the peers carry nothing.
    "link add eth0 type veth peer name eth0-peer", `addr add ${nodeIP}/24 dev eth0`, "link set eth0-peer up", "link set eth0 up",
    "link add cni0 type veth peer name cni0-peer", "link set cni0-peer up", "addr add 10.244.0.1/24 dev cni0", ...[...LOCAL_PODS, NEW_POD].map((ip) => `addr add ${ip}/32 dev cni0`), "link set cni0 up",
    "route add default dev eth0",
  ]);
}

function memoryKB(): number {
  const text = readFileSync("/proc/meminfo", "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  return field("SUnreclaim") + field("VmallocUsed");
}

interface TimerJob {
  connect?: { targets: { name: string; host: string; port: number }[]; warmup: number; samples: number };
  commands?: { name: string; cmd: string; args: string[]; inputFile?: string; timeoutMs?: number }[];
}
interface TimerResult {
  connect?: Record<string, number[]>;
  commands?: { name: string; ms: number; status: number | null; timedOut: boolean; stderr: string }[];
  error?: string;
}

async function runTimer(ns: string, dir: string, job: TimerJob): Promise<TimerResult> {
  const file = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(job));
  const r = await execIn(ns, process.execPath, [agentScript("kernel-timer.mjs"), file], { timeoutMs: 1_800_000 });
  let out: TimerResult;
  try {
    out = JSON.parse(r.stdout) as TimerResult;
  } catch {
    throw new LabError(`kernel timer in ${ns}: ${(r.stderr.trim() || r.error || `status ${r.status}`).split("\n")[0]}`);
  }
  if (out.error) throw new LabError(`kernel timer in ${ns}: ${out.error}`);
  for (const c of out.commands ?? []) if (c.status !== 0 && !c.timedOut) throw new LabError(`${c.name} failed (status ${c.status}): ${c.stderr.split("\n")[0]}`);
  return out;
}

interface ModeInputs {
  /** One or more inputs, run one after the other, that put the rules in place. */
  load: { cmd: string; args: string[]; texts: string[] };
  full: { cmd: string; args: string[]; text: string };
  /** Alternating changes: before -> after, then back. */
  change: { cmd: string; args: string[]; forth: string; back: string };
}

function modeInputs(mode: KernelMode, spec: RestoreInputSpec, changed: number, nftablesLoadPart: number): ModeInputs {
  const before = spec.services[changed]!;
  const after: RestoreInputService = { ...before, endpoints: [...before.endpoints.slice(0, -1), { ip: NEW_POD, port: before.endpoints.at(-1)?.port ?? SERVER_PORT, local: true }] };
  const afterSpec = { ...spec, services: spec.services.map((s, i) => (i === changed ? after : s)) };
  if (mode === "nftables") {
    const nft = { cmd: "nft", args: ["-f", "-"] };
    return {
      load: { ...nft, texts: kubeProxyNftablesParts(spec, nftablesLoadPart) },
      full: { ...nft, text: kubeProxyNftablesInput(spec, { firstSync: false }) },
      change: { ...nft, forth: kubeProxyNftablesEndpointChange(spec, before, after), back: kubeProxyNftablesEndpointChange(afterSpec, after, before) },
    };
  }
  const restore = mode === "iptables-legacy" ? "iptables-legacy-restore" : "iptables-nft-restore";
  return {
    load: { cmd: restore, args: [], texts: [kubeProxyRestoreInput({ ...spec, flannel: false })] },
    full: { cmd: restore, args: ["--noflush"], text: kubeProxyFullSyncInput(spec) },
    change: { cmd: restore, args: ["--noflush"], forth: kubeProxyPartialSyncInput(spec, before, after), back: kubeProxyPartialSyncInput(afterSpec, after, before) },
  };
}

type MeasureOptions = Required<Omit<KernelBenchOptions, "progress" | "sizes" | "modes">>;

/** One mode at one size, and the reason a full sync was not measured (it was stopped at the time limit). */
async function measureMode(mode: KernelMode, size: number, o: MeasureOptions, dir: string): Promise<{ entry: KernelBenchEntry; fullSyncStopped: string | null }> {
  const { spec, first, last, nodePort, changed } = benchSpec(size, o.seed);
  const inputs = modeInputs(mode, spec, changed, o.nftablesLoadPart);
  const files = {
    load: inputs.load.texts.map((_, i) => join(dir, `${mode}-load-${i}`)), full: join(dir, `${mode}-full`), forth: join(dir, `${mode}-forth`), back: join(dir, `${mode}-back`),
  };
  inputs.load.texts.forEach((text, i) => writeFileSync(files.load[i]!, text));
  writeFileSync(files.full, inputs.full.text);
  writeFileSync(files.forth, inputs.change.forth);
  writeFileSync(files.back, inputs.change.back);
  return withNamespaces(["kbench", "kbase"], async (set) => {
    const ns = set.names.kbench!;
    const base = set.names.kbase!;
    await Promise.all([setUpNode(ns, spec.node.nodeIP), setUpNode(base, spec.node.nodeIP)]);
    const servers = await Promise.all([ns, base].map((n) => ServerProcess.start(n, [{ protocol: "tcp", address: "0.0.0.0", port: SERVER_PORT, why: "the measured endpoints" }])));
    try {
      const memBefore = memoryKB();
      await runTimer(ns, dir, { commands: files.load.map((f, i) => ({ name: `${inputs.load.cmd} (load ${i + 1} of ${files.load.length})`, cmd: inputs.load.cmd, args: inputs.load.args, inputFile: f })) });
      const kernelMemoryKB = memoryKB() - memBefore;
      const svc = (i: number) => spec.services[i]!;
      // Blocks of rounds alternate between the node with the rules and a twin namespace without any rule
      // (the baseline), so that a busy machine slows both alike.
      const targets = [
        { name: "first", host: svc(first).clusterIP, port: svc(first).port },
        { name: "last", host: svc(last).clusterIP, port: svc(last).port },
        { name: "nodePort", host: spec.node.nodeIP, port: svc(nodePort).nodePort! },
      ];
      const samples: Record<string, number[]> = { baseline: [], first: [], last: [], nodePort: [] };
      const perBlock = Math.ceil(o.samples / BLOCKS);
      for (let b = 0; b < BLOCKS; b++) {
        const rounds = Math.min(perBlock, o.samples - b * perBlock);
        if (rounds <= 0) break;
        const timed = await runTimer(ns, dir, { connect: { targets, warmup: o.warmup, samples: rounds } });
        // As many connections per round as the node's timer makes, so both processes are equally warm.
        const plain = await runTimer(base, dir, { connect: { targets: targets.map((t) => ({ name: t.name, host: LOCAL_PODS[0]!, port: SERVER_PORT })), warmup: o.warmup, samples: rounds } });
        for (const [k, v] of Object.entries(timed.connect!)) samples[k]!.push(...v);
        for (const v of Object.values(plain.connect!)) samples.baseline!.push(...v);
      }
      // One command per timer run, so that slow modes stop at the budget; a run stopped at the time limit ends the series.
      const timeRuns = async (name: string, cmd: string, args: string[], fileOf: (i: number) => string, timeoutMs?: number): Promise<{ times: number[]; stoppedMs: number | null }> => {
        const times: number[] = [];
        for (let i = 0, spent = 0; i < o.syncRuns && (i === 0 || spent < o.syncBudgetMs); i++) {
          const c = (await runTimer(ns, dir, { commands: [{ name, cmd, args, inputFile: fileOf(i), timeoutMs }] })).commands![0]!;
          if (c.timedOut) return { times, stoppedMs: c.ms };
          times.push(c.ms);
          spent += c.ms;
        }
        return { times, stoppedMs: null };
      };
      const full = await timeRuns("full sync", inputs.full.cmd, inputs.full.args, () => files.full, o.fullSyncTimeoutMs);
      const fullSyncMB = (Buffer.byteLength(inputs.full.text) / 1e6).toFixed(1);
      const fullSyncStopped = full.times.length > 0 || full.stoppedMs === null ? null
        : `${inputs.full.cmd} ${inputs.full.args.join(" ")} of the whole ${fullSyncMB} MB input was stopped after ${(full.stoppedMs / 1000).toFixed(0)} s without finishing (the run's limit for one full sync)`;
      // Each change undoes the previous one, so the endpoint chain goes away and comes back.
      const changeRuns = await timeRuns("endpoint change", inputs.change.cmd, inputs.change.args, (i) => (i % 2 === 0 ? files.forth : files.back));
      if (changeRuns.stoppedMs !== null) throw new LabError(`${mode}, ${size} Service ports: an endpoint change was still running after ${(changeRuns.stoppedMs / 1000).toFixed(0)} s`);
      const change = changeRuns.times;
      if (change.length % 2 === 1) await runTimer(ns, dir, { commands: [{ name: "endpoint change back", cmd: inputs.change.cmd, args: inputs.change.args, inputFile: files.back }] });
      // The rules still route the Services after all those syncs.
      const after = await runTimer(ns, dir, { connect: { targets: [{ name: "check", host: svc(last).clusterIP, port: svc(last).port }], warmup: 0, samples: 3 } });
      if (after.connect!.check!.length !== 3) throw new LabError(`${mode}: the last Service no longer answers after the syncs`);
      const entry: KernelBenchEntry = {
        mode, servicePorts: spec.services.length,
        fullSyncBytes: Buffer.byteLength(inputs.full.text), endpointChangeBytes: Buffer.byteLength(inputs.change.forth),
        connectUs: { baseline: sampleStats(samples.baseline!), first: sampleStats(samples.first!), last: sampleStats(samples.last!), nodePort: sampleStats(samples.nodePort!) },
        syncMs: { full: full.times.length > 0 ? sampleStats(full.times) : null, endpointChange: sampleStats(change) },
        kernelMemoryKB,
      };
      return { entry, fullSyncStopped };
    } finally {
      for (const sv of servers) sv.stop();
    }
  });
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", timeout: 10_000 }).trim().split("\n")[0]!;
  } catch {
    return "unknown";
  }
}

/** Run the measurement. Needs root (network namespaces), iptables 1.8 (legacy and nft) and nft. */
export async function measureKernel(options: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const sizes = options.sizes ?? [1000, 5000, 10000, 20000];
  const modes = options.modes ?? KERNEL_MODES;
  const o: MeasureOptions = {
    samples: options.samples ?? 1000, warmup: options.warmup ?? 50, syncRuns: options.syncRuns ?? 5, seed: options.seed ?? 1,
    syncBudgetMs: options.syncBudgetMs ?? 45_000, fullSyncTimeoutMs: options.fullSyncTimeoutMs ?? 300_000, nftablesLoadPart: options.nftablesLoadPart ?? 1000,
  };
  const progress = options.progress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "kil-kbench-"));
  const loadAverageAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const entries: KernelBenchEntry[] = [];
  const skipped: KernelBenchResult["skipped"] = [];
  let targets: KernelBenchResult["method"]["targets"] | null = null;
  try {
    for (const size of sizes) {
      for (const mode of modes) {
        progress(`${size} Service ports, ${mode} ...`);
        const { entry: e, fullSyncStopped } = await measureMode(mode, size, o, dir);
        if (fullSyncStopped !== null) {
          // The evidence next to the limit: what a full sync took at the largest smaller size measured in this mode.
          const before = entries.filter((x) => x.mode === mode && x.syncMs.full !== null).at(-1);
          const earlier = before ? `; at ${before.servicePorts} Service ports it took ${(before.syncMs.full!.median / 1000).toFixed(1)} s (median of ${before.syncMs.full!.n})` : "";
          skipped.push({ mode, servicePorts: e.servicePorts, what: "full sync", reason: fullSyncStopped + earlier });
        }
        progress(`  connect median µs: baseline ${e.connectUs.baseline.median}, first ${e.connectUs.first.median}, last ${e.connectUs.last.median}, NodePort ${e.connectUs.nodePort.median}; full sync ${e.syncMs.full === null ? "stopped" : `${e.syncMs.full.median} ms`}, endpoint change ${e.syncMs.endpointChange.median} ms`);
        entries.push(e);
      }
      if (!targets) {
        // The same Service ports at every size: kube-proxy's first, its last, its last with a NodePort, and the middle one.
        const { spec } = benchSpec(size, o.seed);
        const first = spec.services[0]!;
        targets = {
          first: `${first.namespace}/${first.name}:${first.portName} (position 1)`, last: "the last Service port in kube-proxy's order",
          nodePort: "the last Service port with a NodePort", endpointChange: "the middle Service port: its last endpoint replaced",
        };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    format: "kube-iptables-lab/kernel-bench@1",
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model.trim() ?? "unknown", kernel: release(), node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    tools: { iptables: version("iptables-legacy", ["--version"]), nft: version("nft", ["--version"]) },
    method: {
      seed: o.seed, endpointsMax: ENDPOINTS_MAX, nodePortShare: NODE_PORT_SHARE, warmup: o.warmup, samples: o.samples,
      syncRuns: o.syncRuns, syncBudgetMs: o.syncBudgetMs, fullSyncTimeoutMs: o.fullSyncTimeoutMs, nftablesLoadPart: o.nftablesLoadPart, targets: targets!,
    },
    entries,
    skipped,
  };
}


