// What the build adds to each lesson page nbconvert wrote: the language, the
// site's stylesheet, the navigation at the top and the bottom (in the page's
// language, with the switch to the other edition), formulas rendered, the
// first use of each glossary term linked, wide views reachable with the
// keyboard, and the page's sections for search.

import { parseHTML } from "linkedom";
import { alternateLink, editionOf, toSiteRoot } from "./editions.mjs";
import { linkTerms } from "./glossary.mjs";
import { renderMath, unrenderedMath } from "./math.mjs";
import { lessonNav } from "./nav.mjs";
import { pageSections } from "./search.mjs";

/**
 * Finish one lesson page; returns the new HTML and what the page holds for search and checks.
 * `edition` is the page's (English by default; `terms` in its language, see termsIn); `hasPage`,
 * `explorer` and `languageSwitch` go to the navigation (lessonNav); `alternate` is the address of
 * the same lesson in the other language, when it has a page there.
 */
export function finishLessonPage(html, { lesson, series, caseLinks, terms, edition = editionOf("en"), hasPage, explorer, languageSwitch, alternate = null }) {
  const { document } = parseHTML(html);
  document.documentElement.setAttribute("lang", edition.lang);
  // nbconvert's MathJax configuration: formulas are rendered here instead.
  for (const s of document.querySelectorAll('script[type="text/x-mathjax-config"]')) s.remove();
  const link = document.createElement("link");
  link.setAttribute("rel", "stylesheet");
  link.setAttribute("href", `${toSiteRoot(edition)}site.css`);
  document.head.appendChild(link);
  if (alternate) {
    const holder = document.createElement("div");
    holder.innerHTML = alternateLink(edition, alternate);
    document.head.appendChild(holder.firstChild);
  }

  foldExerciseChecks(document, edition.words.checkCode);
  const prose = [...document.querySelectorAll(".jp-MarkdownOutput")];
  const formulas = renderMath(document, prose);
  const linked = linkTerms(document, prose, terms);
  makeScrollablesFocusable(document, edition.words.viewLabel);

  const context = { edition, hasPage, explorer, languageSwitch };
  const top = document.createElement("div");
  top.innerHTML = lessonNav(lesson, series, caseLinks, "top", context);
  document.body.insertBefore(top.firstChild, document.body.firstChild);
  const bottom = document.createElement("div");
  bottom.innerHTML = lessonNav(lesson, series, caseLinks, "bottom", context);
  document.body.appendChild(bottom.firstChild);

  const sections = pageSections(document, lesson.page, lesson.title);
  return { html: document.toString(), formulas, linked, sections, leftoverMath: unrenderedMath(document) };
}

/** A box that scrolls must take the keyboard's focus, or its hidden part cannot be reached without a mouse. */
function makeScrollablesFocusable(document, fallbackLabel) {
  for (const view of document.querySelectorAll(".kil-view")) {
    view.setAttribute("tabindex", "0");
    view.setAttribute("role", "region");
    view.setAttribute("aria-label", view.querySelector(".kil-title")?.textContent?.trim() || fallbackLabel);
  }
  for (const pre of document.querySelectorAll(".jp-OutputArea-output pre, .jp-RenderedText pre, .jp-InputArea pre")) {
    if (!pre.hasAttribute("tabindex")) pre.setAttribute("tabindex", "0");
  }
  // Charts drawn with Plot in a lesson name their groups; a named <g> needs a role for assistive technology.
  for (const g of document.querySelectorAll("svg g[aria-label]")) {
    if (!g.hasAttribute("role")) g.setAttribute("role", "group");
  }
}

/**
 * The code of an exercise's check holds the answer (its `why`): on the page it is folded away like
 * the answer itself, under a summary that says so, and the check's output (the hint) stays in view.
 */
function foldExerciseChecks(document, label) {
  for (const input of document.querySelectorAll(".jp-CodeCell .jp-Cell-inputWrapper")) {
    if (!/\bcheckAnswer\s*\(/.test(input.textContent ?? "")) continue;
    const details = document.createElement("details");
    details.setAttribute("class", "kil-check-code");
    const summary = document.createElement("summary");
    summary.textContent = label;
    details.appendChild(summary);
    while (input.firstChild) details.appendChild(input.firstChild);
    input.appendChild(details);
  }
}
