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

/** iptables-restore copies each word into a 1024-byte buffer: a word of 1024 bytes or more is refused ("Parameter too long!"). */
export const MAX_WORD_BYTES = 1023;

/** Bytes of `text` in UTF-8 (what iptables counts), without an encoder the browser build would need to carry. */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x800) n += c >= 0xd800 && c <= 0xdbff ? 1 : 2;
    else if (c >= 0x80) n += 1;
  }
  return n;
}

/** The words of a line, or where and why it could not be split. */
export type LexResult = { ok: true; tokens: Token[] } | { ok: false; column: number; message: string };

/** Split a rule line into tokens. */
export function tokenizeLine(line: string): LexResult {
  return scanWords(line, 0, 0, line.length, null);
}

/**
 * The token objects and the list a parse reuses from line to line: it keeps no token once a line is read,
 * so a dump of millions of words needs only as many token objects as its longest line, and no new list per
 * line. One per parse.
 */
export class ReusedTokens {
  /** Every token object made so far (grown as needed). */
  readonly objects: Token[] = [];
  /** The words of the line last split, emptied by the next call. */
  readonly list: Token[] = [];
}

/**
 * Split a rule line into tokens, written over the token objects of earlier lines, in `reused.list`. The line
 * is `text` from `lineStart` to `lineEnd`, read from `from` on (iptables-restore reads a rule after its
 * `[counters]`); token offsets count from the line's start.
 */
export function tokenizeLineReusing(text: string, lineStart: number, from: number, lineEnd: number, reused: ReusedTokens): LexResult {
  return scanWords(text, lineStart, lineStart + from, lineEnd, reused);
}

/**
 * Empty a list that is reused, keeping its room: V8 drops an array's storage when its length is set to 0,
 * so the next push would allocate it again; popping keeps it.
 */
export function emptyList(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/**
 * Split the line of `source` (the line itself, or the whole text it is part of) that starts at `lineStart`,
 * from `from` to `n`, with offsets counted from the line's start. The parser passes the whole text: codes
 * read from it directly are cheaper than through a slice of it, and a word's slice of either is the same.
 */
function scanWords(source: string, lineStart: number, from: number, n: number, reusing: ReusedTokens | null): LexResult {
  const tokens: Token[] = reusing !== null ? reusing.list : [];
  const reused = reusing !== null ? reusing.objects : null;
  emptyList(tokens);
  let i = from;
  while (i < n) {
    let c = source.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    let text = "";
    let quoted = false;
    let runStart = i;
    while (i < n) {
      c = source.charCodeAt(i);
      if (c === 32 || c === 9) break;
      if (c === 34 /* " */) {
        text += source.slice(runStart, i);
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        runStart = i;
        while (i < n) {
          const q = source.charCodeAt(i);
          if (q === 92 /* \ */ && i + 1 < n) {
            text += source.slice(runStart, i) + source[i + 1];
            i += 2;
            runStart = i;
            continue;
          }
          if (q === 34) {
            text += source.slice(runStart, i);
            closed = true;
            i++;
            break;
          }
          i++;
        }
        if (!closed) return { ok: false, column: open - lineStart + 1, message: "unterminated quote: expected a closing '\"'" };
        runStart = i;
        // iptables-restore ends a word at its closing quote.
        break;
      }
      i++;
    }
    // An unquoted word (most of them) is one slice of the text, with nothing to join.
    text = quoted ? text + source.slice(runStart, i) : source.slice(start, i);
    if (text.length > MAX_WORD_BYTES / 3 && utf8Length(text) > MAX_WORD_BYTES)
      return { ok: false, column: start - lineStart + 1, message: `word of ${utf8Length(text)} bytes: iptables-restore refuses words of more than ${MAX_WORD_BYTES} bytes ("Parameter too long!")` };
    let token = reused !== null ? reused[tokens.length] : undefined;
    if (token === undefined) {
      token = { text, start: start - lineStart, end: i - lineStart, quoted };
      if (reused !== null) reused.push(token);
    } else {
      token.text = text;
      token.start = start - lineStart;
      token.end = i - lineStart;
      token.quoted = quoted;
    }
    tokens.push(token);
  }
  return { ok: true, tokens };
}
