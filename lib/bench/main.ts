/**
 * The benchmark (`npm run bench`): generated kube-proxy dumps of 1k, 10k and
 * 30k Service ports, each
 *
 * - parsed, against `iptables-legacy-restore --test` on the same file in the
 *   same run (inside a throwaway network namespace), as the CLI's `parse` in
 *   a process of its own, and in process against a bare tokenize-only pass
 *   over the same text (lib/bench/parse-references.ts);
 * - parsed again in a fresh child process, for the peak memory (RSS growth
 *   over a clean baseline) as a multiple of the file size;
 * - compiled for the fast path (time, and the heap the compiled form keeps
 *   against the parsed model's), read back into Services, traced (seeded
 *   connections to random ClusterIPs and NodePorts, every outcome,
 *   explanations off) with the fast path, with the explaining engine (its
 *   reference, same connections) and with a full scan, and analysed whole
 *   (one trace per Service port);
 * - for the smallest size, drawn as the whole-node Sankey.
 *
 * It prints tables (absolute numbers, per-rule costs to show how cost grows
 * with size, ratios against the reference runs) and writes the numbers as
 * JSON (`--out FILE`, default test-output/bench.json).
 *
 *   node dist/bench/main.js [--out FILE] [--sizes 1000,10000,30000] [--style modern|2018] [--connections 3000]
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCluster, type GenerateStyle } from "../generate/generate.js";
import { loadNodeContext } from "../node/context.js";
import { parseDump, type ParseResult } from "../parse/parser.js";
import { services as readServices, type KubeService } from "../services/catalog.js";
import { traceConnection, type Trace, type TraceOptions } from "../trace/trace.js";
import type { ConnectionSpec } from "../trace/packet.js";
import { compiledDump } from "../trace/compiled/compile.js";
import { boundDump } from "../trace/compiled/bind.js";
import { rulesMet } from "../trace/compiled/lazy-steps.js";
import { cliParseMs, tokenizeOnly } from "./parse-references.js";
import { profileOf, type ProfileLine } from "./profile.js";
import { benchConnections, wholeNode } from "./workload.js";
import { simulateBench, simulateReport, type SimulateResult } from "./simulate.js";

const SEED = 1;
/** Connections per block of the interleaved comparison of the two engines. */
const REFERENCE_BLOCK = 50;
const ENDPOINTS_MAX = 12;
const AFFINITY_SHARE = 0.05;

/** What the parent asks a child process to measure for one size. */
interface Job {
  file: string;
  nodeFile: string;
  nodeIP: string;
  services: number;
  connections: number;
  naiveConnections: number;
  /** Connections traced with the explaining engine too, for the fast path's speed-up. */
  referenceConnections: number;
  followUpConnections: number;
  warmParse: boolean;
  sankey: boolean;
  /** Also profile parsing, tracing and the whole-node analysis (separate runs, after the timed ones). */
  profile: boolean;
}

/** What the child measured. */
interface ChildResult {
  rules: number;
  chains: number;
  parse: { coldMs: number; warmMs: number | null };
  /** The tokenize-only pass over the same text, best of two runs. */
  tokenizeOnlyMs: number;
  memory: { baselineMB: number; peakGrowthMB: number; retainedHeapMB: number };
  servicesMs: number;
  servicePorts: number;
  /** The first trace after the compile and the binding (what is left of the first-time work: V8 compiling the engine). */
  indexBuildMs: number;
  /** Compiling the dump for the fast path; binding it to the node (routes, MASQUERADE's choices, Service ports); the heap both keep. */
  compileMs: number;
  bindMs: number;
  compiledHeapMB: number;
  trace: {
    connections: number;
    usPerConnection: number;
    /** The same connections traced again, their rules already in the processor's caches. */
    repeatUsPerConnection: number;
    outcomesPerConnection: number;
    followUp: { connections: number; usPerConnection: number };
    naive: { connections: number; usPerConnection: number; agree: boolean };
    /** The explaining engine (explanations off) on the same connections, and the fast path on them in the same run. */
    reference: { connections: number; usPerConnection: number; fastUsPerConnection: number };
  };
  wholeNode: { traces: number; ms: number; repeatMs: number; usPerTrace: number; consistent: number };
  sankey: { ms: number; services: number } | { skipped: string } | null;
  profile: { parse: ProfileLine[]; trace: ProfileLine[]; wholeNode: ProfileLine[] } | null;
}

