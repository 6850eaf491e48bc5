/**
 * Small HTML building blocks the lessons use next to the views: a plain
 * table (the views' table, in their style), a dump excerpt with line
 * numbers, and preformatted text. Everything that comes from a dump is
 * escaped.
 */
import type { Dump } from "../model/dump.js";
import { allRules } from "../model/predicates.js";
import { escapeHtml } from "../views/escape.js";
import { tableHtml, viewHtml, type Html } from "../views/html.js";
import { t } from "../i18n/language.js";

/** A plain table in the views' style; cells are escaped unless given as markup (`{ html }`); the header and caption are given in the current language (`t`). */
export function lessonTable(header: string[], rows: (string | number | Html)[][], caption?: string): string {
  return viewHtml("lesson-table", tableHtml({ caption: caption ? t(caption) : caption, head: header.map((h) => t(h)), rows }));
}

/**
 * Lines of the dump's file with their numbers, as a preformatted block; `highlight` lines are marked; the title is given in the current language.
 * `wrap` breaks long lines inside the block (continuations indented past the number) instead of scrolling sideways: for excerpts set in narrow columns.
 */
export function dumpLines(text: string, lines: number[], options: { highlight?: number[]; title?: string; wrap?: boolean } = {}): string {
  const all = text.split(/\r?\n/);
  const marked = new Set(options.highlight ?? []);
  // Wrapped lines are blocks with a hanging indent, so they are not also separated by newlines.
  const lineStyle = options.wrap ? "display:block;padding-left:6ch;text-indent:-6ch;" : "";
  const gapLine = options.wrap ? `<span style="display:block;color:#595959">   ⋮</span>` : `<span style="color:#595959">   ⋮</span>\n`;
  const body = [...new Set(lines)].sort((a, b) => a - b).map((n, i, arr) => {
    const gap = i > 0 && n !== arr[i - 1] + 1 ? gapLine : "";
    const style = lineStyle + (marked.has(n) ? "background:#fff3c4" : "");
    return `${gap}<span style="${style}"><span style="color:#595959;user-select:none">${String(n).padStart(4)}  </span>${escapeHtml(all[n - 1] ?? "")}</span>`;
  }).join(options.wrap ? "" : "\n");
  const title = options.title ? `<div style="font:600 13px system-ui,sans-serif;margin:6px 0 2px">${escapeHtml(t(options.title))}</div>` : "";
  const flow = options.wrap ? "white-space:pre-wrap;overflow-wrap:anywhere;tab-size:4" : "overflow-x:auto;white-space:pre";
  return `${title}<pre class="kil-dump" tabindex="0" style="font:12px/1.45 ui-monospace,monospace;background:#fafafa;border:1px solid #ddd;padding:6px 8px;${flow}">${body}</pre>`;
}

/** Line numbers of the rules whose text contains `needle` (for excerpts). */
export function linesMentioning(dump: Dump, needle: string): number[] {
  return allRules(dump).filter((r) => r.raw.includes(needle)).map((r) => r.line).sort((a, b) => a - b);
}

/** A preformatted block of plain text (escaped). */
export function preformatted(text: string): string {
  return `<pre style="font:12px/1.45 ui-monospace,monospace;background:#fafafa;border:1px solid #ddd;padding:6px 8px;overflow-x:auto">${escapeHtml(text)}</pre>`;
}
