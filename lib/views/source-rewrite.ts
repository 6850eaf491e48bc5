/**
 * "Who rewrites the source?": for each connection, which rule (if any)
 * changes the source address of its first packet, and why. Four answers
 * cover every case a kube-proxy node sees: the 0x4000 mark read by the
 * MASQUERADE in KUBE-POSTROUTING (and which rule set the mark), the pod
 * network's own MASQUERADE for pod traffic leaving the node (docker's or
 * flannel's), local delivery (the first packet never reaches POSTROUTING),
 * or no rule at all.
 */
import type { Outcome } from "../trace/outcome.js";
import { escapeHtml, truncate } from "./escape.js";
import { chartId } from "./ids.js";
import { viewHtml, type ViewOptions } from "./html.js";
import { OKABE_ITO } from "./style.js";
import type { DecisionCase } from "./decision-table.js";
import { t } from "../i18n/language.js";

/** The four answers, in the order the chart's columns show them. */
export type SourceRewriteKind = "kube-mark" | "pod-network" | "local-delivery" | "none";

/** Who rewrote an outcome's source, with the lines involved. */
export interface SourceRewrite {
  kind: SourceRewriteKind;
  /** The MASQUERADE or SNAT rule's line (null when no rule rewrote it). */
  line: number | null;
  /** For `kube-mark`: the line of the rule that jumped to KUBE-MARK-MASQ, and in which chain. */
  markLine: number | null;
  markChain: string | null;
  /** Why, in a few words. */
  why: string;
  /** The source address the receiver sees. */
  seen: string;
}

/** Why kube-proxy marked the packet, from the chain of the rule that jumped to KUBE-MARK-MASQ. */
function markReason(chain: string | null): string {
  if (chain === "KUBE-SERVICES") return "cluster IP, source outside the pod network";
  if (chain === "KUBE-NODEPORTS") return "NodePort: every source is marked";
  if (chain?.startsWith("KUBE-SEP-")) return "hairpin: the endpoint called its own Service";
  if (chain?.startsWith("KUBE-EXT-")) return "external traffic (NodePort, external or load balancer IP)";
  if (chain?.startsWith("KUBE-SVC-") || chain?.startsWith("KUBE-SVL-")) return "cluster IP, source outside the pod network";
  return chain ? `marked in ${chain}` : "marked";
}

/** Who rewrote the source of an outcome's first packet, and why. */
export function sourceRewrite(o: Outcome): SourceRewrite {
  const seen = o.after.src;
  const mark = o.steps.find((s) => s.kind === "rule" && s.matched && s.action === "jump to KUBE-MARK-MASQ");
  if (o.snat && o.snat.chain === "KUBE-POSTROUTING") {
    return { kind: "kube-mark", line: o.snat.line, markLine: mark?.line ?? null, markChain: mark?.chain ?? null, why: markReason(mark?.chain ?? null), seen };
  }
  if (o.snat) return { kind: "pod-network", line: o.snat.line, markLine: null, markChain: null, why: `${o.snat.target} in ${o.snat.chain ?? "?"}: a pod's packet leaving the node`, seen };
  if (o.verdict === "accepted" && o.delivery === "local") {
    const why = mark ? "delivered here: the mark is never read" : "delivered here: no POSTROUTING";
    return { kind: "local-delivery", line: null, markLine: mark?.line ?? null, markChain: mark?.chain ?? null, why, seen };
  }
  return { kind: "none", line: null, markLine: null, markChain: null, why: "no rule rewrites it", seen };
}

const COLUMNS: readonly { kind: SourceRewriteKind; head: readonly string[] }[] = [
  { kind: "kube-mark", head: ["mark 0x4000, then", "MASQUERADE in", "KUBE-POSTROUTING"] },
  { kind: "pod-network", head: ["the pod network's", "own MASQUERADE", "(docker, flannel)"] },
  { kind: "local-delivery", head: ["delivered locally:", "never reaches", "POSTROUTING"] },
  { kind: "none", head: ["no rule:", "the source", "is kept"] },
];

const COLORS: Readonly<Record<SourceRewriteKind, string>> = {
  "kube-mark": OKABE_ITO.blue,
  "pod-network": OKABE_ITO.vermillion,
  "local-delivery": OKABE_ITO.bluishGreen,
  none: OKABE_ITO.grey,
};

/** Darker shades of the same hues for header text, legible on white (contrast at least 4.5:1). */
const HEAD_COLORS: Readonly<Record<SourceRewriteKind, string>> = {
  "kube-mark": OKABE_ITO.blue,
  "pod-network": "#a34400",
  "local-delivery": "#00664a",
  none: "#555555",
};

