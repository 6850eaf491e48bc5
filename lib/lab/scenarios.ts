/**
 * Scenario files (`kube-iptables-lab/scenarios@1`, documented in
 * data/wordpress/README.md) and running them against the kernel:
 *
 * - `connection`: one new connection from a clean node (no connections, empty
 *   xt_recent lists); it must be one of the simulator's outcomes in every
 *   respect (endpoint, source the server saw, nat rules counted, lists);
 * - `split`: a fixed number of such connections, each from a clean node,
 *   each checked as above, and the endpoints' counts tested against the
 *   exact probabilities (binomial or chi-square);
 * - `sequence`: connections (and waits) in order without cleaning in
 *   between, so affinity lists carry over; the simulator follows the same
 *   path (its state after each connection is the state of the outcome the
 *   kernel took), lists are compared after every connection, and the free
 *   running `simulateConnections` must predict the same pattern of random
 *   and determined choices. `recentSeconds` runs it on a copy of the dump
 *   with every `--seconds N` replaced (so an expiry can be waited out).
 */
import type { Diagnostic, Dump } from "../model/dump.js";
import type { NodeContext } from "../node/context.js";
import { parseDump } from "../parse/parser.js";
import { fraction, add, formatFraction, toNumber, type Fraction } from "../math/fraction.js";
import type { ConnectionSpec, Protocol } from "../trace/packet.js";
import { emptyState, tupleKey, type NetState } from "../trace/state.js";
import { connectionOf, traceConnection, type Trace, type TraceOutcome } from "../trace/trace.js";
import { simulateConnections, type TimedConnection } from "../trace/simulate.js";
import { compareConnection, type ConnectionComparison, type ConnectionObservation } from "./kernel-vs-simulator.js";
import { labEnvironment, withLab, type Lab, type LabEnvironment } from "./lab.js";
import { goodnessOfFit, type FitResult } from "./stats.js";
import type { ClientPlacement } from "./topology.js";
import { t } from "../i18n/language.js";
import { problemsText, shapeProblems, type ShapeProblem } from "../json/shape.js";

/** A problem in a scenario file: where, and what was expected (`problems` holds each one by JSON path when the file is wrong). */
export class ScenarioError extends Error {
  constructor(message: string, readonly problems: ShapeProblem[] = []) {
    super(message);
  }
}

/** A connection as a scenario gives it. */
export interface ScenarioConnection {
  protocol?: "tcp" | "udp";
  src: string;
  /** Source port; an ephemeral one when absent. */
  sport?: number;
  dst: string;
  dport: number;
  /** Where it starts; inferred from the node's routes when absent. */
  from?: { interface: string } | "local";
  /** Client timeout in milliseconds (default 3000). */
  timeoutMs?: number;
}

interface ScenarioBase {
  id: string;
  /** The student's question this scenario answers. */
  question: string;
}

/** One connection from a clean node. */
export interface ConnectionScenario extends ScenarioBase {
  kind: "connection";
  connect: ScenarioConnection;
}

/** Many connections from a clean node each: the split. */
export interface SplitScenario extends ScenarioBase {
  kind: "split";
  connect: ScenarioConnection;
  connections: number;
}

/** A step of a sequence. */
export type SequenceStep = { connect: ScenarioConnection; label?: string } | { wait: number };

/** Connections in order, with state carried over. */
export interface SequenceScenario extends ScenarioBase {
  kind: "sequence";
  steps: SequenceStep[];
  /** Run on a copy of the dump with every `--seconds N` replaced by this value. */
  recentSeconds?: number;
}

export type Scenario = ConnectionScenario | SplitScenario | SequenceScenario;

/** A whole scenario file. */
export interface ScenarioFile {
  format: "kube-iptables-lab/scenarios@1";
  /** Significance for the whole run, split evenly over the split scenarios (default 1e-6). */
  significance: number;
  scenarios: Scenario[];
}

