// The glossary page, and the links from each lesson's prose to it: the first
// time a lesson uses a term (or one of its forms), the word links to the term's
// entry. Only prose is linked: never code, headings, links or tables of views.
//
// notebooks/glossary.json holds both languages: each term in English, and its
// Chinese term, forms and definition in its "zh-CN" field. Chinese has no
// spaces between words, so a Chinese form is found wherever it is written
// (the forms are chosen long enough not to be part of another word, and a
// form's "notIn" lists the longer words it must not be taken out of); only
// its Latin ends must not touch other Latin letters or digits.

import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "./html.mjs";
import { replaceInProse } from "./prose.mjs";

/** The terms of notebooks/glossary.json. */
export function readGlossary(root, dir = path.join(root, "notebooks")) {
  return JSON.parse(fs.readFileSync(path.join(dir, "glossary.json"), "utf8")).terms;
}

/**
 * The terms in one language: `term`, `forms` and `definition` in it, `other` the term in the other
 * language (English for Chinese, Chinese for English, when known). A term without a Chinese entry
 * keeps its English term and definition in the Chinese edition, and links nothing there.
 */
export function termsIn(terms, lang) {
  if (lang === "en") return terms.map((t) => ({ ...t, other: t["zh-CN"]?.term ?? null, otherLang: "zh-CN" }));
  return terms.map((t) => {
    const local = t[lang];
    return local
      ? { id: t.id, lang, term: local.term, forms: local.forms, notIn: local.notIn ?? [], definition: local.definition, other: t.term, otherLang: "en" }
      : { id: t.id, term: t.term, forms: [], definition: t.definition, other: null, otherLang: "en", untranslated: true };
  });
}

/** Elements whose text is never linked. */
const SKIP = new Set(["A", "CODE", "PRE", "KBD", "SAMP", "H1", "H2", "H3", "H4", "H5", "H6", "SCRIPT", "STYLE", "SVG", "MATH", "BUTTON", "LABEL", "SUMMARY"]);

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const HAN = /\p{Script=Han}/u;

/**
 * A form as a pattern. A Latin end must not touch a letter, digit, '_' or '-' (so "chain" is not
 * found in "subchain"; in Chinese text only a Latin letter counts, so "个Service" is found); a
 * Han end may touch anything, as Chinese words do. A space in Chinese text may be written or left
 * out ("nat 表", "nat表").
 */
function formPattern(form, chinese) {
  const latinStart = !HAN.test(form[0]);
  const latinEnd = !HAN.test(form[form.length - 1]);
  const body = escapeRegExp(form).replace(/ /g, chinese ? "\\s*" : " ");
  // In Chinese text only Latin letters and digits bound a Latin word; in English any letter does.
  const word = chinese ? "[A-Za-z0-9_-]" : "[\\p{L}\\p{N}_-]";
  const source = `${latinStart ? `(?<!${word})` : ""}${body}${latinEnd ? `(?!${word})` : ""}`;
  // An all-lowercase form also matches at the start of a sentence; a form with capitals matches as written.
  return new RegExp(source, form === form.toLowerCase() ? "giu" : "gu");
}

/** One pattern per form, longest first, so "session affinity" wins over "affinity". */
function formPatterns(terms) {
  const forms = terms.flatMap((t) => t.forms.map((f) => ({ id: t.id, form: f, chinese: t.lang === "zh-CN", notIn: (t.notIn ?? []).filter((w) => w.includes(f)) })));
  forms.sort((a, b) => b.form.length - a.form.length || a.form.localeCompare(b.form));
  return forms.map(({ id, form, chinese, notIn }) => ({ id, re: formPattern(form, chinese), form, notIn }));
}

/** True when the match at `index` is part of one of the words `notIn` (e.g. 链 in 链接). */
function insideLongerWord(text, index, form, notIn) {
  return notIn.some((word) => {
    for (let at = word.indexOf(form); at >= 0; at = word.indexOf(form, at + 1)) {
      if (text.startsWith(word, index - at)) return true;
    }
    return false;
  });
}

/** The first place in `text` where the pattern `p` matches, or null. */
function firstMatch(text, p) {
  p.re.lastIndex = 0;
  for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
    if (!insideLongerWord(text, m.index, p.form, p.notIn)) return m;
    p.re.lastIndex = m.index + 1;
  }
  return null;
}

/** Link the first use of each term in the prose under `roots` (DOM nodes, in reading order). Returns the ids linked. */
export function linkTerms(document, roots, terms, href = "glossary.html") {
  const patterns = formPatterns(terms);
  const linked = new Set();
  replaceInProse(document, roots, SKIP, (data) => {
    let best = null;
    for (const p of patterns) {
      if (linked.has(p.id)) continue;
      const m = firstMatch(data, p);
      if (m && (best === null || m.index < best.index)) best = { index: m.index, length: m[0].length, id: p.id };
    }
    if (!best) return null;
    linked.add(best.id);
    const a = document.createElement("a");
    a.setAttribute("href", `${href}#${best.id}`);
    a.setAttribute("class", "kil-term");
    a.textContent = data.slice(best.index, best.index + best.length);
    return { index: best.index, length: best.length, node: a };
  });
  return [...linked];
}

const withCode = (text) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

/** The order of the entries: alphabetical in English; in Chinese, by the collation of zh-CN (pinyin), Latin terms first. */
function sortTerms(terms, lang) {
  const collator = new Intl.Collator(lang === "en" ? "en" : "zh-CN", { sensitivity: "base" });
  return [...terms].sort((a, b) => collator.compare(a.term, b.term) || a.id.localeCompare(b.id));
}

/**
 * The glossary as a page body, in the language of `edition` (`terms` from `termsIn`): one entry
 * per term, each with an anchor and the term in the other language beside it.
 */
export function glossaryBody(terms, edition = { lang: "en", words: { glossary: "Glossary", glossaryLead: "" } }) {
  const entries = sortTerms(terms, edition.lang).map((t) => {
    const other = t.other && !t.term.toLowerCase().includes(t.other.toLowerCase()) ? ` <span class="kil-term-other" lang="${t.otherLang}">${escapeHtml(t.other)}</span>` : "";
    const lang = t.untranslated ? ` lang="en"` : "";
    const term = lang ? `<span${lang}>${escapeHtml(t.term)}</span>` : escapeHtml(t.term);
    return `<dt id="${escapeHtml(t.id)}">${term}${other}</dt>\n<dd${lang}>${withCode(t.definition)}</dd>`;
  });
  const lead = edition.words.glossaryLead ? `\n<p class="lead">${escapeHtml(edition.words.glossaryLead)}</p>` : "";
  return `<h1>${escapeHtml(edition.words.glossary)}</h1>${lead}\n<dl class="kil-glossary">\n${entries.join("\n")}\n</dl>`;
}

/** The glossary's entries as search sections of glossary.html. */
export function glossarySections(terms) {
  return terms.map((t) => ({ page: "glossary.html", anchor: t.id, heading: t.other && !t.term.toLowerCase().includes(t.other.toLowerCase()) ? `${t.term} (${t.other})` : t.term, text: t.definition.replace(/`/g, "") }));
}
