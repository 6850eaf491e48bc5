#!/usr/bin/env node
// Builds the static site site/ from the executed notebooks in
// test-output/notebooks/ (written by scripts/run-notebooks.mjs), in two
// editions: English at the top of site/, Simplified Chinese in site/zh-CN/
// (from test-output/notebooks/zh-CN/), with the same file names, each page
// with a switch to the same page in the other language
// (scripts/site/editions.mjs):
//
//   site/index.html        every lesson: what it answers, what it needs, its length
//   site/NN-name.html      one page per notebook (nbconvert --to html --template lab),
//                          finished by scripts/site/pages.mjs: navigation, formulas
//                          rendered, glossary terms linked, the lesson's cases as
//                          links into the explorer (explorer/lesson-cases.json)
//   site/glossary.html     notebooks/glossary.json (both languages' terms)
//   site/search.html       search over the lessons' prose (search-index.js, search.js)
//   site/explore.html      the explorer (scripts/build-explorer.mjs)
//   site/zh-CN/...         the same pages in Chinese; a lesson not yet translated has
//                          no page there: the index lists it as such, and its English
//                          page's switch leads to the Chinese index
//
// The pages must open from disk with no network. nbconvert's HTML templates
// load require.js, the widgets manager and MathJax from a CDN (Debian's build
// points them at file:///usr/share/javascript/..., which other machines may
// not have); the notebooks need none of them (tslab output is plain HTML, SVG
// and images; formulas are rendered at build time), so the pages are written
// with scripts/nbconvert/kil-lab, a template that extends nbconvert's lab
// template and leaves those scripts out. Each page is then checked: the build
// fails if any page loads something by an absolute URL (http:, https:,
// file:, //host) or links to a file or anchor the site does not have
// (scripts/site/links.mjs). The index's build date is SOURCE_DATE_EPOCH when set, so a
// rebuild of the same commit is byte-identical.
//
//   node scripts/build-site.mjs [--out DIR]
//   SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) node scripts/build-site.mjs

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildExplorer } from "./build-explorer.mjs";
import { EDITIONS, languageSwitch, otherEdition, pageHref, toSiteRoot } from "./site/editions.mjs";
import { glossaryBody, glossarySections, readGlossary, termsIn } from "./site/glossary.mjs";
import { brokenLinks } from "./site/links.mjs";
import { finishLessonPage } from "./site/pages.mjs";
import { indexBody, sitePage } from "./site/pages-extra.mjs";
import { searchBody, searchIndexScript } from "./site/search.mjs";
import { cellText, notebookTitle, readSeries } from "./site/series.mjs";
// The built library (npm run build), for the explorer's link format.
import { explorerHash, explorerQuestion } from "../dist/views/explorer-link.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const templates = path.join(root, "scripts", "nbconvert");

const usage = `usage: node scripts/build-site.mjs [--out DIR] [--notebooks DIR] [--executed DIR]

Builds the static site, in English and in Chinese (site/zh-CN/), from the
executed notebooks in test-output/notebooks/ and test-output/notebooks/zh-CN/
(node scripts/run-notebooks.mjs writes them).

options:
  --out DIR        where the site goes (default site/; the tests use test-output/site)
  --notebooks DIR  the lessons, series.json and glossary.json (default notebooks/;
                   the Chinese lessons in its zh-CN/)
  --executed DIR   the executed lessons (default test-output/notebooks/)
  -h, --help       show this help

environment: SOURCE_DATE_EPOCH (seconds) is the build date the index shows.
exit status: 0 built, 1 the build failed, 2 wrong usage`;

