// The series of lessons as the site shows it: number, title, what each
// lesson answers, what it needs, and how long it takes, in name order, in
// one edition's language.
//
// "answers" and "needs" come from notebooks/series.json when the lesson is
// listed there (the Chinese edition's from its "zh-CN" fields); otherwise
// from the lesson itself (its **Question.** line, and "the lessons before
// it"). The length is estimated from the lesson's words and cells, so it
// follows the lesson as it is edited. The series is the English one: a
// lesson not yet translated stays in the Chinese series, marked as such,
// with its English title.

import * as fs from "node:fs";
import * as path from "node:path";

/** A notebook text field (a cell's source, an output's text): a string or a list of lines. */
export const cellText = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));

// Han characters (and CJK punctuation): Chinese prose, which has no spaces between words.
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/g;

const FALLBACK_NEEDS = {
  en: (index) => (index === 0 ? "nothing" : "the lessons before it"),
  "zh-CN": (index) => (index === 0 ? "无" : "前面的课程"),
};

/** The notebook's title: its first markdown heading, else its file name. */
export function notebookTitle(notebook, fallback) {
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type !== "markdown") continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellText(cell.source));
    if (m) return m[1].replace(/[`*_]/g, "");
  }
  return fallback;
}

/** The lesson's question: the text after **Question.** in its first cells, in plain words. */
export function lessonQuestion(notebook) {
  for (const cell of (notebook.cells ?? []).slice(0, 3)) {
    if (cell.cell_type !== "markdown") continue;
    const m = /\*\*(?:Question\.|问题[。：:]?)\*\*[\s：:]*([^\n]+)/.exec(cellText(cell.source));
    if (m) return m[1].replace(/[`*_]/g, "").trim();
  }
  return null;
}

/**
 * Minutes a student needs: reading at 100 words a minute (technical prose next
 * to the rules it talks about; in Chinese, two characters count as a word)
 * plus two minutes per code cell to run it and read its table or chart,
 * rounded to five minutes.
 */
export function lessonMinutes(notebook) {
  let words = 0;
  let code = 0;
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type === "code") code++;
    else words += proseWords(cellText(cell.source));
  }
  return Math.max(5, Math.round((words / 100 + 2 * code) / 5) * 5);
}

/** Words in a text: its space-separated words, with each run of Chinese characters counted at two characters a word. */
function proseWords(text) {
  const chinese = (text.match(CJK) ?? []).length;
  const others = text.replace(CJK, " ").split(/\s+/).filter(Boolean).length;
  return others + chinese / 2;
}

/**
 * Every lesson of notebooks/, in order, with what the index and the navigation show in the
 * language `lang` ("en" or "zh-CN", whose lessons are in notebooks/zh-CN/). `translated` says
 * whether the lesson exists in that language.
 */
export function readSeries(root, lang = "en", dir = path.join(root, "notebooks")) {
  const listed = fs.existsSync(path.join(dir, "series.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "series.json"), "utf8")).lessons : {};
  const files = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  return files.map((file, index) => {
    const name = file.replace(/\.ipynb$/, "");
    const english = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const translation = lang === "en" ? null : path.join(dir, lang, file);
    const translated = translation === null || fs.existsSync(translation);
    const notebook = translation && translated ? JSON.parse(fs.readFileSync(translation, "utf8")) : english;
    const meta = (lang === "en" ? listed[name] : listed[name]?.[lang]) ?? {};
    return {
      file,
      name,
      page: `${name}.html`,
      number: name.slice(0, 2),
      index,
      translated,
      title: notebookTitle(notebook, name),
      answers: meta.answers ?? (translated ? lessonQuestion(notebook) : null) ?? "",
      needs: meta.needs ?? FALLBACK_NEEDS[lang](index),
      minutes: lessonMinutes(notebook),
    };
  });
}
