/**
 * The layout data behind every Sankey diagram: nodes and weighted links,
 * plain objects that tests can check before anything is drawn. Builders in
 * the other view files turn services, traces and simulations into a
 * `FlowGraph`; `sankey.ts` draws one.
 */
import { ZERO, add, formatFraction, formatPercent, toNumber, type Fraction } from "../math/fraction.js";

/** What a node stands for; it decides the node's colour and legend entry. */
export type FlowNodeKind =
  | "entry"
  | "dispatch"
  | "chain"
  | "service"
  | "endpoint-chain"
  | "endpoint"
  | "group"
  | "delivered"
  | "dropped"
  | "uncertain"
  | "others";

/** How a band is drawn: `flow` in its source node's colour, `affinity` hatched (a returning client kept on its endpoint). */
export type FlowLinkKind = "flow" | "affinity";

/** One box of the diagram. */
export interface FlowNode {
  /** Unique within the graph. */
  id: string;
  kind: FlowNodeKind;
  /** Label lines, drawn beside the node (long lines are shortened with `…`). */
  label: string[];
  /** Full text for the tooltip (defaults to the label lines). */
  title?: string;
}

/** One band: its width is `value`. */
export interface FlowLink {
  source: string;
  target: string;
  kind: FlowLinkKind;
  /** The band's width in the diagram's unit (probability or count). */
  value: number;
  /** The exact probability, for probability diagrams. */
  exact: Fraction | null;
  /** The number of connections, for diagrams of counts. */
  count: number | null;
  /** The rule line the band stands for, when there is one. */
  line: number | null;
  /** Tooltip text. */
  title: string;
}

/** A whole diagram's data. */
export interface FlowGraph {
  /** `probability`: band widths are exact probabilities; `count`: numbers of connections. */
  unit: "probability" | "count";
  nodes: FlowNode[];
  links: FlowLink[];
  /** Short notes shown under the diagram (assumptions, what was aggregated). */
  notes: string[];
  /** Legend text for the band width, when the default for the unit does not fit. */
  unitLabel?: string;
  /** Legend texts for node kinds, replacing the defaults. */
  legend?: Partial<Record<FlowNodeKind, string>>;
  /** `input`: nodes keep the order they were added in, top to bottom (default); `layout`: d3-sankey orders them to reduce crossings. */
  order?: "input" | "layout";
}

/** A probability as text: `1/2 = 50%`. */
export function probabilityText(f: Fraction): string {
  return f.den === 1n ? formatPercent(f) : `${formatFraction(f)} = ${formatPercent(f)}`;
}

/** Builds a graph: nodes are added once (first label wins), parallel links of one kind are merged. */
export class FlowBuilder {
  readonly nodes: FlowNode[] = [];
  readonly links: FlowLink[] = [];
  private readonly nodeIndex = new Map<string, FlowNode>();
  private readonly linkIndex = new Map<string, FlowLink>();

  /** Add a node unless one with the same id exists; returns the id. */
  node(id: string, kind: FlowNodeKind, label: string[], title?: string): string {
    if (!this.nodeIndex.has(id)) {
      const n: FlowNode = { id, kind, label, ...(title !== undefined ? { title } : {}) };
      this.nodes.push(n);
      this.nodeIndex.set(id, n);
    }
    return id;
  }

  /** Whether a node exists. */
  has(id: string): boolean {
    return this.nodeIndex.has(id);
  }

  /** Add a band, or widen the existing band between the same nodes of the same kind. */
  link(source: string, target: string, kind: FlowLinkKind, amount: { exact?: Fraction; count?: number; value?: number }, line: number | null, title: string): void {
    const key = `${source}\u0000${target}\u0000${kind}`;
    const prev = this.linkIndex.get(key);
    const exact = amount.exact ?? null;
    const count = amount.count ?? null;
    const value = amount.value ?? (count ?? (exact ? toNumber(exact) : 0));
    if (prev) {
      prev.exact = prev.exact && exact ? add(prev.exact, exact) : prev.exact ?? exact;
      prev.count = prev.count !== null && count !== null ? prev.count + count : prev.count ?? count;
      prev.value += value;
      if (prev.line !== line) prev.line = null;
      if (title && !prev.title.split("\n").includes(title)) prev.title = `${prev.title}\n${title}`;
      return;
    }
    const l: FlowLink = { source, target, kind, value, exact, count, line, title };
    this.links.push(l);
    this.linkIndex.set(key, l);
  }

  /** The graph. */
  graph(unit: FlowGraph["unit"], notes: string[] = [], extra: Pick<FlowGraph, "unitLabel" | "legend" | "order"> = {}): FlowGraph {
    return { unit, nodes: this.nodes, links: this.links, notes, ...extra };
  }
}

/** Sum of the exact values of links leaving (or entering) a node. */
export function exactFlow(graph: FlowGraph, nodeId: string, direction: "out" | "in"): Fraction {
  let total = ZERO;
  for (const l of graph.links) if ((direction === "out" ? l.source : l.target) === nodeId && l.exact) total = add(total, l.exact);
  return total;
}