/** One size's row of the report. */
interface SizeResult extends ChildResult {
  services: number;
  lines: number;
  bytes: number;
  generateMs: number;
  iptables: { testMs: number; runs: number } | { skipped: string };
  /** `kube-iptables-lab parse FILE` as a whole process, best of the runs beside iptables'. */
  cliParse: { ms: number; runs: number };
}

function now(): number {
  return performance.now();
}

function mb(bytes: number): number {
  return bytes / 1e6;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------------------
// The child: one size, in a fresh process.

async function child(job: Job): Promise<ChildResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const text = readFileSync(job.file, "utf8");
  gc();
  const baseline = process.memoryUsage().rss;
  let t = now();
  let parsed: ParseResult | null = parseDump(text, { file: job.file });
  const coldMs = now() - t;
  const peak = process.resourceUsage().maxRSS * 1024;
  if (parsed.errors.length > 0) throw new Error(`${job.file}: ${parsed.errors.length} parse errors, the first: ${parsed.errors[0].message}`);
  gc();
  const retained = process.memoryUsage().heapUsed;
  let warmMs: number | null = null;
  if (job.warmParse) {
    // The warm parse starts from the same empty heap as the cold one: the first model is let go first.
    parsed = null;
    gc();
    t = now();
    parsed = parseDump(text, { file: job.file });
    warmMs = now() - t;
    gc();
  }
  const tokenizeRuns = [0, 1].map(() => {
    gc();
    const start = now();
    tokenizeOnly(text);
    return now() - start;
  });
  const tokenizeOnlyMs = Math.min(...tokenizeRuns);
  const dump = parsed.dump;
  const rules = dump.tables.reduce((n, tb) => n + tb.chains.reduce((k, c) => k + c.rules.length, 0), 0);
  const chains = dump.tables.reduce((n, tb) => n + tb.chains.length, 0);

  t = now();
  const services = readServices(dump);
  const servicesMs = now() - t;

  const node = loadNodeContext(JSON.parse(readFileSync(job.nodeFile, "utf8")), job.nodeFile);
  const connections = benchConnections(services, job.nodeIP, job.connections, SEED);
  const options = { explain: false, followUp: false };
  // The fast path compiles the dump and binds it to the node on its first trace; here on their own, to time
  // them and weigh what they keep against the model. (services() above left the Service ports' owners, which
  // the binding reads.)
  gc();
  const heapBeforeCompile = process.memoryUsage().heapUsed;
  t = now();
  compiledDump(dump);
  const compileMs = now() - t;
  t = now();
  boundDump(dump, node);
  const bindMs = now() - t;
  gc();
  const compiledHeapMB = mb(process.memoryUsage().heapUsed - heapBeforeCompile);
  // The first trace: what is left of the first-time work once the compiled form is built (V8 compiling the engine).
  t = now();
  traceConnection(dump, node, connections[0], options);
  const indexBuildMs = now() - t;
  gc();

  // Timed loops keep no trace: a program that keeps traces alive while making more leads V8 to allocate the
  // simulator's short-lived objects straight into the old generation ("pretenuring"), which slows every
  // later trace by a third or more. The comparison with the full scan comes last, from traces read as text.
  let outcomes = 0;
  t = now();
  for (const c of connections) outcomes += traceConnection(dump, node, c, options).outcomes.length;
  const traceMs = now() - t;
  t = now();
  for (const c of connections) traceConnection(dump, node, c, options);
  const repeatMs = now() - t;

  const follow = connections.slice(0, job.followUpConnections);
  t = now();
  for (const c of follow) traceConnection(dump, node, c, { explain: false });
  const followMs = now() - t;

  // First run: each Service's rules read from memory for the first time. Repeat: the same again.
  gc();
  t = now();
  const decisions = wholeNode(dump, node, services, job.nodeIP);
  const wholeMs = now() - t;
  gc();
  t = now();
  wholeNode(dump, node, services, job.nodeIP);
  const wholeRepeatMs = now() - t;

  let profile: ChildResult["profile"] = null;
  if (job.profile) {
    // Separate runs, after the timed ones: connections of another seed, a whole-node analysis, a parse.
    const fresh = benchConnections(services, job.nodeIP, job.connections, SEED + 1);
    const trace = await profileOf(() => {
      for (const c of fresh) traceConnection(dump, node, c, options);
    });
    gc();
    const whole = await profileOf(() => void wholeNode(dump, node, services, job.nodeIP));
    gc();
    const parse = await profileOf(() => void parseDump(text, { file: job.file }));
    profile = { parse, trace, wholeNode: whole };
  }

  const naiveSet = connections.slice(0, job.naiveConnections);
  const expected = naiveSet.map((c) => outcomesText(traceConnection(dump, node, c, options)));
  t = now();
  const naive = naiveSet.map((c) => outcomesText(traceConnection(dump, node, c, { ...options, naive: true })));
  const naiveMs = now() - t;
  const agree = naive.every((text, i) => text === expected[i]);
  // The explaining engine with explanations off (chain index on): what the fast path replaced, on the same connections.
  // Interleaved in blocks, the order swapped from block to block: whichever engine runs second after the
  // other one meets a heap and inline caches the other left (run one after the other, the fast path's share
  // varied from 1.1x to 5x between sizes for that reason alone).
  const referenceSet = connections.slice(0, job.referenceConnections);
  const referenceOptions = { ...options, reference: true };
  for (const c of referenceSet.slice(0, 20)) traceConnection(dump, node, c, referenceOptions);
  let referenceMs = 0;
  let referenceFastMs = 0;
  const timeBlock = (block: ConnectionSpec[], o: TraceOptions): number => {
    const start = now();
    for (const c of block) traceConnection(dump, node, c, o);
    return now() - start;
  };
  for (let i = 0, n = 0; i < referenceSet.length; i += REFERENCE_BLOCK, n++) {
    const block = referenceSet.slice(i, i + REFERENCE_BLOCK);
    if (n % 2 === 0) {
      referenceMs += timeBlock(block, referenceOptions);
      referenceFastMs += timeBlock(block, options);
    } else {
      referenceFastMs += timeBlock(block, options);
      referenceMs += timeBlock(block, referenceOptions);
    }
  }

  let sankey: ChildResult["sankey"] = null;
  if (job.sankey) sankey = await renderNodeSankey(services);

  return {
    rules, chains,
    parse: { coldMs, warmMs },
    tokenizeOnlyMs,
    memory: { baselineMB: mb(baseline), peakGrowthMB: mb(peak - baseline), retainedHeapMB: mb(retained) },
    servicesMs, servicePorts: services.length, indexBuildMs, compileMs, bindMs, compiledHeapMB,
    trace: {
      connections: connections.length,
      usPerConnection: (traceMs * 1000) / connections.length,
      repeatUsPerConnection: (repeatMs * 1000) / connections.length,
      outcomesPerConnection: outcomes / connections.length,
      followUp: { connections: follow.length, usPerConnection: (followMs * 1000) / Math.max(1, follow.length) },
      naive: { connections: naiveSet.length, usPerConnection: (naiveMs * 1000) / Math.max(1, naiveSet.length), agree },
      reference: {
        connections: referenceSet.length,
        usPerConnection: (referenceMs * 1000) / Math.max(1, referenceSet.length),
        fastUsPerConnection: (referenceFastMs * 1000) / Math.max(1, referenceSet.length),
      },
    },
    wholeNode: { traces: decisions.length, ms: wholeMs, repeatMs: wholeRepeatMs, usPerTrace: (wholeMs * 1000) / Math.max(1, decisions.length), consistent: decisions.filter((d) => d.consistent).length },
    sankey,
    profile,
  };
}

