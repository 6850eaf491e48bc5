/**
 * A JSON input's shape problem (lib/json/shape.ts's `problemsText`: `FILE: PATH: MESSAGE (and N
 * more problems)`) in the current language. The file, the path, keys and values stay as they are;
 * the wording and the schema's description of what was expected (or shape.ts's wording for a
 * schema node without one: "one of {}", "a value of type {}") are translated. Unchanged in
 * English, and a text of another form is passed through `t` whole.
 */
import { language, t } from "../i18n/language.js";

/** Where the message starts: after `FILE: PATH: `, at one of shape.ts's openings (a message at the start has no prefix). */
const LINE = /^(?:(?!unknown key "|key "|missing "|expected )([\s\S]*?: ))?((?:unknown key "|key "|missing "|expected )[\s\S]*?)( \(and \d+ more problems?\))?$/;

/** What shape.ts shows of a value: its JSON as it is, or the words for a list, an object, a huge number. */
function gotText(text: string): string {
  return /^(a list|an object|a number too large for a double)$/.test(text) ? t(text) : text;
}

/** One problem's message in the current language. */
function problemMessage(text: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^unknown key (".*?") \(did you mean (".*?")\?\)$/.exec(text))) return t("unknown key {} (did you mean {}?)", m[1], m[2]);
  if ((m = /^unknown key (".*?") \(expected (.*)\)$/.exec(text))) return t("unknown key {} (expected {})", m[1], m[2]);
  if ((m = /^unknown key (".*")$/.exec(text))) return t("unknown key {}", m[1]);
  if ((m = /^key (".*?") is not allowed with this object's other keys \(it belongs to another "kind"\)$/.exec(text))) return t("key {} is not allowed with this object's other keys (it belongs to another \"kind\")", m[1]);
  if ((m = /^key (".*?") is not allowed with this object's other keys$/.exec(text))) return t("key {} is not allowed with this object's other keys", m[1]);
  if ((m = /^missing (".*?"): expected ([\s\S]*)$/.exec(text))) return t("missing {}: expected {}", m[1], t(m[2]));
  if ((m = /^missing (".*")$/.exec(text))) return t("missing {}", m[1]);
  if ((m = /^expected ([\s\S]*), got ([\s\S]*)$/.exec(text))) return t("expected {}, got {}", t(m[1]), gotText(m[2]));
  return t(text);
}

/** A located problem, as the kit reports a JSON file's problems: `FILE:LINE:COL: error: PATH: MESSAGE`. */
const LOCATED = /^(.*?:\d+:\d+): (error|warning): ([\s\S]*)$/;

/** One line of problems in the current language. */
function lineText(text: string): string {
  const located = LOCATED.exec(text);
  if (located) return `${located[1]}: ${t(located[2])}${t(": ")}${lineText(located[3])}`;
  const line = LINE.exec(text);
  if (!line) return t(text);
  const more = line[3] ? /\d+/.exec(line[3])![0] : undefined;
  const tail = more === undefined ? "" : t(more === "1" ? " (and {} more problem)" : " (and {} more problems)", more);
  return `${line[1] ?? ""}${problemMessage(line[2])}${tail}`;
}

/**
 * A JSON input's problems in the current language: one `problemsText` line, or the located
 * lines (`FILE:LINE:COL: error: …`) the explorer and the CLI list, one per line.
 */
export function shapeText(text: string): string {
  if (language() === "en") return text;
  return text.split("\n").map(lineText).join("\n");
}
