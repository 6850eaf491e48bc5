/**
 * A JSON reader that remembers where each value and each key starts, so a
 * problem found later (by a schema or by a loader) can be reported at its
 * line and column in the file. It reads exactly what JSON.parse reads.
 * Its messages are written through `t`, in the current language.
 */
import { t } from "../i18n/language.js";

/** Where a value sits in a document: object keys and array indexes from the top. */
export type JsonPath = (string | number)[];

/** A 1-based line and column (in characters, as the dump diagnostics count them). */
export interface Position {
  line: number;
  column: number;
}

/** A document read with its positions. */
export interface LocatedJson {
  value: unknown;
  /** Where the value at `path` starts; for an unknown key, pass `key` to get the key's own position. */
  locate(path: JsonPath, key?: string): Position;
}

/** Text that is not JSON, or nests deeper than MAX_JSON_DEPTH: where, and what was expected. */
export class JsonSyntaxError extends Error {
  constructor(readonly position: Position, readonly reason: string) {
    super(`${position.line}:${position.column}: ${reason}`);
  }
}

/** Arrays and objects nested deeper than this are refused (no input of the kit needs more than a handful of levels). */
export const MAX_JSON_DEPTH = 64;

const pathKey = (path: JsonPath) => JSON.stringify(path);

/** Read JSON text, recording the position of every value and key. Throws JsonSyntaxError. */
export function readLocatedJson(text: string): LocatedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const positionOf = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  const values = new Map<string, number>();
  const keys = new Map<string, number>();
  const reader = new Reader(text, (path, at) => values.set(pathKey(path), at), (path, at) => keys.set(pathKey(path), at), positionOf);
  const value = reader.document();
  return {
    value,
    locate(path, key) {
      if (key !== undefined) {
        const at = keys.get(pathKey([...path, key]));
        if (at !== undefined) return positionOf(at);
      }
      // The deepest part of the path that exists (a missing key is reported at its object).
      for (let n = path.length; n >= 0; n--) {
        const at = values.get(pathKey(path.slice(0, n)));
        if (at !== undefined) return positionOf(at);
      }
      return { line: 1, column: 1 };
    },
  };
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: [string, unknown][] = [["true", true], ["false", false], ["null", null]];

/** A recursive-descent JSON reader over one text (depth is bounded, so recursion is safe). */
class Reader {
  private at = 0;
  private readonly path: JsonPath = [];

  constructor(
    private readonly text: string,
    private readonly onValue: (path: JsonPath, offset: number) => void,
    private readonly onKey: (path: JsonPath, offset: number) => void,
    private readonly positionOf: (offset: number) => Position,
  ) {}

  document(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.at = 1; // a byte order mark, as editors on Windows write it
    this.skipSpace();
    const value = this.value(0);
    this.skipSpace();
    if (this.at < this.text.length) this.fail(t("unexpected text after the JSON value"));
    return value;
  }

  private fail(reason: string, offset = this.at): never {
    throw new JsonSyntaxError(this.positionOf(offset), reason);
  }

  /** What stands at the reading position, for a message: the character in quotes, or the end of the file. */
  private found(): string {
    return this.foundAt(this.at);
  }

  private foundAt(offset: number): string {
    return offset >= this.text.length ? t("the end of the file") : JSON.stringify(this.text[offset]);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text.charCodeAt(this.at))) this.at++;
  }

  private value(depth: number): unknown {
    this.onValue(this.path, this.at);
    const c = this.text[this.at];
    if (c === "{") return this.object(depth + 1);
    if (c === "[") return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail(t("expected a JSON value, found {}", this.found()));
  }

  private nest(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(t("expected lists and objects nested at most {} levels deep", MAX_JSON_DEPTH));
  }

  private object(depth: number): Record<string, unknown> {
    this.nest(depth);
    const out: Record<string, unknown> = {};
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      if (this.text[this.at] !== '"') this.fail(t("expected a key in double quotes, found {}", this.found()));
      const keyAt = this.at;
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at] !== ":") this.fail(t("expected ':' after the key, found {}", this.found()));
      this.at++;
      this.skipSpace();
      this.path.push(key);
      this.onKey(this.path, keyAt);
      // defineProperty, as JSON.parse does: a "__proto__" key is a key, not the object's prototype.
      Object.defineProperty(out, key, { value: this.value(depth), enumerable: true, writable: true, configurable: true });
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === "}") return out;
      if (c !== ",") this.fail(t("expected ',' or '}' in the object, found {}", this.foundAt(this.at - 1)), this.at - 1);
      this.skipSpace();
    }
  }

  private array(depth: number): unknown[] {
    this.nest(depth);
    const out: unknown[] = [];
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      this.path.push(out.length);
      out.push(this.value(depth));
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.at++];
      if (c === "]") return out;
      if (c !== ",") this.fail(t("expected ',' or ']' in the list, found {}", this.foundAt(this.at - 1)), this.at - 1);
      this.skipSpace();
    }
  }

  private string(): string {
    const start = this.at;
    this.at++;
    let out = "";
    let from = this.at;
    for (;;) {
      if (this.at >= this.text.length) this.fail(t("unterminated string: expected a closing '\"'"), start);
      const code = this.text.charCodeAt(this.at);
      if (code === 0x22) break;
      if (code < 0x20) this.fail(t("a control character inside a string must be written escaped (\\n, \\t, \\u0000)"));
      if (code !== 0x5c) {
        this.at++;
        continue;
      }
      out += this.text.slice(from, this.at);
      const e = this.text[this.at + 1];
      if (e === "u") {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(t("expected four hexadecimal digits after \\u"));
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        this.at += 2;
      } else this.fail(t("unknown escape \\{} in a string", e ?? ""));
      from = this.at;
    }
    out += this.text.slice(from, this.at);
    this.at++;
    return out;
  }

  private number(): number {
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail(t("expected a number, found {}", this.found()));
    this.at += m[0].length;
    return Number(m[0]);
  }
}