/** What must be the same from the fast path and the full scan: each outcome's verdict, probability, NAT, mark and the rules it met. */
function outcomesText(r: Trace): string {
  return r.outcomes
    .map((o) => `${o.verdict} ${o.probability.num}/${o.probability.den} ${o.after.src}:${o.after.sport}>${o.after.dst}:${o.after.dport} ${o.mark} ${rulesMet(o).join(",")}`)
    .join("\n");
}

/** Time the whole-node Sankey if the views module offers one (another part of the kit, loaded only here). */
async function renderNodeSankey(services: KubeService[]): Promise<ChildResult["sankey"]> {
  const path = "../views/node-sankey.js";
  let views: { nodeSankey?: (s: readonly KubeService[]) => string };
  try {
    views = (await import(path)) as typeof views;
  } catch (e) {
    return { skipped: `lib/views has no node-sankey module (${(e as Error).message.split("\n")[0]})` };
  }
  if (typeof views.nodeSankey !== "function") return { skipped: "lib/views does not export nodeSankey" };
  const t = now();
  const html = views.nodeSankey(services);
  const ms = now() - t;
  if (!html.includes("<svg")) return { skipped: "nodeSankey returned no SVG" };
  return { ms, services: services.length };
}

// ---------------------------------------------------------------------------
// iptables-legacy-restore --test, in a throwaway network namespace.