/** Read and check a scenario file's JSON (schemas/scenarios.schema.json); throws ScenarioError naming each problem's path. */
export function parseScenarioFile(json: unknown, file = "scenarios.json"): ScenarioFile {
  const problems = shapeProblems("scenarios", json);
  const checked = json as { significance?: number; scenarios: (Omit<Scenario, "kind"> & { kind?: Scenario["kind"] })[] };
  if (problems.length === 0) {
    const seen = new Set<string>();
    checked.scenarios.forEach((s, i) => {
      if (seen.has(s.id)) problems.push({ path: ["scenarios", i, "id"], message: t("{} is used twice", JSON.stringify(s.id)) });
      seen.add(s.id);
    });
  }
  if (problems.length > 0) throw new ScenarioError(problemsText(file, problems), problems);
  const scenarios = checked.scenarios.map((s) => ({ ...s, kind: s.kind ?? "connection" }) as Scenario);
  return { format: "kube-iptables-lab/scenarios@1", significance: checked.significance ?? 1e-6, scenarios };
}

function connectionsOf(s: Scenario): ScenarioConnection[] {
  if (s.kind === "sequence") return s.steps.flatMap((st) => ("connect" in st ? [st.connect] : []));
  return [s.connect];
}

/** Every client address the scenarios connect from (for the lab's plan). */
export function scenarioClients(file: ScenarioFile): ClientPlacement[] {
  const seen = new Map<string, ClientPlacement>();
  for (const s of file.scenarios) {
    for (const c of connectionsOf(s)) {
      const key = `${c.src} ${JSON.stringify(c.from ?? null)}`;
      if (!seen.has(key)) seen.set(key, { src: c.src, ...(c.from ? { from: c.from } : {}) });
    }
  }
  return [...seen.values()];
}

/** Every TCP destination port the scenarios use (the router's catch-all answers on them). */
export function scenarioPorts(file: ScenarioFile): number[] {
  return [...new Set(file.scenarios.flatMap((s) => connectionsOf(s).filter((c) => (c.protocol ?? "tcp") === "tcp").map((c) => c.dport)))].sort((a, b) => a - b);
}

/** The dump text with every xt_recent `--seconds N` replaced (line numbers are unchanged). */
export function withRecentSeconds(text: string, seconds: number): string {
  return text.replace(/--seconds \d+/g, `--seconds ${seconds}`);
}

/** One connection of a scenario, as recorded in the results. */
export interface ConnectionRecord {
  label?: string;
  time: number;
  connection: string;
  kernel: string;
  simulator: string;
  agree: boolean;
  reasons: string[];
  /** The node's xt_recent lists right after the connection (kernel), as `address×hits` per list. */
  recent: Record<string, string[]>;
}

/** The result of one scenario. */
export interface ScenarioResult {
  /** Set when a connection was measured a second time because the first reading disagreed on nat counters only (and why). */
  retried?: string;
  id: string;
  question: string;
  kind: Scenario["kind"];
  /** What the kernel did, in one paragraph. */
  kernel: string;
  /** What the simulator predicted, in one paragraph. */
  simulator: string;
  agree: boolean;
  /** Why not, when it does not agree. */
  reasons: string[];
  connections: ConnectionRecord[];
  /** For split scenarios: counts, exact probabilities and the test. */
  split?: { counts: { key: string; count: number; probability: string; expected: number }[]; fit: FitResult };
  seconds: number;
}

/** Everything a verify run produces (`kernel-agreement.json`). */
export interface VerifyReport {
  /** @2 added `dumpWarnings`. */
  format: "kube-iptables-lab/kernel-agreement@2";
  dump: string;
  node: string;
  environment: LabEnvironment;
  date: string;
  significance: number;
  allAgree: boolean;
  scenarios: ScenarioResult[];
  seconds: number;
  /** The dump's own warnings (the parser's, a byte that is not UTF-8), as verify printed them; empty when none. */
  dumpWarnings: Diagnostic[];
}

/** What scenarios run against. */
export interface VerifyInput {
  dumpText: string;
  dump: Dump;
  /** File name for the report. */
  dumpFile: string;
  node: NodeContext;
  scenarios: ScenarioFile;
  /** The dump's own warnings, for the report (none when left out). */
  dumpWarnings?: Diagnostic[];
}

