/**
 * Small HTML building blocks the lessons use next to the views: a plain
 * table, a dump excerpt with line numbers, and escaping. Everything that
 * comes from a dump is escaped.
 */
import type { Dump } from "../model/dump.js";
import { allRules } from "../model/predicates.js";
import { escapeHtml } from "../views/escape.js";

const TABLE_STYLE = "border-collapse:collapse;font:13px/1.4 system-ui,sans-serif;margin:4px 0";
const CELL_STYLE = "border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top";

/** A plain HTML table; cells are escaped unless given as `{ html }`. */
export function lessonTable(header: string[], rows: (string | number | { html: string })[][], caption?: string): string {
  const cell = (c: string | number | { html: string }, tag: string) =>
    `<${tag} style="${CELL_STYLE}">${typeof c === "object" ? c.html : escapeHtml(c)}</${tag}>`;
  return `<table class="kil-lesson" style="${TABLE_STYLE}">${caption ? `<caption style="text-align:left;font-weight:600;padding:2px 0">${escapeHtml(caption)}</caption>` : ""}`
    + `<thead><tr style="background:#f3f3f3">${header.map((h) => cell(h, "th")).join("")}</tr></thead>`
    + `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c, "td")).join("")}</tr>`).join("")}</tbody></table>`;
}

/** Lines of the dump's file with their numbers, as a preformatted block; `highlight` lines are marked. */
export function dumpLines(text: string, lines: number[], options: { highlight?: number[]; title?: string } = {}): string {
  const all = text.split(/\r?\n/);
  const marked = new Set(options.highlight ?? []);
  const body = [...new Set(lines)].sort((a, b) => a - b).map((n, i, arr) => {
    const gap = i > 0 && n !== arr[i - 1] + 1 ? `<span style="color:#999">   ⋮</span>\n` : "";
    const style = marked.has(n) ? "background:#fff3c4" : "";
    return `${gap}<span style="${style}"><span style="color:#888;user-select:none">${String(n).padStart(4)}  </span>${escapeHtml(all[n - 1] ?? "")}</span>`;
  }).join("\n");
  const title = options.title ? `<div style="font:600 13px system-ui,sans-serif;margin:6px 0 2px">${escapeHtml(options.title)}</div>` : "";
  return `${title}<pre class="kil-dump" style="font:12px/1.45 ui-monospace,monospace;background:#fafafa;border:1px solid #ddd;padding:6px 8px;overflow-x:auto;white-space:pre">${body}</pre>`;
}

/** Line numbers of the rules whose text contains `needle` (for excerpts). */
export function linesMentioning(dump: Dump, needle: string): number[] {
  return allRules(dump).filter((r) => r.raw.includes(needle)).map((r) => r.line).sort((a, b) => a - b);
}

/** A preformatted block of plain text (escaped). */
export function preformatted(text: string): string {
  return `<pre style="font:12px/1.45 ui-monospace,monospace;background:#fafafa;border:1px solid #ddd;padding:6px 8px;overflow-x:auto">${escapeHtml(text)}</pre>`;
}
