/**
 * Draws a `FlowGraph` as a Sankey diagram: d3-sankey computes where nodes
 * and bands go, @observablehq/plot draws them (`Plot.rect` for nodes,
 * `Plot.link` with a bump curve for bands, `Plot.text` for labels) into a
 * DOM made by linkedom, so it runs in Node, in tslab and in a build script
 * alike. The result is an HTML string (a figure with the SVG, a legend and
 * notes) that needs no script and no external file.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { sankey as d3Sankey, sankeyJustify, type SankeyGraph, type SankeyNode } from "d3-sankey";
import { escapeHtml, textWidth, truncate } from "./escape.js";
import type { FlowGraph, FlowLinkKind, FlowNodeKind } from "./flow.js";
import { chartId, normalisePlotIds } from "./ids.js";
import { viewHtml, type ViewOptions } from "./html.js";
import { OKABE_ITO } from "./style.js";
import { t } from "../i18n/language.js";

/** Options of every Sankey view. */
export interface SankeyOptions extends ViewOptions {
  /** The chart's id, used for the ids inside the SVG (letters, digits, `-`, `_`); derived from the content when absent or invalid. */
  id?: string;
  /** Minimum width in pixels (default 720); wider when the labels need it (on a wide screen the SVG scales down to fit its container; on a phone it keeps this size and scrolls sideways, see style.ts). */
  width?: number;
  /** Height in pixels; by default enough for every label. */
  height?: number;
  /** Smallest automatic height (default 240). */
  minHeight?: number;
  /** Largest automatic height (default 1600). */
  maxHeight?: number;
  /** Width of a node box (default 12). */
  nodeWidth?: number;
  /** Vertical gap between nodes (default 12). */
  nodePadding?: number;
  /** Longest label line in character cells before it is shortened with `…` (default 48); the full text stays in the tooltip. */
  labelLength?: number;
  /** Show the legend (default true). */
  legend?: boolean;
  /** Keep labels off the bands: a node's outgoing bands start after its label instead of under it (default false). */
  labelLane?: boolean;
}

/** Colour and legend text (English; drawn in the current language) of each node kind, in legend order. */
export const NODE_STYLES: Record<FlowNodeKind, { color: string; legend: string }> = {
  entry: { color: OKABE_ITO.blue, legend: "entry (ClusterIP, NodePort, the packet)" },
  dispatch: { color: "#6E6E6E", legend: "dispatch chain (KUBE-SERVICES, KUBE-NODEPORTS)" },
  group: { color: OKABE_ITO.skyBlue, legend: "group" },
  chain: { color: "#6E6E6E", legend: "chain" },
  service: { color: OKABE_ITO.bluishGreen, legend: "service chain (KUBE-SVC-…)" },
  "endpoint-chain": { color: OKABE_ITO.orange, legend: "endpoint chain (KUBE-SEP-…): DNAT" },
  endpoint: { color: OKABE_ITO.vermillion, legend: "endpoint (pod or node ip:port)" },
  delivered: { color: OKABE_ITO.skyBlue, legend: "delivered (out of an interface, or locally)" },
  dropped: { color: OKABE_ITO.black, legend: "dropped or rejected" },
  uncertain: { color: OKABE_ITO.yellow, legend: "uncertain (a part the simulator does not model)" },
  others: { color: "#B4B4B4", legend: "others (aggregated)" },
};

const AFFINITY_COLOR = OKABE_ITO.reddishPurple;
const FONT = `ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace`;
const FONT_SIZE = 11;
const CHAR_WIDTH = 6.8; // a monospace cell at 11px, with a little room
const LINE_HEIGHT = 13;
const MIN_GAP = 56;

interface NodeExtra {
  id: string;
  order: number;
  kind: FlowNodeKind;
  lines: string[];
  title: string;
}
interface LinkExtra {
  kind: FlowLinkKind;
  title: string;
  order: number;
}
/** d3-sankey sets `layer` (the column), which its type declarations leave out. */
type LNode = SankeyNode<NodeExtra, LinkExtra> & { layer?: number };
type LGraph = SankeyGraph<NodeExtra, LinkExtra>;

const round = (x: number) => Math.round(x * 100) / 100;

