/**
 * Escaping and shortening of text for the views. Every piece of text that
 * comes from a dump (comments, chain names, addresses, rule text) and every
 * caller-given label goes through `escapeHtml` before it is put into HTML or
 * SVG built as a string.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML element content and quoted attribute values (`& < > " '`). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Whether a code point is drawn double width (CJK ideographs, kana, hangul, full-width forms). */
function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000
  );
}

/** Width of a text in character cells: CJK characters count two. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += wide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

/** Shorten text to at most `max` character cells, ending with `…` when cut (never splits a character). */
export function truncate(text: string, max: number): string {
  if (textWidth(text) <= max) return text;
  let out = "";
  let w = 0;
  for (const ch of text) {
    const cw = wide(ch.codePointAt(0)!) ? 2 : 1;
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}
