// The navigation of a lesson page: where it sits in the series, the lessons
// before and after it, the index, the glossary, search, the explorer, the
// same lesson in the other language, and this lesson's cases as links into
// the explorer. All in the page's own language.

import { editionOf } from "./editions.mjs";
import { escapeHtml } from "./html.mjs";

/**
 * The bar at the top (and bottom) of a lesson page. `context`: the page's `edition` (English by
 * default), `hasPage(lesson)` (is there a page for it in this edition; previous and next skip
 * lessons without one), `explorer` (the explorer's address) and `languageSwitch` (an HTML link).
 */
export function lessonNav(lesson, series, caseLinks, where = "top", context = {}) {
  const { edition = editionOf("en"), hasPage = () => true, explorer = "explore.html", languageSwitch = "" } = context;
  const words = edition.words;
  const prev = series.slice(0, lesson.index).reverse().find(hasPage);
  const next = series.slice(lesson.index + 1).find(hasPage);
  const place = escapeHtml(words.place(lesson.number, lesson.index + 1, series.length));
  const links = [
    `<a href="index.html">${escapeHtml(words.allLessons)}</a>`,
    prev ? `<a href="${escapeHtml(prev.page)}" rel="prev">&larr; ${escapeHtml(prev.title)}</a>` : null,
    next ? `<a href="${escapeHtml(next.page)}" rel="next">${escapeHtml(next.title)} &rarr;</a>` : null,
    `<a href="glossary.html">${escapeHtml(words.glossary)}</a>`,
    `<a href="${escapeHtml(explorer)}">${escapeHtml(words.explorer)}</a>`,
    languageSwitch || null,
  ].filter(Boolean);
  const search = where === "top"
    ? `<form class="kil-search" action="search.html" method="get" role="search"><label for="kil-q-${where}">${escapeHtml(words.searchLessons)}</label> <input id="kil-q-${where}" name="q" type="search"> <button type="submit">${escapeHtml(words.searchButton)}</button></form>`
    : "";
  const tryIt = where === "top" && caseLinks.length
    ? `<p class="kil-try">${escapeHtml(words.tryIt)} ${caseLinks.map((c) => `<a href="${escapeHtml(c.href)}"${c.lang ? ` lang="${escapeHtml(c.lang)}"` : ""}>${escapeHtml(c.label)}</a>`).join(" · ")}</p>`
    : "";
  const label = where === "top" ? words.lessonsNav : words.lessonsNavEnd;
  return `<nav class="kil-site-nav kil-site-nav-${where}" aria-label="${escapeHtml(label)}"><p><span class="kil-place">${place}</span> · ${links.join(" · ")}</p>${search}${tryIt}</nav>`;
}