function specOf(c: ScenarioConnection): ConnectionSpec {
  return {
    protocol: (c.protocol ?? "tcp") as Protocol, src: c.src, dst: c.dst, dport: c.dport,
    ...(c.sport !== undefined ? { sport: c.sport } : {}),
    ...(c.from ? { from: c.from } : {}),
  };
}

function connectionText(c: ScenarioConnection): string {
  const from = c.from === "local" ? " (from the node)" : c.from ? ` (in on ${c.from.interface})` : "";
  return `${c.protocol ?? "tcp"} ${c.src}${c.sport ? `:${c.sport}` : ""} -> ${c.dst}:${c.dport}${from}`;
}

function trace(dump: Dump, node: NodeContext, obs: ConnectionObservation, state: NetState, now: number): Trace {
  return traceConnection(dump, node, obs.spec, { state, now, explain: false, followUp: false });
}

function record(c: ScenarioConnection, obs: ConnectionObservation, cmp: ConnectionComparison, label?: string): ConnectionRecord {
  return {
    ...(label ? { label } : {}), time: Math.round(obs.time * 1000) / 1000, connection: connectionText(c),
    kernel: cmp.kernel, simulator: cmp.simulator, agree: cmp.agree, reasons: cmp.reasons, recent: recentText(obs),
  };
}

function recentText(obs: ConnectionObservation): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(obs.recent)) out[name] = entries.map((e) => `${e.address}×${e.hits}`);
  return out;
}

function listsText(lists: Record<string, string[]>): string {
  const names = Object.keys(lists);
  return names.length ? names.map((n) => `${n} [${lists[n].join(", ")}]`).join(", ") : "all empty";
}

function keyOfObservation(obs: ConnectionObservation): string {
  return obs.answered ? obs.server! : `no answer (${obs.error})`;
}

function keyOfOutcome(o: TraceOutcome): string {
  if (o.verdict === "accepted") return `${o.after.dst}:${o.after.dport}`;
  return o.verdict === "dropped" ? "no answer (timeout)" : `no answer (${o.verdict})`;
}

/** Whether every disagreement is about nat counters only: the one kind another packet of the node (not this connection) can cause. */
function countersOnly(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((r) => r.includes("nat rule counters:"));
}

async function runConnection(lab: Lab, input: VerifyInput, s: ConnectionScenario): Promise<Omit<ScenarioResult, "seconds">> {
  const attempt = async () => {
    await lab.reset();
    const obs = await lab.connect(specOf(s.connect), 0, s.connect.timeoutMs);
    return { obs, cmp: compareConnection(trace(input.dump, input.node, obs, emptyState(), 0), obs) };
  };
  let { obs, cmp } = await attempt();
  let retried: string | undefined;
  // The counters are the node's, not the connection's: a packet the node sent on its own in the
  // same moment (seen a few seconds after a lab starts) adds its lines. A real disagreement
  // repeats; such noise does not. Measured once more, and the first reading kept in the result.
  if (!cmp.agree && countersOnly(cmp.reasons)) {
    retried = `a first attempt disagreed on counters only (${cmp.reasons.join("; ")}); measured again`;
    ({ obs, cmp } = await attempt());
  }
  return {
    id: s.id, question: s.question, kind: s.kind, kernel: cmp.kernel, simulator: cmp.simulator,
    agree: cmp.agree, reasons: cmp.reasons, connections: [record(s.connect, obs, cmp)],
    ...(retried ? { retried } : {}),
  };
}

