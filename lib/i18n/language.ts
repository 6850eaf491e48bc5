/**
 * The language the library writes its labels in, and the phrasebooks that
 * translate them. Text is looked up by its English wording: `t("verdict")`
 * gives `裁决` in zh-CN and `verdict` in English, so English output is the
 * code's own text, byte for byte.
 *
 * A phrase's key may hold `{}` placeholders that match any text; the value
 * repeats them, filled in order (or `{1}`, `{2}`… to put them in another
 * order): `"Endpoints of {}": "{} 的端点"`. The library passes its values
 * separately, `t("Endpoints of {}", label)`, so a lookup is one map access;
 * a lesson passes the whole sentence, `t("Endpoints of default/web")`, and
 * the placeholder keys are tried in turn. Templates the library only ever
 * fills itself (`addPhrases(..., { sentences: false })`: "expected {}, got
 * {}", "to {}") are never tried against a whole sentence, so a broad one
 * cannot half-translate a text that has no phrase of its own.
 *
 * This file and the phrasebooks are bundled with the explorer: no node: imports.
 */
import { ZH_CN, ZH_CN_TEMPLATES } from "./zh-CN.js";

/** The languages the kit writes in. */
export const LANGUAGES = ["en", "zh-CN"] as const;

/** A language tag of the kit. */
export type Language = (typeof LANGUAGES)[number];

/** English text → its translation (keys may hold `{}` placeholders). */
export type Phrases = Readonly<Record<string, string>>;

interface Pattern {
  regex: RegExp;
  value: string;
}

/** One language's phrases: exact keys in a map, placeholder keys as patterns (longest literal text first). */
interface Phrasebook {
  exact: Map<string, string>;
  patterns: Pattern[];
  /** Texts asked for that had no phrase, for the tests and for translators. */
  missing: Set<string>;
}

const books = new Map<Language, Phrasebook>();
let current: Language = "en";

/** Whether a text is one of the kit's language tags. */
export function isLanguage(text: string): text is Language {
  return (LANGUAGES as readonly string[]).includes(text);
}

/** Write the library's labels in `lang` from now on (`en` or `zh-CN`); returns it. */
export function setLanguage(lang: string): Language {
  if (!isLanguage(lang)) throw new Error(`setLanguage: '${lang}' is not a language of the kit (${LANGUAGES.join(", ")})`);
  current = lang;
  return lang;
}

/** The language labels are written in now. */
export function language(): Language {
  return current;
}

/** How many `{}` placeholders a text holds. */
export function placeholderCount(text: string): number {
  return text.split("{}").length - 1;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function bookOf(lang: Language): Phrasebook {
  let book = books.get(lang);
  if (!book) {
    book = { exact: new Map(), patterns: [], missing: new Set() };
    books.set(lang, book);
  }
  return book;
}

/**
 * Add phrases to a language's phrasebook (a later phrase replaces an earlier one with the same key).
 * With `sentences: false` the placeholder keys are templates only: `t(key, ...values)` finds them,
 * a whole sentence is never matched against them. Throws when a value does not use its key's
 * placeholders, naming `source` and the key.
 */
export function addPhrases(lang: Language, phrases: Phrases, source = "phrases", options: { sentences?: boolean } = {}): void {
  const sentences = options.sentences ?? true;
  const book = bookOf(lang);
  let added = false;
  for (const [key, value] of Object.entries(phrases)) {
    if (typeof value !== "string") throw new Error(`${source}: the phrase for "${key}" is not a string`);
    if (key.split("{}").join("").trim() === "") throw new Error(`${source}: the key "${key}" has no text besides its placeholders; it would match every text`);
    const wanted = placeholderCount(key);
    const numbered = value.match(/\{\d+\}/g) ?? [];
    const used = placeholderCount(value) + numbered.length;
    const outOfRange = numbered.find((n) => Number(n.slice(1, -1)) < 1 || Number(n.slice(1, -1)) > wanted);
    if (used !== wanted || outOfRange) {
      throw new Error(`${source}: "${key}" has ${wanted} placeholder${wanted === 1 ? "" : "s"} ({}), its phrase "${value}" ${outOfRange ? `names ${outOfRange}` : `has ${used}`}`);
    }
    book.exact.set(key, value);
    if (wanted > 0 && sentences) {
      const regex = new RegExp(`^${key.split("{}").map(escapeRegex).join("([\\s\\S]*?)")}$`);
      book.patterns = book.patterns.filter((p) => p.regex.source !== regex.source);
      book.patterns.push({ regex, value });
      added = true;
    }
  }
  // The most specific pattern first: "{} more rules" before "{}".
  if (added) book.patterns.sort((a, b) => literalLength(b.regex.source) - literalLength(a.regex.source));
}

function literalLength(source: string): number {
  return source.replace(/\(\[\\s\\S\]\*\?\)/g, "").length;
}

/** Put values into a text's placeholders: `{}` in order, `{1}`, `{2}`… by number. */
export function fill(text: string, values: readonly (string | number)[]): string {
  if (values.length === 0) return text;
  let next = 0;
  return text.replace(/\{(\d*)\}/g, (all, n: string) => {
    const i = n === "" ? next++ : Number(n) - 1;
    return i < values.length ? String(values[i]) : all;
  });
}

/**
 * The text in language `lang`: with `values`, `text` is a template whose `{}` they fill;
 * without, a whole sentence, also matched against the placeholder phrases. The English
 * text itself when the phrasebook has no phrase for it.
 */
export function phraseIn(lang: Language, text: string, ...values: (string | number)[]): string {
  if (lang === "en") return fill(text, values);
  const book = bookOf(lang);
  const exact = book.exact.get(text);
  if (exact !== undefined) return fill(exact, values);
  if (values.length === 0) {
    for (const p of book.patterns) {
      const m = p.regex.exec(text);
      if (m) return fill(p.value, m.slice(1));
    }
  }
  // Text already in the language (a title a lesson wrote in Chinese) is not missing.
  if (!/[\u3400-\u9fff]/.test(text)) book.missing.add(text);
  return fill(text, values);
}

/** Whether `lang`'s phrasebook has a phrase for the whole text, exactly or by a placeholder key (English has every text). */
export function hasPhrase(lang: Language, text: string): boolean {
  if (lang === "en") return true;
  const book = bookOf(lang);
  return book.exact.has(text) || book.patterns.some((p) => p.regex.test(text));
}

/** The text in the current language (see `phraseIn`); `t("Endpoints of {}", name)` or `t("A whole sentence.")`. */
export function t(text: string, ...values: (string | number)[]): string {
  return current === "en" ? fill(text, values) : phraseIn(current, text, ...values);
}

/** Texts asked for in `lang` that had no phrase, in the order first asked. */
export function missingPhrases(lang: Language): string[] {
  return [...bookOf(lang).missing];
}

/** Forget the texts recorded as missing (tests start from a clean slate). */
export function clearMissingPhrases(lang: Language): void {
  bookOf(lang).missing.clear();
}

addPhrases("zh-CN", ZH_CN, "lib/i18n/zh-CN.ts");
addPhrases("zh-CN", ZH_CN_TEMPLATES, "lib/i18n/zh-CN.ts", { sentences: false });
