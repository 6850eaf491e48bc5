/**
 * Building blocks for the HTML views: a table builder that escapes every
 * plain string it is given, and the wrapper every view shares. Markup the
 * views make themselves is passed as `Html` (`markup(...)`), so text is
 * escaped by default and markup is the explicit exception.
 */
import { escapeHtml, truncate } from "./escape.js";
import { styleElement, VIEW_CLASS } from "./style.js";
import { t } from "../i18n/language.js";

/** Markup built by the views (already escaped); plain strings are always escaped. */
export interface Html {
  readonly html: string;
}

/** Mark a string as markup the views built (never pass dump text here unescaped). */
export function markup(html: string): Html {
  return { html };
}

/** What a table cell can hold: text (escaped), a number, markup, or nothing. */
export type CellContent = string | number | Html | null | undefined;

/** A table cell with options. */
export interface Cell {
  content: CellContent;
  className?: string;
  /** Tooltip (escaped). */
  title?: string;
  rowSpan?: number;
  colSpan?: number;
}

/** A row: its cells, with an optional class for the `<tr>`. */
export type Row = (CellContent | Cell)[] | { cells: (CellContent | Cell)[]; className?: string };

/** A header cell: text, or text with a class (e.g. `kil-num` for right-aligned numbers). */
export type HeadCell = string | { text: string; className?: string; title?: string };

/** The HTML of cell content. */
export function contentHtml(c: CellContent): string {
  if (c === null || c === undefined) return "";
  if (typeof c === "object") return c.html;
  return escapeHtml(c);
}

function isCell(c: CellContent | Cell): c is Cell {
  return typeof c === "object" && c !== null && "content" in c;
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
}

/** An HTML table; every plain string is escaped. */
export function tableHtml(t: { caption?: string; head: HeadCell[]; rows: Row[]; className?: string }): string {
  const head = t.head
    .map((h) => (typeof h === "string" ? `<th>${escapeHtml(h)}</th>` : `<th${attrs({ class: h.className, title: h.title })}>${escapeHtml(h.text)}</th>`))
    .join("");
  const body = t.rows
    .map((r) => {
      const cells = Array.isArray(r) ? r : r.cells;
      const cls = Array.isArray(r) ? undefined : r.className;
      const tds = cells
        .map((c) => {
          if (!isCell(c)) return `<td>${contentHtml(c)}</td>`;
          return `<td${attrs({ class: c.className, title: c.title, rowspan: c.rowSpan && c.rowSpan > 1 ? c.rowSpan : undefined, colspan: c.colSpan && c.colSpan > 1 ? c.colSpan : undefined })}>${contentHtml(c.content)}</td>`;
        })
        .join("");
      return `<tr${attrs({ class: cls })}>${tds}</tr>`;
    })
    .join("\n");
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : "";
  return `<table class="kil-table${t.className ? ` ${escapeHtml(t.className)}` : ""}">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Options every view accepts. */
export interface ViewOptions {
  /** A heading above the view (escaped; given in the current language, `t`). */
  title?: string;
  /** A note below the view (escaped; given in the current language, `t`). */
  caption?: string;
}

/** The outer element of a view: scoped class, the shared stylesheet, title and caption (in the current language), body. */
export function viewHtml(kind: string, body: string, options: ViewOptions = {}, extraClass = ""): string {
  const title = options.title ? `<div class="kil-title">${escapeHtml(t(options.title))}</div>` : "";
  const caption = options.caption ? `<p class="kil-caption">${escapeHtml(t(options.caption))}</p>` : "";
  return `<div class="${VIEW_CLASS} kil-${kind}${extraClass ? ` ${extraClass}` : ""}">${styleElement()}${title}${body}${caption}</div>`;
}

/** Text shortened to `max` character cells with `…`, keeping the full text as a tooltip. */
export function shortText(text: string, max: number): Html {
  const short = truncate(text, max);
  if (short === text) return markup(escapeHtml(text));
  return markup(`<span title="${escapeHtml(text)}">${escapeHtml(short)}</span>`);
}

/** Text in a monospace `<code>`. */
export function codeText(text: string): Html {
  return markup(`<code>${escapeHtml(text)}</code>`);
}

/** Several pieces of content joined by `<br>`. */
export function lines(parts: CellContent[]): Html {
  return markup(parts.filter((p) => p !== null && p !== undefined && p !== "").map(contentHtml).join("<br>"));
}