interface Netns {
  name: string | null;
  reason: string;
  version: string | null;
}

function run(cmd: string, args: string[], timeoutMs = 60_000) {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 });
}

function openNetns(): Netns {
  const version = run("iptables-legacy-restore", ["--version"]);
  if (version.error || version.status !== 0) return { name: null, reason: "iptables-legacy-restore is not installed", version: null };
  if (process.getuid?.() !== 0) return { name: null, reason: "not root: cannot create a network namespace", version: version.stdout.trim() };
  const name = `kil-bench-${process.pid}-${randomBytes(3).toString("hex")}`;
  const add = run("ip", ["netns", "add", name], 10_000);
  if (add.status !== 0) return { name: null, reason: `ip netns add failed: ${(add.stderr || String(add.error)).trim()}`, version: version.stdout.trim() };
  const cleanup = () => {
    run("ip", ["netns", "del", name], 10_000);
  };
  process.once("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => {
    cleanup();
    process.exit(130);
  });
  return { name, reason: "", version: version.stdout.trim() };
}

function closeNetns(ns: Netns): void {
  if (ns.name) run("ip", ["netns", "del", ns.name], 10_000);
  ns.name = null;
}

function iptablesTest(ns: Netns, file: string): number {
  const t = now();
  const r = run("ip", ["netns", "exec", ns.name!, "iptables-legacy-restore", "--test", file], 15 * 60_000);
  const ms = now() - t;
  if (r.status !== 0) throw new Error(`iptables-legacy-restore --test ${file} failed: ${(r.stderr || String(r.error)).trim().slice(0, 500)}`);
  return ms;
}

// ---------------------------------------------------------------------------
// The parent: generate, measure, report.

interface Options {
  out: string;
  sizes: number[];
  style: GenerateStyle;
  connections: number;
}

const USAGE = [
  "usage: npm run bench -- [--out FILE] [--sizes N,N,...] [--style modern|2018] [--connections N]",
  "",
  "  --out FILE          where the JSON report goes (default test-output/bench.json)",
  "  --sizes N,N,...     Service ports of the generated dumps (default 1000,10000,30000)",
  "  --style STYLE       modern (default) or 2018, the kube-proxy whose rules are generated",
  "  --connections N     connections of the simulate line (default 2000)",
  "  -h, --help          print this help",
].join("\n");

/** The benchmark's options, read with node:util parseArgs like every command of the kit; throws on wrong usage. */
function readOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      out: { type: "string", default: "test-output/bench.json" },
      sizes: { type: "string", default: "1000,10000,30000" },
      style: { type: "string", default: "modern" },
      connections: { type: "string", default: "2000" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const sizes = values.sizes.split(",").map((x) => Number(x));
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error("--sizes: expected whole numbers of at least 10");
  if (values.style !== "modern" && values.style !== "2018") throw new Error("--style: expected modern or 2018");
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1) throw new Error("--connections: expected a whole number of at least 1");
  return { out: values.out, sizes, style: values.style, connections };
}

