// Search that works from disk: the build writes the lessons' prose, section by
// section, into search-index.js (a classic script: a page opened from file://
// cannot fetch a file beside it), and search.html looks the words up in it
// with search.js. Each edition has its own index, of its own pages and its
// glossary. A query matches a section holding every word of it as a
// substring, so Chinese text, which has no spaces, is found as well. When no
// section holds a Chinese query as written, search.js splits it at particles
// ("地址转换的规则": "地址转换" and "规则"), and then into pairs of
// neighbouring characters (bigrams), of which a section must hold two in three.

import { escapeHtml } from "./html.mjs";
import { editionOf } from "./editions.mjs";

const HEADINGS = new Set(["H1", "H2", "H3"]);

function plain(text) {
  return text.replace(/\u00b6/g, "").replace(/\s+/g, " ").trim();
}

/** The sections of a lesson page (DOM): its prose under each heading, with the heading's anchor. */
export function pageSections(document, page, title) {
  const sections = [];
  let current = { page, anchor: "", heading: title, text: "" };
  const cells = document.querySelectorAll(".jp-MarkdownOutput");
  for (const cell of cells) {
    for (const child of cell.children) {
      if (HEADINGS.has(child.tagName.toUpperCase())) {
        if (current.text) sections.push(current);
        current = { page, anchor: child.getAttribute("id") ?? "", heading: plain(child.textContent ?? ""), text: "" };
      } else {
        current.text += " " + plain(child.textContent ?? "");
      }
    }
  }
  if (current.text) sections.push(current);
  return sections.map((s) => ({ ...s, text: plain(s.text) }));
}

/** The index as a classic script that sets window.KIL_SEARCH. */
export function searchIndexScript(sections, lessons) {
  const data = {
    lessons: Object.fromEntries(lessons.map((l) => [l.page, l.title])),
    sections: sections.map((s) => ({ p: s.page, a: s.anchor, h: s.heading, t: s.text })),
  };
  // Escaped for a script: no "</" can end it early, and the two line separators JavaScript rejects in strings are escaped.
  const json = JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return `// The lessons' prose, section by section, for search.html (built by scripts/build-site.mjs).\nwindow.KIL_SEARCH = ${json};\n`;
}

/** The body of search.html in the edition's language: the form, where search.js writes the results, and the words it writes them with. */
export function searchBody(edition = editionOf("en")) {
  const w = edition.words;
  const status = Object.entries(w.searchStatus).map(([key, text]) => ` data-${key}="${escapeHtml(text)}"`).join("");
  return `<h1>${escapeHtml(w.searchHeading)}</h1>
<form class="kil-search" action="search.html" method="get" role="search"><label for="kil-q">${escapeHtml(w.searchWords)}</label> <input id="kil-q" name="q" type="search" autofocus> <button type="submit">${escapeHtml(w.searchButton)}</button></form>
<p id="kil-search-status" role="status"${status}></p>
<ol id="kil-search-results"></ol>
<noscript><p>${w.searchNoScript}</p></noscript>`;
}

export { escapeHtml };