async function runSplit(lab: Lab, input: VerifyInput, s: SplitScenario, significance: number): Promise<Omit<ScenarioResult, "seconds">> {
  // The exact split for a first connection (outcomes do not depend on the source port here;
  // each connection is still traced with its own port below).
  const first = traceConnection(input.dump, input.node, specOf(s.connect), { explain: false, followUp: false });
  const exact = new Map<string, Fraction>();
  for (const o of first.outcomes) {
    const k = keyOfOutcome(o);
    exact.set(k, exact.has(k) ? add(exact.get(k)!, o.probability) : o.probability);
  }
  const counts = new Map<string, number>([...exact.keys()].map((k) => [k, 0]));
  const records: ConnectionRecord[] = [];
  const reasons: string[] = [];
  let mismatches = 0;
  // Bounded: exactly s.connections connections, each with its own timeout.
  for (let i = 0; i < s.connections; i++) {
    await lab.reset();
    const obs = await lab.connect(specOf(s.connect), 0, s.connect.timeoutMs);
    const cmp = compareConnection(trace(input.dump, input.node, obs, emptyState(), 0), obs);
    const k = keyOfObservation(obs);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    if (!cmp.agree) {
      mismatches++;
      if (records.length < 5) records.push(record(s.connect, obs, cmp, `connection ${i + 1}`));
      if (reasons.length < 5) reasons.push(`connection ${i + 1}: ${cmp.reasons.join("; ")}`);
    }
  }
  const categories = [...counts.entries()].map(([key, count]) => ({ key, count, probability: exact.get(key) ?? fraction(0) }));
  const fit = goodnessOfFit(categories, significance);
  const n = s.connections;
  if (!fit.pass) reasons.push(`${fit.test} test: p = ${fit.pValue.toExponential(2)} < ${significance.toExponential(1)}: the kernel's split does not fit the exact probabilities`);
  const kernel = `${n} connections, each from a clean node: ${categories.map((c) => `${c.key} ×${c.count}`).join(", ")}`
    + (mismatches ? `; ${mismatches} did not match any simulator outcome` : "; every one matched a simulator outcome (endpoint, source, nat rules, lists)");
  const simulator = `${categories.filter((c) => exact.has(c.key)).map((c) => `${c.key} ${formatFraction(c.probability)}`).join(", ")}`
    + `; ${fit.test} test p = ${fit.pValue.toPrecision(3)} (fails below ${significance.toExponential(1)})`;
  return {
    id: s.id, question: s.question, kind: s.kind, kernel, simulator, agree: mismatches === 0 && fit.pass, reasons, connections: records,
    split: {
      counts: categories.map((c) => ({ key: c.key, count: c.count, probability: formatFraction(c.probability), expected: n * toNumber(c.probability) })),
      fit,
    },
  };
}

function endpointsOf(outcomes: TraceOutcome[]): string[] {
  return [...new Set(outcomes.map(keyOfOutcome))].sort();
}

