/**
 * The one setup call of a lesson: the bundled example's dump, its node and
 * its Services, found through the package (not the notebook's working
 * directory, so a lesson runs from any folder), and `show` for the output.
 *
 *   const { dump, node, show } = openLesson("wordpress");
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Dump } from "../model/dump.js";
import { loadNodeContext, type NodeContext } from "../node/context.js";
import { parseDump } from "../parse/parser.js";
import { services, type KubeService } from "../services/catalog.js";
import { show as showHtml } from "../views/display.js";
import { LESSON_EXAMPLES } from "./examples.js";
import { addPhrases, isLanguage, LANGUAGES, setLanguage, type Language, type Phrases } from "../i18n/language.js";

/** What a lesson starts from. */
export interface LessonData {
  /** The parsed dump (its diagnostics name `dumpFile`). */
  dump: Dump;
  /** The dump's text, for quoting its lines. */
  dumpText: string;
  /** The dump's path inside the kit, `data/NAME/iptables-save.txt`. */
  dumpFile: string;
  node: NodeContext;
  nodeFile: string;
  services: KubeService[];
  /** Show a view's HTML in the notebook (returns the HTML outside one). */
  show: (html: string) => string | undefined;
  /** The absolute path of a file of the kit's data folder (`dataPath("wordpress/scenarios.json")`). */
  dataPath: (relative: string) => string;
}

/** The kit's data folder, beside lib/ and dist/ in the package. */
const DATA = new URL("../../data/", import.meta.url);

/** The absolute path of a file in the kit's data folder. */
export function dataPath(relative: string): string {
  return fileURLToPath(new URL(relative.replace(/^\/+/, ""), DATA));
}

/** The line and column of a character offset in a text (1-based). */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** A lesson phrasebook's phrases (`{ "phrases": { "English": "中文" } }`); errors name the file and, for bad JSON, the line. */
export function readLessonPhrases(file: string, text: string): Phrases {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec(String((error as Error).message));
    throw new Error(`${file}${at ? `:${lineColumn(text, Number(at[1]))}` : ""}: not valid JSON (${(error as Error).message})`);
  }
  const phrases = (parsed as { phrases?: unknown } | null)?.phrases;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || typeof phrases !== "object" || phrases === null || Array.isArray(phrases)) {
    throw new Error(`${file}: expected { "phrases": { "English text": "translation", ... } }`);
  }
  for (const [key, value] of Object.entries(phrases)) {
    if (typeof value !== "string") throw new Error(`${file}: the phrase for "${key}" is a ${value === null ? "null" : typeof value}, expected a string`);
  }
  return phrases as Phrases;
}

const loadedPhrasebooks = new Set<Language>();

/** Load the lessons' phrasebooks of a language (data/i18n/LANG/*.json), once per process. */
export function loadLessonPhrases(lang: Language): void {
  if (lang === "en" || loadedPhrasebooks.has(lang)) return;
  const dir = dataPath(`i18n/${lang}/`);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
  for (const f of files) {
    const file = `data/i18n/${lang}/${f}`;
    addPhrases(lang, readLessonPhrases(file, readFileSync(dataPath(`i18n/${lang}/${f}`), "utf8")), file);
  }
  loadedPhrasebooks.add(lang);
}

/**
 * The language named by the environment (KIL_LANG, which the tslab-zh-CN kernel sets), made the
 * library's language with its lesson phrasebooks loaded; unset leaves the language as it is.
 */
export function languageFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Language | null {
  const lang = env.KIL_LANG;
  if (lang === undefined || lang === "") return null;
  if (!isLanguage(lang)) throw new Error(`openLesson: KIL_LANG=${lang} is not a language of the kit (${LANGUAGES.join(", ")})`);
  loadLessonPhrases(lang);
  return setLanguage(lang);
}

/** Open a bundled example for a lesson: dump, node, Services and `show`; takes the language from KIL_LANG; throws if the dump has errors. */
export function openLesson(example = "wordpress", options: { node?: string } = {}): LessonData {
  languageFromEnvironment();
  const nodeName = options.node ?? LESSON_EXAMPLES[example];
  if (nodeName === undefined) throw new Error(`openLesson: no bundled example '${example}' (there are ${Object.keys(LESSON_EXAMPLES).join(", ")})`);
  const dumpFile = `data/${example}/iptables-save.txt`;
  const nodeFile = `data/${nodeName}/node.json`;
  const dumpText = readFileSync(dataPath(`${example}/iptables-save.txt`), "utf8");
  const parsed = parseDump(dumpText, { file: dumpFile });
  if (parsed.errors.length > 0) throw new Error(`${dumpFile} has ${parsed.errors.length} parse errors; the first: ${parsed.errors[0].message}`);
  const node = loadNodeContext(JSON.parse(readFileSync(dataPath(`${nodeName}/node.json`), "utf8")), nodeFile);
  return {
    dump: parsed.dump, dumpText, dumpFile, node, nodeFile, services: services(parsed.dump),
    show: (html: string) => showHtml(html), dataPath,
  };
}
