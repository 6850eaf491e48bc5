/**
 * Text for a terminal. A dump is attacker-controlled text (a comment can hold
 * anything): printed raw, an escape sequence could clear the screen, retitle
 * the window or hide a line, and a right-to-left override could reorder what
 * the reader sees. Such characters are shown as escapes instead.
 */

/**
 * Characters a terminal acts on rather than shows: C0 controls but tab and
 * line feed, DEL, C1 controls (U+0080-U+009F, U+009B is a one-byte CSI), and
 * the bidirectional embeddings, overrides and isolates.
 */
export const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The escape a reader sees for a control character: `\x1b`, `\x9b`, `\u202e`. */
function shown(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The text with every terminal control escaped; a carriage return before a line feed (a CRLF line end) is kept. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c, at: number) => (c === "\r" && (at + 1 === text.length || text[at + 1] === "\n") ? c : shown(c)));
}