async function runSequence(lab: Lab, input: VerifyInput, s: SequenceScenario): Promise<Omit<ScenarioResult, "seconds">> {
  let dump = input.dump;
  let text = input.dumpText;
  if (s.recentSeconds !== undefined) {
    text = withRecentSeconds(input.dumpText, s.recentSeconds);
    const parsed = parseDump(text, { file: `${input.dumpFile} (--seconds ${s.recentSeconds})` });
    if (parsed.errors.length) throw new ScenarioError(`${s.id}: the copy with --seconds ${s.recentSeconds} does not parse: ${parsed.errors[0].message}`);
    dump = parsed.dump;
    await lab.loadRules(text, dump);
  }
  try {
    await lab.reset();
    const started = Date.now();
    let state = emptyState();
    const records: ConnectionRecord[] = [];
    const reasons: string[] = [];
    const timed: TimedConnection[] = [];
    const conditioned: { endpoints: string[]; label: string }[] = [];
    const kernelSteps: string[] = [];
    let n = 0;
    for (const step of s.steps) {
      if ("wait" in step) {
        // The one real-time wait of the lab: letting a short xt_recent --seconds run out
        // (expiry scenarios run on a copy of the dump with --seconds made small).
        await new Promise((resolve) => setTimeout(resolve, step.wait * 1000));
        kernelSteps.push(`wait ${step.wait}s`);
        continue;
      }
      n++;
      const label = step.label ?? `#${n}`;
      const now = (Date.now() - started) / 1000;
      const obs = await lab.connect(specOf(step.connect), now, step.connect.timeoutMs);
      const t = trace(dump, input.node, obs, state, now);
      const cmp = compareConnection(t, obs);
      records.push(record(step.connect, obs, cmp, label));
      kernelSteps.push(`${label} ${keyOfObservation(obs)}`);
      if (s.recentSeconds !== undefined) kernelSteps[kernelSteps.length - 1] += ` (lists: ${listsText(recentText(obs))})`;
      conditioned.push({ endpoints: endpointsOf(t.outcomes), label });
      timed.push({ ...obs.spec, time: now, label });
      if (!cmp.agree) {
        reasons.push(`${label}: ${cmp.reasons.join("; ")}`);
        break;
      }
      // The simulator follows the path the kernel took.
      const o = t.outcomes[cmp.outcome!];
      state = o.state;
      if (o.verdict === "accepted") {
        const entry = connectionOf(o, now);
        state = { ...state, conntrack: new Map(state.conntrack).set(tupleKey(entry.original), entry) };
      }
    }
    // The free-running simulator over the same connections and times: it must agree on which
    // connections are random (several endpoints possible) and which are determined (affinity).
    const free = simulateConnections(dump, input.node, timed, { seed: 1 });
    const simSteps: string[] = [];
    free.forEach((e, i) => {
      const possible = endpointsOf(e.possible);
      const label = conditioned[i].label;
      const chosen = keyOfOutcome(e.possible[e.chosen]);
      simSteps.push(possible.length > 1 ? `${label} random among ${possible.length} (drew ${chosen})` : `${label} ${chosen}`);
      const random = possible.length > 1, kernelRandom = conditioned[i].endpoints.length > 1;
      if (random !== kernelRandom)
        reasons.push(`${label}: simulateConnections says the choice is ${random ? "random" : "determined"}, but along the kernel's path it is ${kernelRandom ? "random" : "determined"}`);
    });
    const agree = reasons.length === 0;
    const firstDisagreement = records.find((r) => !r.agree);
    return {
      id: s.id, question: s.question, kind: s.kind,
      kernel: kernelSteps.join("; ") + (s.recentSeconds !== undefined ? ` (dump copy with --seconds ${s.recentSeconds})`
        : records.length ? `; xt_recent lists at the end: ${listsText(records[records.length - 1].recent)}` : ""),
      simulator: `following the kernel's path, every connection is one of the simulator's outcomes${firstDisagreement ? " except " + firstDisagreement.label : ""}, with the same xt_recent lists after each; simulateConnections (seed 1): ${simSteps.join("; ")}`,
      agree, reasons, connections: records,
    };
  } finally {
    if (s.recentSeconds !== undefined) await lab.loadRules(input.dumpText, input.dump);
  }
}

/** Run one scenario in an open lab. */
export async function runScenario(lab: Lab, input: VerifyInput, s: Scenario, significance: number): Promise<ScenarioResult> {
  const started = Date.now();
  const r = s.kind === "connection" ? await runConnection(lab, input, s)
    : s.kind === "split" ? await runSplit(lab, input, s, significance)
      : await runSequence(lab, input, s);
  return { ...r, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/**
 * Build a lab for the dump and node, run every scenario, tear the lab down.
 * The run's significance is split evenly over the split scenarios, so the
 * chance that a correct simulator fails the run by bad luck is at most
 * `file.significance` (1e-6 by default).
 */
export async function verifyScenarios(input: VerifyInput, options: { onResult?: (r: ScenarioResult, index: number, total: number) => void; only?: string[] } = {}): Promise<VerifyReport> {
  const started = Date.now();
  const selected = options.only ? input.scenarios.scenarios.filter((s) => options.only!.includes(s.id)) : input.scenarios.scenarios;
  const splits = selected.filter((s) => s.kind === "split").length;
  const perTest = splits > 0 ? input.scenarios.significance / splits : input.scenarios.significance;
  const environment = await labEnvironment();
  const results: ScenarioResult[] = [];
  await withLab({
    dumpText: input.dumpText, dump: input.dump, node: input.node,
    clients: scenarioClients(input.scenarios), catchAllPorts: scenarioPorts(input.scenarios),
  }, async (lab) => {
    for (const [i, s] of selected.entries()) {
      const r = await runScenario(lab, input, s, perTest);
      results.push(r);
      options.onResult?.(r, i, selected.length);
    }
  });
  return {
    format: "kube-iptables-lab/kernel-agreement@2",
    dump: input.dumpFile,
    node: input.node.name,
    environment,
    date: new Date().toISOString(),
    significance: input.scenarios.significance,
    allAgree: results.every((r) => r.agree),
    scenarios: results,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    dumpWarnings: input.dumpWarnings ?? [],
  };
}