interface ChartRow {
  label: string;
  rewrite: SourceRewrite;
}

/** One row per case and distinct answer (a case whose endpoints differ in the answer gets one row per answer). */
function chartRows(cases: readonly DecisionCase[]): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const c of cases) {
    const { label, trace } = "trace" in c ? { label: t(c.label), trace: c.trace } : { label: `${c.packet.src} → ${c.packet.dst}:${c.packet.dport}`, trace: c };
    const seen = new Set<string>();
    for (const o of trace.outcomes) {
      if (o.verdict !== "accepted") continue;
      const r = sourceRewrite(o);
      const key = `${r.kind} ${r.line} ${r.markLine} ${r.seen}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ label, rewrite: r });
    }
  }
  return rows;
}

const LABEL_W = 330;
const COL_W = 170;
const SEEN_W = 130;
const ROW_H = 34;
const HEAD_H = 56;

/** The chart: one row per connection, a dot in the column of the rule that rewrites its source, the rule's lines beside it, and the source the receiver sees. */
export function sourceRewriteChart(cases: readonly DecisionCase[], options: ViewOptions & { id?: string } = {}): string {
  const rows = chartRows(cases);
  const width = LABEL_W + COLUMNS.length * COL_W + SEEN_W;
  const height = HEAD_H + rows.length * ROW_H + 8;
  const id = chartId("kil-srcnat", options.id, JSON.stringify(rows));
  const parts: string[] = [];
  COLUMNS.forEach((col, i) => {
    const x = LABEL_W + i * COL_W + 10;
    // The three lines are translated together: a language may split the sentence elsewhere.
    t(col.head.join("\n")).split("\n").forEach((line, k) => parts.push(`<text x="${x}" y="${16 + k * 15}" font-size="12" font-weight="600" fill="${HEAD_COLORS[col.kind]}">${escapeHtml(line)}</text>`));
  });
  parts.push(`<text x="${LABEL_W + COLUMNS.length * COL_W + 8}" y="46" font-size="12" font-weight="600">${escapeHtml(t("the receiver sees"))}</text>`);
  const grid = COLUMNS.map((_, k) => `<line x1="${LABEL_W + k * COL_W}" y1="4" x2="${LABEL_W + k * COL_W}" y2="${height - 4}" stroke="#ccc"/>`).join("");
  rows.forEach((r, i) => {
    const y = HEAD_H + i * ROW_H;
    const mid = y + ROW_H / 2;
    if (i % 2 === 1) parts.push(`<rect x="0" y="${y}" width="${width}" height="${ROW_H}" fill="#f4f4f4"/>`);
    parts.push(`<text x="6" y="${mid + 4}" font-size="12">${escapeHtml(truncate(r.label, 52))}<title>${escapeHtml(r.label)}</title></text>`);
    const col = COLUMNS.findIndex((c) => c.kind === r.rewrite.kind);
    const cx = LABEL_W + col * COL_W + 16;
    const lines = [r.rewrite.markLine !== null ? t("mark: line {}", r.rewrite.markLine) : "", r.rewrite.line !== null ? t("rewrite: line {}", r.rewrite.line) : ""].filter(Boolean).join(t(", "));
    const why = t(r.rewrite.why);
    parts.push(`<circle cx="${cx}" cy="${mid}" r="7" fill="${COLORS[r.rewrite.kind]}"><title>${escapeHtml(why)}</title></circle>`);
    // The row has one dot: its notes may run on over the empty columns to its right (about 6 px a character).
    const room = Math.floor(((COLUMNS.length - col) * COL_W - 40) / 6);
    parts.push(`<text x="${cx + 12}" y="${mid - 2}" font-size="10.5">${escapeHtml(truncate(lines || t("no rule"), room))}</text>`);
    parts.push(`<text x="${cx + 12}" y="${mid + 11}" font-size="10.5" fill="#444">${escapeHtml(truncate(why, room))}<title>${escapeHtml(why)}</title></text>`);
    parts.push(`<text x="${LABEL_W + COLUMNS.length * COL_W + 8}" y="${mid + 4}" font-size="12" font-family="ui-monospace,Menlo,Consolas,monospace">${escapeHtml(r.rewrite.seen)}</text>`);
  });
  const title = t("Who rewrites the source address?");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui,sans-serif" fill="#1b1b1b"><title>${escapeHtml(title)}</title>${parts.join("")}${grid}</svg>`;
  return viewHtml("source-rewrite", `<figure>${svg}</figure>`, { title: options.title ?? title, caption: options.caption });
}