function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [title, line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

function fmt(x: number, digits = 1): string {
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function k(n: number): string {
  return n >= 1000 ? `${n / 1000}k` : String(n);
}

async function parent(options: Options): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), "kil-bench-"));
  const ns = openNetns();
  const results: SizeResult[] = [];
  const loadStart = loadavg();
  const started = now();
  try {
    for (const size of options.sizes) {
      let t = now();
      const cluster = generateCluster({
        services: size, seed: SEED, style: options.style, endpointsMax: ENDPOINTS_MAX, affinityShare: AFFINITY_SHARE,
        nodePorts: Math.min(2768, Math.round(size / 10)),
      });
      const generateMs = now() - t;
      const file = join(dir, `dump-${size}.txt`);
      const nodeFile = join(dir, `node-${size}.json`);
      writeFileSync(file, cluster.text);
      writeFileSync(nodeFile, JSON.stringify(cluster.node));
      const bytes = statSync(file).size;
      const nodeIP = cluster.node.interfaces[1].addresses[0].split("/")[0];
      process.stderr.write(`bench: ${k(size)} service ports: ${fmt(mb(bytes))} MB, ${cluster.lines} lines\n`);

      // The reference (iptables) just before and just after the kit's own parse in a fresh process: the same
      // file in the same run, the best of each, so a burst of load on the machine does not decide the ratio.
      const small = size <= 10_000;
      const iptablesTimes: number[] = [];
      const cliTimes: number[] = [];
      if (ns.name) iptablesTimes.push(iptablesTest(ns, file));
      cliTimes.push(cliParseMs(file));
      const job: Job = {
        file, nodeFile, nodeIP, services: size, connections: options.connections,
        naiveConnections: size <= 1000 ? 200 : size <= 10_000 ? 40 : 10,
        referenceConnections: Math.min(500, options.connections),
        followUpConnections: Math.min(300, options.connections),
        warmParse: small, sankey: size === Math.min(...options.sizes), profile: size === 10_000,
      };
      t = now();
      const r = spawnSync(process.execPath, ["--expose-gc", self, "--child", JSON.stringify(job)], {
        encoding: "utf8", timeout: 20 * 60_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`bench child for ${size} failed: ${(r.stderr || String(r.error)).trim().slice(-2000)}`);
      const measured = JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
      if (small) cliTimes.push(cliParseMs(file));
      if (ns.name && small) iptablesTimes.push(iptablesTest(ns, file));
      const iptables: SizeResult["iptables"] = ns.name ? { testMs: Math.min(...iptablesTimes), runs: iptablesTimes.length } : { skipped: ns.reason };
      process.stderr.write(`bench: ${k(size)} measured in ${fmt((now() - t) / 1000)} s\n`);
      results.push({ ...measured, services: size, lines: cluster.lines, bytes, generateMs, iptables, cliParse: { ms: Math.min(...cliTimes), runs: cliTimes.length } });
      rmSync(file, { force: true });
    }
  } finally {
    closeNetns(ns);
    rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write("bench: simulate, 10k and 100k connections\n");
  const simulated = simulateBench([10_000, 100_000]);
  report(options, results, simulated, ns.version, loadStart, now() - started);
}

function parseMs(r: SizeResult): number {
  return r.parse.warmMs !== null ? Math.min(r.parse.coldMs, r.parse.warmMs) : r.parse.coldMs;
}

function report(options: Options, results: SizeResult[], simulated: SimulateResult[], iptablesVersion: string | null, loadStart: number[], totalMs: number): void {
  const out: string[] = [];
  const at = (n: number) => results.find((r) => r.services === n);
  const ipt = (r: SizeResult) => ("testMs" in r.iptables ? r.iptables.testMs : null);
  out.push(`kube-iptables-lab benchmark: ${options.style} kube-proxy dumps (seed ${SEED}, up to ${ENDPOINTS_MAX} endpoints, ${AFFINITY_SHARE * 100}% ClientIP affinity, NodePorts for 10%)`);
  out.push(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${loadStart.map((x) => fmt(x, 2)).join(" ")} at start; ${iptablesVersion ?? "no iptables-legacy-restore"}`);
  out.push("");
  out.push(table("Dumps and parsing (parse: in process, best of cold and warm run; tokenize: a bare split into lines and words, same process; "
    + "CLI: `kube-iptables-lab parse FILE` as a whole process; iptables: iptables-legacy-restore --test in a throwaway netns)", [
    "service ports", "lines", "MB", "rules", "parse s", "µs/rule", "tokenize s", "parse ÷ tokenize", "CLI s", "iptables s", "iptables ÷ CLI", "peak RSS MB", "× file",
  ], results.map((r) => {
    const p = parseMs(r), i = ipt(r);
    return [
      k(r.services), r.lines, fmt(mb(r.bytes)), r.rules, fmt(p / 1000, 2), fmt((p * 1000) / r.rules, 2),
      fmt(r.tokenizeOnlyMs / 1000, 2), `${fmt(p / r.tokenizeOnlyMs, 2)}×`, fmt(r.cliParse.ms / 1000, 2),
      i === null ? "n/a" : fmt(i / 1000, 2), i === null ? "n/a" : `${fmt(i / r.cliParse.ms, 2)}×`,
      fmt(r.memory.peakGrowthMB, 0), `${fmt(r.memory.peakGrowthMB / mb(r.bytes), 1)}×`,
    ];
  })));
  out.push("");
  out.push(table("Compiled fast path (compile: the dump into checks over numbers and the long chains' index, once per dump; bind: to the node, once per node: every DNAT address routed, MASQUERADE's choices, each rule's Service port; heap: what both keep, against the parsed model's; first trace: right after them)", [
    "service ports", "compile ms", "µs/rule", "bind ms", "compiled heap MB", "model heap MB", "compiled ÷ model", "first trace ms", "reference µs", "fast µs", "reference ÷ fast",
  ], results.map((r) => [
    k(r.services), fmt(r.compileMs, 0), fmt((r.compileMs * 1000) / r.rules, 2), fmt(r.bindMs, 0), fmt(r.compiledHeapMB, 1), fmt(r.memory.retainedHeapMB, 1),
    `${fmt(r.compiledHeapMB / r.memory.retainedHeapMB, 2)}×`, fmt(r.indexBuildMs, 1),
    fmt(r.trace.reference.usPerConnection, 1), fmt(r.trace.reference.fastUsPerConnection, 1), `${fmt(r.trace.reference.usPerConnection / r.trace.reference.fastUsPerConnection, 1)}×`,
  ])));
  out.push("(reference: the explaining engine with explanations off and the chain index, on the first connections of the trace set, warm; fast: the compiled path on the same connections; the two interleaved in blocks of 50, the order swapped from block to block)");
  out.push("");
  out.push(table("Services and traces (explanations off, compiled fast path; trace: first packet, every outcome, first time and repeated; naive: the same connections, explaining engine with a full scan)", [
    "service ports", "services() ms", "µs/rule", "trace µs", "repeat µs", "outcomes", "+follow-up µs", "naive µs", "naive ÷ trace", "same", "whole node s", "repeat s", "µs/port", "consistent",
  ], results.map((r) => [
    k(r.services), fmt(r.servicesMs, 0), fmt((r.servicesMs * 1000) / r.rules, 2),
    fmt(r.trace.usPerConnection, 1), fmt(r.trace.repeatUsPerConnection, 1), fmt(r.trace.outcomesPerConnection, 2), fmt(r.trace.followUp.usPerConnection, 0),
    fmt(r.trace.naive.usPerConnection, 0), `${fmt(r.trace.naive.usPerConnection / r.trace.usPerConnection, 1)}×`, r.trace.naive.agree ? "yes" : "NO",
    fmt(r.wholeNode.ms / 1000, 2), fmt(r.wholeNode.repeatMs / 1000, 2), fmt(r.wholeNode.usPerTrace, 0), `${r.wholeNode.consistent}/${r.wholeNode.traces}`,
  ])));
  const sk = results.find((r) => r.sankey !== null)?.sankey;
  if (sk) out.push("", "ms" in sk ? `Whole-node Sankey (nodeSankey, default options) for ${k(sk.services)} service ports: ${fmt(sk.ms, 0)} ms` : `Whole-node Sankey: skipped (${sk.skipped})`);

  const first = results[0], last = results[results.length - 1];
  if (results.length > 1) {
    const grow = (f: (r: SizeResult) => number) => fmt(f(last) / f(first), 2);
    out.push("", `Growth from ${k(first.services)} to ${k(last.services)} service ports (rules × ${fmt(last.rules / first.rules, 1)}): cost per rule × ${grow((r) => parseMs(r) / r.rules)} (parse), × ${grow((r) => r.servicesMs / r.rules)} (services), `
      + `cost per port × ${grow((r) => r.wholeNode.usPerTrace)} (whole node); trace per connection × ${grow((r) => r.trace.usPerConnection)}, naive scan × ${grow((r) => r.trace.naive.usPerConnection)}`);
  }

  const ten = at(10_000);
  const targets: { name: string; target: string; measured: string; met: boolean | null }[] = [];
  if (ten) {
    const i = ipt(ten), p = parseMs(ten);
    const cli = ten.cliParse.ms;
    targets.push({ name: "CLI parse (whole process) vs iptables-legacy-restore --test (10k)", target: "≥ 2× faster", measured: i === null ? "n/a" : `${fmt(i / cli, 2)}×`, met: i === null ? null : i / cli >= 2 });
    targets.push({ name: "in-process parse vs tokenize-only pass (10k)", target: "≤ 1.5×", measured: `${fmt(p / ten.tokenizeOnlyMs, 2)}×`, met: p / ten.tokenizeOnlyMs <= 1.5 });
    targets.push({ name: "peak memory of the parse (10k)", target: "≤ 5× file size", measured: `${fmt(ten.memory.peakGrowthMB / mb(ten.bytes), 1)}×`, met: ten.memory.peakGrowthMB / mb(ten.bytes) <= 5 });
    targets.push({ name: "trace, one connection, all outcomes, compiled (10k)", target: "≤ 10 µs", measured: `${fmt(ten.trace.usPerConnection, 1)} µs`, met: ten.trace.usPerConnection <= 10 });
    targets.push({ name: "whole-node analysis (10k)", target: "≤ 0.2 s", measured: `${fmt(ten.wholeNode.ms / 1000, 2)} s`, met: ten.wholeNode.ms <= 200 });
    targets.push({ name: "compiled form's heap vs the parsed model's (10k)", target: "≤ 2×", measured: `${fmt(ten.compiledHeapMB / ten.memory.retainedHeapMB, 2)}×`, met: ten.compiledHeapMB / ten.memory.retainedHeapMB <= 2 });
    out.push("", table("Targets", ["target", "wanted", "measured", "met"], targets.map((x) => [x.name, x.target, x.measured, x.met === null ? "n/a" : x.met ? "yes" : "no"])));
  }
  const profiled = results.find((r) => r.profile !== null);
  if (profiled?.profile) {
    const p = profiled.profile;
    const rows = Array.from({ length: Math.max(p.parse.length, p.trace.length, p.wholeNode.length) }, (_, i) =>
      [p.parse[i], p.trace[i], p.wholeNode[i]].flatMap((x) => (x ? [`${x.name} ${x.module}`.trim(), `${fmt(x.percent, 1)}%`] : ["", ""])));
    out.push("", table(`Where the time goes at ${k(profiled.services)} (CPU profile, self time; trace: connections not traced before)`,
      ["parse", "%", "trace", "%", "whole node", "%"], rows));
  }
  out.push("", simulateReport(simulated));
  out.push("", `Total ${fmt(totalMs / 1000, 0)} s. Numbers vary with the machine's load; the ratios are within one run.`);
  process.stdout.write(out.join("\n") + "\n");

  const json = {
    format: "kube-iptables-lab/bench@1",
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? null, loadAverageAtStart: loadStart.map((x) => round(x)), loadAverageAtEnd: loadavg().map((x) => round(x)) },
    iptables: iptablesVersion,
    generator: { style: options.style, seed: SEED, endpointsMax: ENDPOINTS_MAX, affinityShare: AFFINITY_SHARE, nodePorts: "10% of the service ports, at most 2768" },
    sizes: results.map((r) => ({
      servicePorts: r.services, lines: r.lines, bytes: r.bytes, rules: r.rules, chains: r.chains, generateMs: round(r.generateMs, 1),
      parse: { coldMs: round(r.parse.coldMs, 1), warmMs: r.parse.warmMs === null ? null : round(r.parse.warmMs, 1), bestMs: round(parseMs(r), 1), usPerRule: round((parseMs(r) * 1000) / r.rules, 3), mbPerSecond: round(mb(r.bytes) / (parseMs(r) / 1000)) },
      tokenizeOnly: { ms: round(r.tokenizeOnlyMs, 1), parseRatio: round(parseMs(r) / r.tokenizeOnlyMs, 3) },
      cliParse: { ms: round(r.cliParse.ms, 1), runs: r.cliParse.runs },
      iptablesTest: "testMs" in r.iptables ? { ms: round(r.iptables.testMs, 1), runs: r.iptables.runs, mbPerSecond: round(mb(r.bytes) / (r.iptables.testMs / 1000)), parseSpeedup: round(r.iptables.testMs / parseMs(r), 3), cliParseSpeedup: round(r.iptables.testMs / r.cliParse.ms, 3) } : { skipped: r.iptables.skipped },
      memory: { baselineMB: round(r.memory.baselineMB, 1), peakGrowthMB: round(r.memory.peakGrowthMB, 1), perFileSize: round(r.memory.peakGrowthMB / mb(r.bytes)), retainedHeapMB: round(r.memory.retainedHeapMB, 1) },
      services: { ms: round(r.servicesMs, 1), servicePorts: r.servicePorts, usPerRule: round((r.servicesMs * 1000) / r.rules, 3) },
      indexBuildMs: round(r.indexBuildMs, 1),
      compiled: { compileMs: round(r.compileMs, 1), bindMs: round(r.bindMs, 1), heapMB: round(r.compiledHeapMB, 1), perModelHeap: round(r.compiledHeapMB / r.memory.retainedHeapMB, 3), firstTraceMs: round(r.indexBuildMs, 1) },
      trace: {
        connections: r.trace.connections, usPerConnection: round(r.trace.usPerConnection, 1), repeatUsPerConnection: round(r.trace.repeatUsPerConnection, 1),
        outcomesPerConnection: round(r.trace.outcomesPerConnection, 3),
        withFollowUp: { connections: r.trace.followUp.connections, usPerConnection: round(r.trace.followUp.usPerConnection, 1) },
        naive: { connections: r.trace.naive.connections, usPerConnection: round(r.trace.naive.usPerConnection, 1), sameOutcomes: r.trace.naive.agree, ratio: round(r.trace.naive.usPerConnection / r.trace.usPerConnection, 2) },
        reference: {
          connections: r.trace.reference.connections, usPerConnection: round(r.trace.reference.usPerConnection, 1),
          fastUsPerConnection: round(r.trace.reference.fastUsPerConnection, 1), ratio: round(r.trace.reference.usPerConnection / r.trace.reference.fastUsPerConnection, 2),
        },
      },
      wholeNode: { traces: r.wholeNode.traces, ms: round(r.wholeNode.ms, 1), repeatMs: round(r.wholeNode.repeatMs, 1), usPerTrace: round(r.wholeNode.usPerTrace, 1), consistentWithServices: r.wholeNode.consistent },
      sankey: r.sankey === null ? null : "ms" in r.sankey ? { ms: round(r.sankey.ms, 1), servicePorts: r.sankey.services } : r.sankey,
      profile: r.profile,
    })),
    simulate: simulated.map((r) => ({ connections: r.connections, ms: round(r.ms, 1), usPerConnection: round(r.usPerConnection, 1), peakGrowthMB: round(r.peakGrowthMB, 1), liveGrowthMB: round(r.liveGrowthMB, 1), accepted: r.accepted })),
    targets,
    totalSeconds: round(totalMs / 1000, 1),
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(json, null, 2) + "\n");
  process.stderr.write(`bench: numbers written to ${options.out}\n`);
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  child(JSON.parse(argv[1]) as Job).then(
    (r) => process.stdout.write(JSON.stringify(r) + "\n"),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    },
  );
} else {
  let options: Options | "help";
  try {
    options = readOptions(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  parent(options).catch((e: Error) => {
    process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
}