/** Legend entries, as inline-SVG swatches (they print, unlike CSS backgrounds). */
function legendHtml(id: string, graph: FlowGraph, kinds: FlowNodeKind[], hasAffinity: boolean): string {
  const legendTexts = graph.legend ?? {};
  const items: string[] = [];
  for (const k of Object.keys(NODE_STYLES) as FlowNodeKind[]) {
    if (!kinds.includes(k)) continue;
    const s = NODE_STYLES[k];
    const stroke = k === "uncertain" ? ` stroke="#555"` : "";
    items.push(`<li><svg width="12" height="14" aria-hidden="true"><rect x="1" y="1" width="10" height="12" fill="${s.color}"${stroke}/></svg>${escapeHtml(t(legendTexts[k] ?? s.legend))}</li>`);
  }
  const unit = graph.unitLabel ?? (graph.unit === "probability" ? "band width = exact probability (from the rules)" : "band width = number of connections");
  items.push(`<li><svg width="26" height="14" aria-hidden="true"><rect x="0" y="3" width="26" height="8" fill="#8C8C8C" fill-opacity="0.45"/></svg>${escapeHtml(t(unit))}</li>`);
  if (hasAffinity) {
    items.push(
      `<li><svg width="26" height="14" aria-hidden="true"><defs>${hatchPattern(`${id}-legend-hatch`)}</defs><rect x="0" y="1" width="26" height="12" fill="url(#${id}-legend-hatch)"/></svg>${escapeHtml(t("returning client: ClientIP affinity keeps it on its endpoint (xt_recent)"))}</li>`
    );
  }
  return `<ul class="kil-legend">${items.join("")}</ul>`;
}

function hatchPattern(patternId: string): string {
  return `<pattern id="${patternId}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="${AFFINITY_COLOR}" fill-opacity="0.18"/><rect width="2.6" height="6" fill="${AFFINITY_COLOR}" fill-opacity="0.9"/></pattern>`;
}

function layout(graph: FlowGraph, lines: Map<string, string[]>, titles: Map<string, string>, top: number, height: number, nodeWidth: number, padding: number): LGraph {
  const nodes: NodeExtra[] = graph.nodes.map((n, i) => ({ id: n.id, order: i, kind: n.kind, lines: lines.get(n.id)!, title: titles.get(n.id)! }));
  const links = graph.links.map((l, i) => ({ source: l.source, target: l.target, value: Math.max(0, l.value), kind: l.kind, title: l.title, order: i }));
  return d3Sankey<NodeExtra, LinkExtra>()
    .nodeId((d) => d.id)
    .nodeAlign(sankeyJustify)
    .nodeWidth(nodeWidth)
    .nodePadding(padding)
    .nodeSort(graph.order === "layout" ? undefined : (a, b) => a.order - b.order)
    .extent([[0, top], [1000, top + height]])({ nodes, links } as unknown as LGraph);
}

/** Draw a flow graph as a Sankey diagram; returns HTML (a figure with an SVG and a legend). */
export function renderSankey(graph: FlowGraph, options: SankeyOptions = {}): string {
  return viewHtml("sankey", sankeyFigure(graph, options), options);
}