/** The folders named by --out, --notebooks and --executed; prints the usage and exits on --help or wrong usage. */
function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        notebooks: { type: "string" },
        executed: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`build-site: ${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const folder = (value, fallback) => (value === undefined ? fallback : path.resolve(value));
  return {
    siteDir: folder(values.out, path.join(root, "site")),
    notebooksDir: folder(values.notebooks, path.join(root, "notebooks")),
    executedRoot: folder(values.executed, path.join(root, "test-output", "notebooks")),
  };
}

// An address that leaves the site folder: a scheme (http:, file:, ...) other
// than data: / blob:, a protocol-relative //host, or an absolute /path.
const EXTERNAL = String.raw`(?:[a-zA-Z][a-zA-Z0-9+.-]*:(?<!data:)(?<!blob:)|//|/)`;

/** What in the page would still be fetched from outside the site: a list of strings. */
export function externalReferences(html) {
  const found = [];
  const patterns = [
    new RegExp(String.raw`<script\b[^>]*\bsrc\s*=\s*["']?\s*${EXTERNAL}[^>]*>`, "gi"),
    new RegExp(String.raw`<link\b[^>]*\bhref\s*=\s*["']?\s*${EXTERNAL}[^>]*>`, "gi"),
    new RegExp(String.raw`<(?:img|iframe|audio|video|source|embed)\b[^>]*\bsrc\s*=\s*["']?\s*${EXTERNAL}[^>]*>`, "gi"),
    /@import\s+(?:url\()?\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)[^;]*;/gi,
    /url\(\s*["']?\s*(?:https?:|file:|\/\/)[^)]*\)/gi,
  ];
  for (const re of patterns) for (const m of html.matchAll(re)) found.push(m[0].slice(0, 200));
  return found;
}

export { escapeHtml } from "./site/html.mjs";


export { notebookTitle };

/** True when an executed notebook holds an error output or an "Error" on stderr. */
function hasErrors(notebook) {
  return (notebook.cells ?? []).some((cell) =>
    (cell.outputs ?? []).some(
      (o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr" && cellText(o.text).includes("Error"))
    )
  );
}

function projectEnv() {
  const r = spawnSync("bash", ["-c", '. "$1" && env -0', "bash", path.join(root, "scripts", "env.sh")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sourcing scripts/env.sh failed:\n${r.stderr}`);
  const env = {};
  for (const entry of r.stdout.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The cases of each lesson, as explorer links (explorer/lesson-cases.json). */
export function readLessonCases() {
  return JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons;
}

/** When the site was built: SOURCE_DATE_EPOCH when set (a rebuild of one commit is then byte-identical), else now. */
export function buildDate() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** The labels of the explorer's cases in `lang`, by their English label (scripts/site/case-labels.LANG.json; none for English). */
export function readCaseLabels(lang) {
  const file = path.join(root, "scripts", "site", `case-labels.${lang}.json`);
  return lang === "en" || !fs.existsSync(file) ? {} : JSON.parse(fs.readFileSync(file, "utf8")).labels;
}

/**
 * A lesson's cases as links into the explorer at `explorer`, labelled from `labels` (readCaseLabels)
 * on a page in another language than English; a case without a label there keeps its English one, marked as English.
 */
export function caseLinks(cases, lesson, { explorer = "explore.html", lang = "en", labels = {} } = {}) {
  return (cases[lesson] ?? []).map((c) => {
    const label = lang === "en" ? c.label : labels[c.label];
    return { label: label ?? c.label, lang: label ? undefined : "en", href: `${explorer}${explorerHash(explorerQuestion(c.dump, c))}` };
  });
}

/** One edition's lessons: which have an executed notebook, and whether it ran cleanly. */
function editionEntries(series, edition, executedRoot) {
  const executedDir = path.join(executedRoot, edition.dir);
  return series.map((lesson) => {
    const executed = path.join(executedDir, lesson.file);
    const missing = !lesson.translated || !fs.existsSync(executed);
    const notebook = missing ? null : JSON.parse(fs.readFileSync(executed, "utf8"));
    return { ...lesson, executed, missing, failed: notebook !== null && hasErrors(notebook), title: notebook ? notebookTitle(notebook, lesson.name) : lesson.title };
  });
}

/** Write the pages of nbconvert for the executed notebooks into `dir`. */
export function convertNotebooks(files, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    "jupyter",
    [
      "nbconvert",
      "--to",
      "html",
      `--TemplateExporter.extra_template_basedirs=${templates}`,
      "--template",
      "kil-lab",
      // tslab reports no execution counts, so the prompts would all read "In [ ]".
      "--HTMLExporter.exclude_input_prompt=True",
      "--HTMLExporter.exclude_output_prompt=True",
      "--output-dir",
      dir, ...files],
    { cwd: root, env: projectEnv(), encoding: "utf8" }
  );
  if (r.error || r.status !== 0) {
    throw new Error(`jupyter nbconvert --to html failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }
}

/**
 * Build one edition into siteDir/edition.dir: its lesson pages, index, glossary and search.
 * `pages` tells, per edition, which lessons have a page (for the switch and the navigation).
 */
function buildEdition(siteDir, edition, { entries, pages, cases, glossary, builtAt }) {
  const dir = path.join(siteDir, edition.dir);
  const other = otherEdition(edition);
  const present = entries.filter((e) => !e.missing);
  fs.mkdirSync(dir, { recursive: true });
  if (present.length > 0) convertNotebooks(present.map((e) => e.executed), dir);
  // The explorer of the same language when the build wrote one, else the English one.
  const explorer = fs.existsSync(path.join(dir, "explore.html")) ? "explore.html" : `${toSiteRoot(edition)}explore.html`;
  const switchTo = (page) => languageSwitch(edition, pageHref(edition, other, page));
  const terms = termsIn(glossary, edition.lang);
  const labels = readCaseLabels(edition.lang);
  const problems = [];
  const sections = [];
  for (const e of present) {
    const page = path.join(dir, e.page);
    const counterpart = pages.get(other.lang).has(e.name);
    const done = finishLessonPage(fs.readFileSync(page, "utf8"), {
      lesson: e,
      series: entries,
      caseLinks: caseLinks(cases, e.name, { explorer, lang: edition.lang, labels }),
      terms,
      edition,
      hasPage: (l) => pages.get(edition.lang).has(l.name),
      explorer,
      languageSwitch: counterpart ? switchTo(e.page) : languageSwitch(edition, pageHref(edition, other, "index.html"), true),
      alternate: counterpart ? pageHref(edition, other, e.page) : null,
    });
    for (const m of done.leftoverMath) problems.push(`${path.join(edition.dir, e.page)}: a formula was not rendered: ${m}`);
    sections.push(...done.sections);
    fs.writeFileSync(page, done.html);
  }
  const w = edition.words;
  const frame = (page, extra = {}) => ({ edition, explorer, languageSwitch: switchTo(page), alternate: pageHref(edition, other, page), ...extra });
  const status = new Map(entries.map((e) => [e.file, e]));
  fs.writeFileSync(path.join(dir, "index.html"), sitePage(w.indexTitle, indexBody(entries, status, builtAt, { edition, explorer }), frame("index.html")));
  fs.writeFileSync(path.join(dir, "glossary.html"), sitePage(w.glossaryTitle, glossaryBody(terms, edition), frame("glossary.html")));
  fs.writeFileSync(path.join(dir, "search.html"), sitePage(w.searchTitle, searchBody(edition), frame("search.html", { scripts: ["search-index.js", "search.js"] })));
  const searchable = [...sections, ...glossarySections(terms.filter((t) => !t.untranslated))];
  fs.writeFileSync(path.join(dir, "search-index.js"), searchIndexScript(searchable, [...present, { page: "glossary.html", title: w.glossary }]));
  fs.copyFileSync(path.join(root, "scripts", "site", "search.js"), path.join(dir, "search.js"));
  return { problems, sections: searchable.length, terms: terms.length, pages: present.length };
}

async function main() {
  const { siteDir, notebooksDir, executedRoot } = readOptions(process.argv.slice(2));
  fs.rmSync(siteDir, { recursive: true, force: true });
  fs.mkdirSync(siteDir, { recursive: true });

  const editions = EDITIONS.map((edition) => ({ edition, entries: editionEntries(readSeries(root, edition.lang, notebooksDir), edition, executedRoot) }));
  if (editions[0].entries.length === 0) throw new Error(`no lessons (NN-name.ipynb) in ${notebooksDir}`);
  if (editions[0].entries.every((e) => e.missing)) {
    throw new Error(`no executed notebooks in ${executedRoot}: run node scripts/run-notebooks.mjs first`);
  }
  const pages = new Map(editions.map(({ edition, entries }) => [edition.lang, new Set(entries.filter((e) => !e.missing).map((e) => e.name))]));

  // The explorer first: the lesson pages link to the explorer of their own language when there is one.
  const explorer = await buildExplorer(siteDir);
  fs.copyFileSync(path.join(root, "scripts", "site", "site.css"), path.join(siteDir, "site.css"));
  const context = { pages, cases: readLessonCases(), glossary: readGlossary(root, notebooksDir), builtAt: buildDate() };
  const built = editions.map(({ edition, entries }) => ({ edition, entries, ...buildEdition(siteDir, edition, { entries, ...context }) }));

  const problems = built.flatMap((b) => b.problems);
  for (const file of fs.readdirSync(siteDir, { recursive: true }).filter((f) => f.endsWith(".html"))) {
    for (const ref of externalReferences(fs.readFileSync(path.join(siteDir, file), "utf8"))) {
      problems.push(`${file}: ${ref}`);
    }
  }
  problems.push(...brokenLinks(siteDir));
  if (problems.length > 0) {
    throw new Error(`pages of site/ still load from outside the site, show TeX or link to nothing:\n  ${problems.join("\n  ")}`);
  }

  for (const { edition, entries, pages: count, terms, sections } of built) {
    const prefix = `site/${edition.dir ? `${edition.dir}/` : ""}`;
    for (const e of entries) {
      const note = !e.translated ? " (not yet translated)" : e.missing ? " (not executed)" : e.failed ? " (ran with errors)" : "";
      console.log(`${prefix}${e.missing ? "-" : e.page}  ${e.title}${note}`);
    }
    console.log(`${prefix}index.html, glossary.html, search.html  ${count} lesson pages, ${terms} terms, ${sections} sections searchable (${edition.name})`);
  }
  const zh = fs.existsSync(path.join(siteDir, "zh-CN", "explore.html")) ? " and site/zh-CN/explore.html" : "";
  console.log(`site/explore.html${zh}  the explorer (explore.js ${(explorer["explore.js"] / 1024).toFixed(0)} KiB)`);
  console.log(`site: ${path.relative(process.cwd(), path.join(siteDir, "index.html")) || "site/index.html"} (no network references, no broken links)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build-site: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
