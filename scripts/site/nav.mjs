// The navigation of a lesson page: where it sits in the series, the lessons
// before and after it, the index, the glossary, search, and this lesson's
// cases as links into the explorer.

import { escapeHtml } from "./html.mjs";

/** The bar at the top (and bottom) of a lesson page. */
export function lessonNav(lesson, series, caseLinks, where = "top") {
  const prev = series[lesson.index - 1];
  const next = series[lesson.index + 1];
  const place = `Lesson ${escapeHtml(lesson.number)}, ${lesson.index + 1} of ${series.length}`;
  const links = [
    `<a href="index.html">All lessons</a>`,
    prev ? `<a href="${escapeHtml(prev.page)}" rel="prev">&larr; ${escapeHtml(prev.title)}</a>` : null,
    next ? `<a href="${escapeHtml(next.page)}" rel="next">${escapeHtml(next.title)} &rarr;</a>` : null,
    `<a href="glossary.html">Glossary</a>`,
    `<a href="explore.html">Explorer</a>`,
  ].filter(Boolean);
  const search = where === "top"
    ? `<form class="kil-search" action="search.html" method="get" role="search"><label for="kil-q-${where}">Search the lessons</label> <input id="kil-q-${where}" name="q" type="search"> <button type="submit">Search</button></form>`
    : "";
  const tryIt = where === "top" && caseLinks.length
    ? `<p class="kil-try">Try this lesson's cases in the explorer: ${caseLinks.map((c) => `<a href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`).join(" · ")}</p>`
    : "";
  return `<nav class="kil-site-nav kil-site-nav-${where}" aria-label="lessons${where === "top" ? "" : " (end of page)"}"><p><span class="kil-place">${place}</span> · ${links.join(" · ")}</p>${search}${tryIt}</nav>`;
}