/** The JSON of a graph (fractions as text), the content an automatic chart id is derived from. */
export function graphKey(graph: FlowGraph): string {
  return JSON.stringify(graph, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** Each node's label lines (shortened to `labelLength` cells) and its full tooltip. */
function nodeTexts(graph: FlowGraph, labelLength: number): { lines: Map<string, string[]>; titles: Map<string, string> } {
  const lines = new Map<string, string[]>();
  const titles = new Map<string, string>();
  for (const n of graph.nodes) {
    lines.set(n.id, n.label.map((l) => truncate(l, labelLength)));
    titles.set(n.id, n.title ?? n.label.join("\n"));
  }
  return { lines, titles };
}

/**
 * The first pass: d3-sankey's columns and node values, then the height at which every node
 * has room for its label lines (within `minHeight`..`maxHeight` unless `height` is given).
 */
function computeHeight(first: LGraph, padding: number, options: SankeyOptions): number {
  const nodes = first.nodes as LNode[];
  const layers = new Map<number, LNode[]>();
  for (const n of nodes) layers.set(n.layer!, [...(layers.get(n.layer!) ?? []), n]);
  // Pixels per unit of value so the tallest label fits beside its node.
  let ky = 0;
  for (const n of nodes) {
    const need = n.lines.length * LINE_HEIGHT + 3 - padding;
    if ((n.value ?? 0) > 0 && need > 0) ky = Math.max(ky, need / n.value!);
  }
  let natural = 0;
  for (const list of layers.values()) {
    const total = list.reduce((s, n) => s + (n.value ?? 0), 0);
    natural = Math.max(natural, ky * total + (list.length - 1) * padding, list.length * LINE_HEIGHT + (list.length - 1) * padding);
  }
  return Math.round(options.height ?? Math.min(options.maxHeight ?? 1600, Math.max(options.minHeight ?? 240, natural)));
}

/** Each column's label width in pixels (wide characters count two cells). */
function computeLabelWidths(nodes: LNode[]): number[] {
  const columns = Math.max(...nodes.map((n) => n.layer!)) + 1;
  const widths: number[] = new Array(columns).fill(0);
  for (const n of nodes) widths[n.layer!] = Math.max(widths[n.layer!], ...n.lines.map((l) => textWidth(l) * CHAR_WIDTH + 12));
  return widths;
}

/**
 * Places the columns so each column's labels fit before the next one (with label lanes, the
 * bands get their own room after the labels); returns the chart's width. Positions are rounded
 * to hundredths, so the SVG text is stable.
 */
function computeColumns(g: LGraph, labelWidth: number[], nodeWidth: number, lane: boolean, minWidth: number): number {
  const columns = labelWidth.length;
  const gaps = labelWidth.slice(0, -1).map((w) => (lane ? w + MIN_GAP : Math.max(MIN_GAP, w)));
  const naturalWidth = 2 + columns * nodeWidth + gaps.reduce((a, b) => a + b, 0) + labelWidth[columns - 1] + 4;
  const width = Math.ceil(Math.max(minWidth, naturalWidth));
  const extra = gaps.length ? (width - naturalWidth) / gaps.length : 0;
  const colX: number[] = [2];
  for (let i = 1; i < columns; i++) colX.push(colX[i - 1] + nodeWidth + gaps[i - 1] + extra);
  for (const n of g.nodes as LNode[]) {
    n.x0 = round(colX[n.layer!]);
    n.x1 = round(colX[n.layer!] + nodeWidth);
    n.y0 = round(n.y0!);
    n.y1 = round(Math.max(n.y1!, n.y0 + 1));
  }
  for (const l of g.links) {
    l.y0 = round(l.y0!);
    l.y1 = round(l.y1!);
    l.width = round(Math.max(1, l.width!));
  }
  return width;
}

/** Where each node's label goes; a label that does not fit beside a thin node keeps its first line (the tooltip has all of it). */
function placeLabels(nodes: LNode[], padding: number): { x: number; y: number; text: string; title: string }[] {
  return nodes.map((n) => {
    const room = n.y1! - n.y0! + padding;
    const shown = n.lines.length * LINE_HEIGHT > room ? n.lines.slice(0, 1) : n.lines;
    return { x: round(n.x1! + 5), y: round((n.y0! + n.y1!) / 2), text: shown.join("\n"), title: n.title };
  });
}

// A render-function mark that adds the hatch pattern (the DOM types are not in this project's lib, so they are described structurally).
interface MiniElement { setAttribute(name: string, value: string): void; appendChild(child: MiniElement): unknown }
interface MiniDocument { createElementNS(ns: string, name: string): MiniElement }

/** The Plot mark that writes the affinity bands' hatch pattern into the SVG's defs. */
function hatchDefs(id: string) {
  return (_index: number[], _scales: unknown, _values: unknown, _dimensions: unknown, context: { document: MiniDocument }) => {
    const d = context.document.createElementNS("http://www.w3.org/2000/svg", "defs");
    const p = context.document.createElementNS("http://www.w3.org/2000/svg", "pattern");
    for (const [k, v] of Object.entries({ id: `${id}-hatch`, patternUnits: "userSpaceOnUse", width: "6", height: "6", patternTransform: "rotate(45)" })) p.setAttribute(k, v);
    for (const [w, opacity] of [["6", "0.18"], ["2.6", "0.9"]]) {
      const r = context.document.createElementNS("http://www.w3.org/2000/svg", "rect");
      r.setAttribute("width", w);
      r.setAttribute("height", "6");
      r.setAttribute("fill", AFFINITY_COLOR);
      r.setAttribute("fill-opacity", opacity);
      p.appendChild(r);
    }
    d.appendChild(p);
    return d;
  };
}

/** Draws the placed graph with Plot (bands, affinity bands, node boxes, labels) into an SVG string with the chart's ids. */
function drawSvg(g: LGraph, id: string, size: { width: number; height: number }, labelWidth: number[], lane: boolean, padding: number): string {
  type Link = (typeof g.links)[number];
  const nodes = g.nodes as LNode[];
  const flows = g.links.filter((l) => l.kind === "flow");
  const sticky = g.links.filter((l) => l.kind === "affinity");
  const colorOf = (n: LNode) => NODE_STYLES[n.kind].color;
  const linkChannels = {
    x1: (l: Link) => (l.source as LNode).x1! + (lane ? round(labelWidth[(l.source as LNode).layer!]) : 0),
    y1: (l: Link) => l.y0!,
    x2: (l: Link) => (l.target as LNode).x0!,
    y2: (l: Link) => l.y1!,
    strokeWidth: (l: Link) => l.width!,
    title: (l: Link) => l.title,
    curve: "bump-x" as const,
  };
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const plot = Plot.plot({
    document: document as unknown as Plot.PlotOptions["document"],
    className: id,
    width: size.width,
    height: size.height,
    margin: 0,
    ariaLabel: t("Sankey diagram"),
    x: { type: "identity", axis: null },
    y: { type: "identity", axis: null },
    color: { type: "identity" },
    marks: [
      hatchDefs(id) as unknown as Plot.Markish,
      Plot.link(flows, { ...linkChannels, stroke: (l: Link) => colorOf(l.source as LNode), strokeOpacity: 0.42 }),
      Plot.link(sticky, { ...linkChannels, stroke: `url(#${id}-hatch)`, strokeOpacity: 1 }),
      Plot.rect(nodes, {
        x1: "x0", x2: "x1", y1: "y0", y2: "y1",
        fill: (n: LNode) => colorOf(n),
        stroke: (n: LNode) => (n.kind === "uncertain" ? "#555" : "none"),
        title: "title",
      }),
      Plot.text(placeLabels(nodes, padding), {
        x: "x", y: "y", text: "text", title: "title",
        textAnchor: "start", fontFamily: FONT, fontSize: FONT_SIZE, lineHeight: LINE_HEIGHT / FONT_SIZE,
        fill: "#1b1b1b", stroke: "white", strokeWidth: 3.5, strokeOpacity: 0.85, paintOrder: "stroke",
      }),
    ],
  });
  return normalisePlotIds((plot as unknown as { outerHTML: string }).outerHTML, id);
}

/**
 * The figure of a Sankey diagram (SVG, legend, notes) without the view's outer element. The
 * steps: the nodes' texts; a first d3-sankey pass for the height the labels need; a second
 * pass at that height; the columns placed for the labels' widths; the drawing; the legend.
 */
export function sankeyFigure(graph: FlowGraph, options: SankeyOptions = {}): string {
  const id = chartId("kil-sankey", options.id, graphKey(graph));
  const notes = graph.notes.map((n) => `<p class="kil-note">${escapeHtml(n)}</p>`).join("");
  if (graph.links.length === 0 || graph.links.every((l) => !(l.value > 0))) {
    return `<p class="kil-note">${escapeHtml(t("Nothing to draw: no traffic in this diagram."))}</p>${notes}`;
  }
  const nodeWidth = options.nodeWidth ?? 12;
  const padding = options.nodePadding ?? 12;
  const lane = options.labelLane === true;
  const { lines, titles } = nodeTexts(graph, Math.max(8, options.labelLength ?? 48));
  const height = computeHeight(layout(graph, lines, titles, 0, 1000, nodeWidth, padding), padding, options);
  const top = 8;
  const g = layout(graph, lines, titles, top, height, nodeWidth, padding);
  const labelWidth = computeLabelWidths(g.nodes as LNode[]);
  const width = computeColumns(g, labelWidth, nodeWidth, lane, options.width ?? 720);
  const svg = drawSvg(g, id, { width, height: Math.ceil(top + height + 8) }, labelWidth, lane, padding);
  const kinds = [...new Set(graph.nodes.map((n) => n.kind))];
  const hasAffinity = g.links.some((l) => l.kind === "affinity");
  const legend = options.legend === false ? "" : legendHtml(id, graph, kinds, hasAffinity);
  return `<figure class="kil-figure" data-chart="${escapeHtml(id)}">${svg}${legend}</figure>${notes}`;
}
