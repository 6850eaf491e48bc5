// The browser walk of one edition of the built site, for the site test in test/notebooks.test.ts:
// its index, every lesson page it links (also on a 375 px phone), its glossary and its search,
// opened from disk in Chromium. English is at the top of the site, Chinese in zh-CN/.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
// @ts-ignore: a plain JavaScript module without type declarations
import { editionOf, otherEdition } from "../../scripts/site/editions.mjs";
import { SMALLEST_LABEL_PX, figuresOnScreen } from "../explorer/browser.js";

interface Edition {
  lang: string;
  dir: string;
  words: { place(number: string, position: number, count: number): string; minutes(n: number): string };
}

export interface EditionCheck {
  /** Lesson pages the index must link, in order (NN-name.html). */
  pages: string[];
  /** Every lesson of the series (NN-name.html), linked or not. */
  series: string[];
  /** Lesson pages of the other edition (for the language switch). */
  otherPages: string[];
  /** The explorer's cases per lesson (explorer/lesson-cases.json). */
  cases: Record<string, unknown[]>;
  /** A query that must find lesson sections, and one that must find nothing. */
  query: string;
  nothing: string;
  /** axe-core's source. */
  axe: string;
}

/**
 * The open lesson page on a 375 px phone: the page does not scroll sideways, and each figure keeps
 * the size it was drawn at (a Sankey's labels at least SMALLEST_LABEL_PX) and scrolls in its own
 * box, a named region the keyboard reaches. The viewport is put back as it was.
 */
async function checkOnPhone(page: Page, name: string): Promise<void> {
  const wide = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  try {
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 375 px: the page scrolls sideways`).toBe(375);
    for (const [i, figure] of (await figuresOnScreen(page, ".kil-view")).entries()) {
      const which = `${name} at 375 px, figure ${i + 1}`;
      expect(figure.scale, `${which}: shrunk below its drawn size`).toBeGreaterThanOrEqual(0.999);
      expect(figure, `${which}: its box`).toMatchObject({ boxTabIndex: 0, boxRole: "region" });
      expect(figure.boxName, `${which}: its box has no name`).not.toBe("");
    }
    for (const sankey of await figuresOnScreen(page, ".kil-sankey")) {
      expect(sankey.smallestLabelPx, `${name} at 375 px: a Sankey's labels`).toBeGreaterThanOrEqual(SMALLEST_LABEL_PX);
    }
  } finally {
    if (wide) await page.setViewportSize(wide);
  }
}

