// The glossary page, and the links from each lesson's prose to it: the first
// time a lesson uses a term (or one of its forms), the word links to the term's
// entry. Only prose is linked: never code, headings, links or tables of views.

import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "./html.mjs";
import { replaceInProse } from "./prose.mjs";

/** The terms of notebooks/glossary.json. */
export function readGlossary(root) {
  return JSON.parse(fs.readFileSync(path.join(root, "notebooks", "glossary.json"), "utf8")).terms;
}

/** Elements whose text is never linked. */
const SKIP = new Set(["A", "CODE", "PRE", "KBD", "SAMP", "H1", "H2", "H3", "H4", "H5", "H6", "SCRIPT", "STYLE", "SVG", "MATH", "BUTTON", "LABEL", "SUMMARY"]);

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One pattern per form, longest first, so "session affinity" wins over "affinity". */
function formPatterns(terms) {
  const forms = terms.flatMap((t) => t.forms.map((f) => ({ id: t.id, form: f })));
  forms.sort((a, b) => b.form.length - a.form.length || a.form.localeCompare(b.form));
  return forms.map(({ id, form }) => ({
    id,
    // An all-lowercase form also matches at the start of a sentence; a form with capitals matches as written.
    re: new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRegExp(form)}(?![\\p{L}\\p{N}_-])`, form === form.toLowerCase() ? "iu" : "u"),
  }));
}

/** Link the first use of each term in the prose under `roots` (DOM nodes, in reading order). Returns the ids linked. */
export function linkTerms(document, roots, terms, href = "glossary.html") {
  const patterns = formPatterns(terms);
  const linked = new Set();
  replaceInProse(document, roots, SKIP, (data) => {
    let best = null;
    for (const p of patterns) {
      if (linked.has(p.id)) continue;
      const m = p.re.exec(data);
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

/** The glossary as a page body: one entry per term, alphabetical, each with an anchor. */
export function glossaryBody(terms) {
  const sorted = [...terms].sort((a, b) => a.term.localeCompare(b.term, "en", { sensitivity: "base" }));
  const entries = sorted.map((t) => `<dt id="${escapeHtml(t.id)}">${escapeHtml(t.term)}</dt>\n<dd>${escapeHtml(t.definition).replace(/`([^`]+)`/g, "<code>$1</code>")}</dd>`);
  return `<h1>Glossary</h1>\n<p class="lead">The words the lessons use, in one place. Each lesson links a term here the first time it uses it.</p>\n<dl class="kil-glossary">\n${entries.join("\n")}\n</dl>`;
}
