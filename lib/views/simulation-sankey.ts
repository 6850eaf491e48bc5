/**
 * Counts instead of probabilities: where the connections of a simulation
 * went (with the affinity path told apart from the random split), and a
 * Monte Carlo sample next to the exact split it estimates.
 */
import type { SampledShare, SimulationEvent } from "../trace/outcome.js";
import type { TraceOutcome } from "../trace/outcome.js";
import { formatFraction, formatPercent, toNumber } from "../math/fraction.js";
import { escapeHtml } from "./escape.js";
import { FlowBuilder, type FlowGraph } from "./flow.js";
import { tableHtml, viewHtml, markup } from "./html.js";
import { chartId, hashText } from "./ids.js";
import { renderSankey, sankeyFigure, graphKey, type SankeyOptions } from "./sankey.js";
import { isAffinityStep, outcomeEnd } from "./trace-sankey.js";
import { t } from "../i18n/language.js";

/** How a simulated connection chose its endpoint. */
export type RouteMode = "affinity" | "random" | "single";

/** `affinity`: a returning client sent back by an xt_recent rule; `random`: a statistic rule decided; `single`: only one way was possible. */
export function routeMode(o: TraceOutcome): RouteMode {
  if (o.steps.some(isAffinityStep)) return "affinity";
  if (o.steps.some((s) => s.probability !== undefined)) return "random";
  return "single";
}

const MODE_LABEL: Record<RouteMode, string> = {
  affinity: "returning client: affinity",
  random: "new client: random split",
  single: "one possible path",
};

/** Layout data of a simulation: destination called → endpoint (or verdict), bands are connection counts, hatched where affinity decided. */
export function simulationGraph(events: readonly SimulationEvent[]): FlowGraph {
  const b = new FlowBuilder();
  const perEntry = new Map<string, number>();
  for (const e of events) {
    const k = `${e.connection.protocol ?? "tcp"} ${e.connection.dst}:${e.connection.dport}`;
    perEntry.set(k, (perEntry.get(k) ?? 0) + 1);
  }
  const returning = new Map<string, number>();
  for (const e of events) {
    const c = e.connection;
    const proto = c.protocol ?? "tcp";
    const key = `${proto} ${c.dst}:${c.dport}`;
    const n = perEntry.get(key)!;
    const entry = b.node(`entry:${key}`, "entry", [`${c.dst}:${c.dport}/${proto}`, t(n === 1 ? "{} connection" : "{} connections", n)]);
    const o = e.possible[e.chosen];
    const mode = routeMode(o);
    const who = `${c.label ? `${c.label} (t=${c.time} s)` : t("{} at t={} s", c.src, c.time)}: ${t(MODE_LABEL[mode])}`;
    let target: string;
    if (o.verdict === "accepted") {
      const dest = `${o.after.dst}:${o.after.dport}`;
      target = b.node(`dest:${dest}`, "endpoint", [dest]);
    } else {
      const end = outcomeEnd(o);
      target = b.node(`end:${end.label.join(" ")}`, end.kind, end.label, end.title);
    }
    if (mode === "affinity") returning.set(target, (returning.get(target) ?? 0) + 1);
    b.link(entry, target, mode === "affinity" ? "affinity" : "flow", { count: 1 }, o.dnat?.line ?? null, who);
  }
  // Endpoint labels with their totals.
  for (const node of b.nodes) {
    if (node.kind === "entry") continue;
    const count = b.links.filter((l) => l.target === node.id).reduce((a, l) => a + (l.count ?? 0), 0);
    const back = returning.get(node.id) ?? 0;
    node.label = [node.label[0], back ? t("{} of {}, {} returning", count, events.length, back) : t("{} of {}", count, events.length)];
  }
  return b.graph("count");
}

/** Sankey diagram of a simulation's connections, counting where each went and whether affinity or the random split decided. */
export function simulationSankey(events: readonly SimulationEvent[], options: SankeyOptions = {}): string {
  return renderSankey(simulationGraph(events), { title: t(events.length === 1 ? "Where {} simulated connection went" : "Where {} simulated connections went", events.length), ...options });
}

/** Options of the sampled-versus-exact layout. */
export interface SampledSplitOptions extends SankeyOptions {
  /** What was called, for the left-hand node (default `new connections`). */
  entry?: string;
}

