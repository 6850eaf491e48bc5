/**
 * Splits one rule line into words the way iptables-restore does: spaces and
 * tabs separate words, double quotes group them, and inside quotes a
 * backslash makes the next character literal (`\"`, `\\`, `\'`).
 */

/** One word of a rule line. */
export interface Token {
  /** The word with quotes removed and escapes resolved. */
  text: string;
  /** 0-based offset of the word's first character (its opening quote, if quoted). */
  start: number;
  /** 0-based offset just past the word's last character. */
  end: number;
  /** Whether any part of the word was quoted (a quoted `!` is a plain word, not negation). */
  quoted: boolean;
}

/** The words of a line, or where and why it could not be split. */
export type LexResult = { ok: true; tokens: Token[] } | { ok: false; column: number; message: string };

/** Split a rule line into tokens. */
export function tokenizeLine(line: string): LexResult {
  const tokens: Token[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    let text = "";
    let quoted = false;
    let runStart = i;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === 32 || c === 9) break;
      if (c === 34 /* " */) {
        text += line.slice(runStart, i);
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        runStart = i;
        while (i < n) {
          const q = line.charCodeAt(i);
          if (q === 92 /* \ */ && i + 1 < n) {
            text += line.slice(runStart, i) + line[i + 1];
            i += 2;
            runStart = i;
            continue;
          }
          if (q === 34) {
            text += line.slice(runStart, i);
            closed = true;
            i++;
            break;
          }
          i++;
        }
        if (!closed) return { ok: false, column: open + 1, message: "unterminated quote: expected a closing '\"'" };
        runStart = i;
        // iptables-restore ends a word at its closing quote.
        break;
      }
      i++;
    }
    text += line.slice(runStart, i);
    tokens.push({ text, start, end: i, quoted });
  }
  return { ok: true, tokens };
}
