// The site's own links, checked after a build: every href and src of every
// page, and every entry of each edition's search index, must point at a file
// of the site and, when it names an anchor, at an element with that id. A
// page opened from disk shows a broken link only when someone clicks it, so
// the build looks instead. Addresses that leave the site (http:, data:, ...)
// are left to externalReferences in build-site.mjs, and the explorer's
// question fragments (#v=1&dump=...) to the explorer's own tests.

import * as fs from "node:fs";
import * as path from "node:path";

const ENTITIES = { amp: "&", quot: '"', "#39": "'", lt: "<", gt: ">" };

/** An attribute's value as the browser reads it (the entities the build writes, decoded). */
function attributeValue(text) {
  return text.replace(/&(amp|quot|#39|lt|gt);/g, (_, name) => ENTITIES[name]);
}

/** The href or src of every tag of a page (text in code is escaped, so it holds no tag). */
function references(html) {
  const tag = /<[a-zA-Z][^<>]*?\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  return [...html.matchAll(tag)].map((m) => ({ attribute: m[1], value: attributeValue(m[2] ?? m[3]) }));
}

/** The ids (and old-style names) a page can be linked to. */
function anchors(html) {
  return new Set([...html.matchAll(/<[a-zA-Z][^<>]*?\s(?:id|name)\s*=\s*"([^"]*)"/g)].map((m) => attributeValue(m[1])));
}

/** Whether a fragment finds an element: as written first, then percent-decoded, as browsers look it up. */
function hasAnchor(ids, fragment) {
  if (ids.has(fragment)) return true;
  try {
    return ids.has(decodeURIComponent(fragment));
  } catch {
    return false;
  }
}

/** What is wrong with one link from `page` (a path inside the site), or null when it resolves. */
function problemOf(siteDir, page, value, pageAnchors) {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:|^\/\//.test(value)) return null;
  const hash = value.indexOf("#");
  const address = (hash < 0 ? value : value.slice(0, hash)).replace(/\?.*$/s, "");
  const fragment = hash < 0 ? "" : value.slice(hash + 1);
  let target = page;
  if (address !== "") {
    let decoded;
    try {
      decoded = decodeURIComponent(address);
    } catch {
      return `not a valid address`;
    }
    target = path.posix.normalize(path.posix.join(path.posix.dirname(page), decoded));
    if (target.startsWith("../")) return `leads out of the site (${target})`;
    const file = path.join(siteDir, target);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return `no file ${target}`;
  }
  // A question for the explorer, not a place in the page.
  if (fragment === "" || fragment.includes("=") || !target.endsWith(".html")) return null;
  return hasAnchor(pageAnchors(target), fragment) ? null : `no element with id "${fragment}" in ${target}`;
}

/** The sections a search index script lists, each with its page and anchor; [] when it holds none. */
function searchEntries(script) {
  const m = /window\.KIL_SEARCH = (\{.*\});\s*$/s.exec(script);
  if (!m) return [];
  return JSON.parse(m[1]).sections.map((s) => ({ page: s.p, anchor: s.a }));
}

/** Every broken link of a built site, as "PAGE: href=VALUE: why" lines (an empty list when there is none). */
export function brokenLinks(siteDir) {
  const files = fs.readdirSync(siteDir, { recursive: true }).map((f) => f.split(path.sep).join("/"));
  const cache = new Map();
  const pageAnchors = (page) => {
    if (!cache.has(page)) cache.set(page, anchors(fs.readFileSync(path.join(siteDir, page), "utf8")));
    return cache.get(page);
  };
  const problems = [];
  for (const page of files.filter((f) => f.endsWith(".html"))) {
    for (const { attribute, value } of references(fs.readFileSync(path.join(siteDir, page), "utf8"))) {
      const why = problemOf(siteDir, page, value, pageAnchors);
      if (why) problems.push(`${page}: ${attribute}="${value}": ${why}`);
    }
  }
  for (const index of files.filter((f) => path.posix.basename(f) === "search-index.js")) {
    const dir = path.posix.dirname(index);
    for (const { page, anchor } of searchEntries(fs.readFileSync(path.join(siteDir, index), "utf8"))) {
      const from = dir === "." ? "search.html" : `${dir}/search.html`;
      const why = problemOf(siteDir, from, anchor ? `${page}#${anchor}` : page, pageAnchors);
      if (why) problems.push(`${index}: the section ${page}#${anchor}: ${why}`);
    }
  }
  return problems;
}