/** The two layouts of a Monte Carlo sample: the exact split and the sampled counts, nodes in the same order. */
export function sampledSplitGraphs(shares: readonly SampledShare[], entry = t("new connections")): { exact: FlowGraph; sampled: FlowGraph } {
  const runs = shares.reduce((a, s) => a + s.count, 0);
  const exact = new FlowBuilder();
  const sampled = new FlowBuilder();
  const e1 = exact.node("entry", "entry", [entry, t("exact")]);
  const e2 = sampled.node("entry", "entry", [entry, t("{} sampled", runs)]);
  for (const s of shares) {
    const kind = /^\d+\.\d+\.\d+\.\d+:\d+$/.test(s.key) ? "endpoint" : s.key === "accepted" ? "delivered" : s.key === "uncertain" ? "uncertain" : "dropped";
    exact.node(`key:${s.key}`, kind, [s.key, s.exact.den === 1n ? formatPercent(s.exact) : `${formatPercent(s.exact)} = ${formatFraction(s.exact)}`]);
    exact.link(e1, `key:${s.key}`, "flow", { exact: s.exact }, null, `${s.key}: ${t("exactly {}", `${formatFraction(s.exact)} = ${formatPercent(s.exact)}`)}`);
    const pct = runs > 0 ? `${((100 * s.count) / runs).toFixed(2)}%` : "0%";
    sampled.node(`key:${s.key}`, kind, [s.key, `${s.count} = ${pct}`, `99.9%: ${(100 * s.low).toFixed(2)}–${(100 * s.high).toFixed(2)}%`]);
    sampled.link(e2, `key:${s.key}`, "flow", { count: s.count }, null, `${s.key}: ${t("{} of {} = {}; 99.9% Wilson interval {}; exact {}", s.count, runs, pct, `${(100 * s.low).toFixed(2)}%–${(100 * s.high).toFixed(2)}%`, formatPercent(s.exact))}`);
  }
  return { exact: exact.graph("probability"), sampled: sampled.graph("count") };
}

/** Exact split and Monte Carlo sample (from `sampleSplit`) side by side, with a table of counts, intervals and the exact values. */
export function sampledSplitSankey(shares: readonly SampledShare[], options: SampledSplitOptions = {}): string {
  const { exact, sampled } = sampledSplitGraphs(shares, options.entry);
  const id = chartId("kil-sampled", options.id, hashText(graphKey(exact) + graphKey(sampled)));
  const runs = shares.reduce((a, s) => a + s.count, 0);
  const inner = { ...options, title: undefined, caption: undefined, width: undefined };
  const left = sankeyFigure(exact, { ...inner, id: `${id}-exact` });
  const right = sankeyFigure(sampled, { ...inner, id: `${id}-sampled` });
  const rows = shares.map((s) => {
    const inside = toNumber(s.exact) >= s.low && toNumber(s.exact) <= s.high;
    return [
      markup(`<code>${escapeHtml(s.key)}</code>`),
      { content: formatFraction(s.exact), className: "kil-num" },
      { content: formatPercent(s.exact), className: "kil-num" },
      { content: s.count, className: "kil-num" },
      { content: runs > 0 ? `${((100 * s.count) / runs).toFixed(2)}%` : "", className: "kil-num" },
      { content: `${(100 * s.low).toFixed(2)}% – ${(100 * s.high).toFixed(2)}%`, className: "kil-num" },
      markup(inside ? `<span class="kil-yes">${escapeHtml(t("yes"))}</span>` : `<span class="kil-no">${escapeHtml(t("no"))}</span>`),
    ];
  });
  const table = tableHtml({
    head: [t("destination"), { text: t("exact"), className: "kil-num" }, { text: t("exact %"), className: "kil-num" }, { text: t("count"), className: "kil-num" }, { text: t("sampled %"), className: "kil-num" }, { text: t("99.9% interval"), className: "kil-num" }, t("exact inside?")],
    rows,
  });
  const body = `<div class="kil-side"><div><div class="kil-title">${escapeHtml(t("Exact (from the rules)"))}</div>${left}</div><div><div class="kil-title">${escapeHtml(t("Sampled ({} connections)", runs))}</div>${right}</div></div>${table}`;
  return viewHtml("sampled", body, { title: options.title ?? "Exact split and a sample", caption: options.caption });
}