/** Open one edition (`lang`) of the site in `siteDir` with `page` and check it; returns the glossary links its lessons hold. */
export async function checkEdition(page: Page, siteDir: string, lang: string, check: EditionCheck): Promise<number> {
  const edition: Edition = editionOf(lang);
  const other: Edition = otherEdition(edition);
  const dir = path.join(siteDir, edition.dir);
  const url = (file: string) => `file://${path.join(dir, file)}`;
  // Where a link of this edition's pages leads, as a path inside the site ("zh-CN/04-x.html").
  const target = (href: string) => path.relative(siteDir, path.resolve(dir, href.replace(/[#?].*$/, "")));

  const serious = async (name: string) => {
    await page.evaluate(check.axe);
    const found = await page.evaluate(async () => {
      const run = (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run;
      return (await run(document, { resultTypes: ["violations"], preload: false })).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join("; ")})`);
    });
    expect(found, `${lang} ${name}: serious accessibility problems`).toEqual([]);
  };
  // The language switch of the open page: it leads to `expected` (a path inside the site), a page that exists.
  const switchLeadsTo = async (name: string, expected: string) => {
    const hrefs = await page.$$eval("a.kil-lang", (as) => as.map((a) => a.getAttribute("href")!));
    expect(hrefs.length, `${lang} ${name}: a language switch`).toBeGreaterThan(0);
    for (const href of hrefs) {
      expect(target(href), `${lang} ${name}: the language switch`).toBe(expected);
      expect(fs.existsSync(path.join(siteDir, expected)), `${lang} ${name}: the switch leads to a missing page`).toBe(true);
    }
    // The head names the same page in the other language, when there is one (a lesson not translated has none).
    const alternates = await page.$$eval("head link[rel=alternate][hreflang]", (ls) => ls.map((l) => l.getAttribute("href")!));
    for (const href of alternates) expect(target(href), `${lang} ${name}: <link rel=alternate>`).toBe(expected);
  };
  const inOther = (file: string) => path.join(other.dir, file);

  await page.goto(url("index.html"));
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
  const all = await page.$$eval("a[href$='.html']", (as) => as.map((a) => a.getAttribute("href")!));
  for (const link of ["glossary.html", "search.html"]) expect(all, `${lang} index links ${link}`).toContain(link);
  expect(all.some((l) => /(^|\/)explore\.html$/.test(l) && fs.existsSync(path.join(dir, l))), `${lang} index links an explorer`).toBe(true);
  const links = all.filter((l) => /^\d\d-/.test(l));
  expect(links, `${lang} index: the lessons with a page`).toEqual(check.pages);
  // The index says of each lesson, linked or not yet, what it answers, what it needs and how long it takes.
  const rows = await page.$$eval("table.kil-series tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td as HTMLElement).innerText.trim())));
  expect(rows).toHaveLength(check.series.length);
  const length = new RegExp(`^${edition.words.minutes(0).replace("0", "\\d+")}$`);
  for (const r of rows) {
    expect(r[3], `${lang} length of ${r[1]}`).toMatch(length);
    expect(r[2].length, `${lang} needs of ${r[1]}`).toBeGreaterThan(0);
  }
  await switchLeadsTo("index.html", inOther("index.html"));
  await serious("index.html");

  const glossary = fs.readFileSync(path.join(dir, "glossary.html"), "utf8");
  let termLinks = 0;
  for (const [i, link] of links.entries()) {
    await page.goto(url(link));
    const found = await page.evaluate(() => ({
      tables: document.querySelectorAll("table").length,
      svgs: document.querySelectorAll("svg path").length,
      errors: document.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-RenderedText[data-mime-type*='error']").length,
      title: document.querySelector("h1")?.textContent ?? "",
      scripts: document.querySelectorAll("script").length,
      lang: document.documentElement.lang,
      place: document.querySelector(".kil-place")?.textContent ?? "",
      prev: document.querySelector("nav.kil-site-nav-top a[rel=prev]")?.getAttribute("href") ?? null,
      next: document.querySelector("nav.kil-site-nav-top a[rel=next]")?.getAttribute("href") ?? null,
      terms: [...document.querySelectorAll("a.kil-term")].map((a) => a.getAttribute("href")!),
      tryIt: [...document.querySelectorAll("nav .kil-try a")].map((a) => a.getAttribute("href")!),
      // Exercises: the answer, and the check's code that holds it, are folded until opened.
      exercises: document.querySelectorAll(".kil-exercise").length,
      foldedAnswers: document.querySelectorAll(".kil-exercise details:not([open])").length,
      foldedChecks: document.querySelectorAll("details.kil-check-code:not([open])").length,
      // Prose only: code and the formulas' TeX sources aside, no formula is left as TeX.
      math: (() => {
        const body = document.body.cloneNode(true) as HTMLElement;
        for (const e of body.querySelectorAll("annotation, code, pre, script, style")) e.remove();
        return /\$\$|\\\(|\\\[/.test(body.textContent ?? "");
      })(),
    }));
    const name = `${lang} ${link}`;
    expect(found.title, `${name}: no title`).not.toBe("");
    expect(found.tables + found.svgs, `${name}: no table and no diagram`).toBeGreaterThan(0);
    expect(found.errors, `${name}: error output on the page`).toBe(0);
    expect(found.scripts, `${name}: a lesson page runs no script`).toBe(0);
    expect(found.lang, name).toBe(lang);
    const position = check.series.indexOf(link);
    expect(found.place, `${name}: its place in the series`).toBe(edition.words.place(link.slice(0, 2), position + 1, check.series.length));
    expect(found.prev, `${name}: previous lesson`).toBe(links[i - 1] ?? null);
    expect(found.next, `${name}: next lesson`).toBe(links[i + 1] ?? null);
    expect(found.math, `${name}: a formula left as TeX`).toBe(false);
    expect(found.foldedAnswers, `${name}: every exercise keeps its answer folded`).toBe(found.exercises);
    expect(found.foldedChecks, `${name}: every exercise's check code is folded`).toBeGreaterThanOrEqual(found.exercises > 0 ? 1 : 0);
    for (const href of found.terms) expect(glossary, `${name}: ${href} has no entry`).toContain(`<dt id="${href.replace("glossary.html#", "")}">`);
    expect(new Set(found.terms).size, `${name}: a term linked twice`).toBe(found.terms.length);
    termLinks += found.terms.length;
    // Its cases lead to an explorer that exists, of its own language when there is one.
    expect(found.tryIt.length, `${name}: its cases are linked to the explorer`).toBe(check.cases[link.replace(/\.html$/, "")]?.length ?? -1);
    const explorer = fs.existsSync(path.join(dir, "explore.html")) ? path.join(edition.dir, "explore.html") : "explore.html";
    for (const href of found.tryIt) expect(target(href), `${name}: a case's explorer`).toBe(explorer);
    // The switch leads to the same lesson in the other language, or, not yet translated, to that language's index.
    await switchLeadsTo(link, inOther(check.otherPages.includes(link) ? link : "index.html"));
    await serious(link);
    await page.screenshot({ path: path.join(dir, link.replace(/\.html$/, ".png")) });
    await checkOnPhone(page, name);
  }

  await page.goto(url("glossary.html"));
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
  // Each entry shows the term in the other language too, where it is another word.
  expect(await page.$$eval(`dl.kil-glossary dt .kil-term-other[lang="${other.lang}"]`, (s) => s.length), `${lang} glossary: the other language's terms`).toBeGreaterThan(10);
  await switchLeadsTo("glossary.html", inOther("glossary.html"));
  await serious("glossary.html");

  // Search works from disk, over this edition's own pages: a word of the lessons finds its sections, and a result opens its lesson.
  await page.goto(`${url("search.html")}?q=${encodeURIComponent(check.query)}`);
  const results = await page.$$eval("#kil-search-results li a", (as) => as.map((a) => a.getAttribute("href")!));
  const lessonResults = results.filter((r) => /^\d\d-/.test(r));
  if (check.pages.length > 0) expect(lessonResults.length, `${lang} search results for ${check.query}`).toBeGreaterThan(0);
  for (const r of lessonResults) expect(check.pages, `${lang} search leads to its own pages`).toContain(r.replace(/#.*$/, ""));
  await switchLeadsTo("search.html", inOther("search.html"));
  await serious("search.html");
  await page.goto(`${url("search.html")}?q=${encodeURIComponent(check.nothing)}`);
  expect(await page.$$eval("#kil-search-results li", (li) => li.length), `${lang} search for ${check.nothing}`).toBe(0);
  if (lessonResults.length > 0) {
    await page.goto(url(lessonResults[0]));
    expect(await page.evaluate(() => document.querySelector("h1")?.textContent ?? "")).not.toBe("");
  }
  return termLinks;
}
