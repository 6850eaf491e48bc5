// The pages the build writes itself: the index, the glossary and search, all
// in the site's own frame (language, stylesheet, a way back to the lessons,
// the same page in the other language), in each edition.

import { alternateLink, editionOf, toSiteRoot } from "./editions.mjs";
import { escapeHtml } from "./html.mjs";

/**
 * A whole page of the site around a body, in the language of `edition`. `scripts` are classic
 * scripts (the only kind that runs from file://), as paths from the page; `explorer` is the
 * explorer's address, `languageSwitch` the link to the same page in the other edition and
 * `alternate` that page's address.
 */
export function sitePage(title, body, { scripts = [], csp = true, edition = editionOf("en"), explorer = "explore.html", languageSwitch = "", alternate = null } = {}) {
  const w = edition.words;
  const links = [
    `<a href="index.html">${escapeHtml(w.allLessons)}</a>`,
    `<a href="glossary.html">${escapeHtml(w.glossary)}</a>`,
    `<a href="search.html">${escapeHtml(w.search)}</a>`,
    `<a href="${escapeHtml(explorer)}">${escapeHtml(w.explorer)}</a>`,
    languageSwitch || null,
  ].filter(Boolean);
  const policy = csp ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'">\n` : "";
  return `<!DOCTYPE html>
<html lang="${edition.lang}">
<head>
<meta charset="utf-8">
${policy}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${toSiteRoot(edition)}site.css">
${alternate ? `${alternateLink(edition, alternate)}\n` : ""}${scripts.map((s) => `<script src="${escapeHtml(s)}" defer></script>`).join("\n")}
</head>
<body class="kil-site-page">
<nav class="kil-site-nav" aria-label="${escapeHtml(w.siteNav)}"><p>${links.join(" · ")}</p></nav>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The index in the language of `edition`: the explorer first, then one line per lesson on what it
 * answers, what it needs and how long it takes. A lesson without a page (`status`: not yet
 * translated, not executed) is listed without a link, and says why.
 */
export function indexBody(series, status, builtAt, { edition = editionOf("en"), explorer = "explore.html" } = {}) {
  const w = edition.words;
  const rows = series.map((l) => {
    const s = status.get(l.file) ?? {};
    const why = !l.translated ? w.notTranslated : s.missing ? w.notExecuted : s.failed ? w.ranWithErrors : "";
    const note = why ? ` <em>${escapeHtml(why)}</em>` : "";
    // An untranslated lesson is listed by its English title, marked as English.
    const lang = l.translated ? "" : ` lang="en"`;
    const title = !l.translated || s.missing ? `<span${lang}>${escapeHtml(l.title)}</span>` : `<a href="${escapeHtml(l.page)}">${escapeHtml(l.title)}</a>`;
    return `<tr><td class="num">${escapeHtml(l.number)}</td><td>${title}${note}<div class="answers">${escapeHtml(l.answers)}</div></td><td>${escapeHtml(l.needs)}</td><td class="num">${escapeHtml(w.minutes(l.minutes))}</td></tr>`;
  });
  const [number, lesson, needs, length] = w.indexColumns.map(escapeHtml);
  return `<h1>kube-iptables-lab</h1>
<p class="lead">${escapeHtml(w.indexLead)}</p>
<p class="explorer">${w.indexExplorer(escapeHtml(explorer))}</p>
<form class="kil-search" action="search.html" method="get" role="search"><label for="kil-q">${escapeHtml(w.searchLessons)}</label> <input id="kil-q" name="q" type="search"> <button type="submit">${escapeHtml(w.searchButton)}</button> · <a href="glossary.html">${escapeHtml(w.glossary)}</a></form>
<table class="kil-series">
<caption>${escapeHtml(w.indexCaption)}</caption>
<thead><tr><th class="num" scope="col">${number}</th><th scope="col">${lesson}</th><th scope="col">${needs}</th><th class="num" scope="col">${length}</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<footer>${w.builtFrom(builtAt)}</footer>`;
}
