#!/usr/bin/env node
// Builds the static site site/ from the executed notebooks in
// test-output/notebooks/ (written by scripts/run-notebooks.mjs):
//
//   site/index.html        every lesson: what it answers, what it needs, its length
//   site/NN-name.html      one page per notebook (nbconvert --to html --template lab),
//                          finished by scripts/site/pages.mjs: navigation, formulas
//                          rendered, glossary terms linked, the lesson's cases as
//                          links into the explorer (explorer/lesson-cases.json)
//   site/glossary.html     notebooks/glossary.json
//   site/search.html       search over the lessons' prose (search-index.js, search.js)
//   site/explore.html      the explorer (scripts/build-explorer.mjs)
//
// The pages must open from disk with no network. nbconvert's HTML templates
// load require.js, the widgets manager and MathJax from a CDN (Debian's build
// points them at file:///usr/share/javascript/..., which other machines may
// not have); the notebooks need none of them (tslab output is plain HTML, SVG
// and images; formulas are rendered at build time), so the pages are written
// with scripts/nbconvert/kil-lab, a template that extends nbconvert's lab
// template and leaves those scripts out. Each page is then checked: the build
// fails if any page loads something by an absolute URL (http:, https:,
// file:, //host). The index's build date is SOURCE_DATE_EPOCH when set, so a
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
import { glossaryBody, readGlossary } from "./site/glossary.mjs";
import { finishLessonPage } from "./site/pages.mjs";
import { indexBody, sitePage } from "./site/pages-extra.mjs";
import { searchBody, searchIndexScript } from "./site/search.mjs";
import { notebookTitle, readSeries } from "./site/series.mjs";
// The built library (npm run build), for the explorer's link format.
import { explorerHash, explorerQuestion } from "../dist/views/explorer-link.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const executedDir = path.join(root, "test-output", "notebooks");
const templates = path.join(root, "scripts", "nbconvert");

const usage = `usage: node scripts/build-site.mjs [--out DIR]

Builds the static site from the executed notebooks in test-output/notebooks/
(node scripts/run-notebooks.mjs writes them).

options:
  --out DIR   where the site goes (default site/; the tests use test-output/site)
  -h, --help  show this help

environment: SOURCE_DATE_EPOCH (seconds) is the build date the index shows.
exit status: 0 built, 1 the build failed, 2 wrong usage`;

/** The site folder named by --out (default site/); prints the usage and exits on --help or wrong usage. */
function readSiteDir(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    }));
  } catch (error) {
    console.error(`build-site: ${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values.out === undefined ? path.join(root, "site") : path.resolve(values.out);
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

const cellText = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));

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

/** A lesson's cases as explorer links. */
export function caseLinks(cases, lesson) {
  return (cases[lesson] ?? []).map((c) => ({ label: c.label, href: `explore.html${explorerHash(explorerQuestion(c.dump, c))}` }));
}

async function main() {
  const siteDir = readSiteDir(process.argv.slice(2));
  const sources = fs
    .readdirSync(path.join(root, "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  if (sources.length === 0) throw new Error("no notebooks/*.ipynb found");

  fs.rmSync(siteDir, { recursive: true, force: true });
  fs.mkdirSync(siteDir, { recursive: true });

  const entries = sources.map((file) => {
    const executed = path.join(executedDir, file);
    const missing = !fs.existsSync(executed);
    const notebook = JSON.parse(fs.readFileSync(missing ? path.join(root, "notebooks", file) : executed, "utf8"));
    return {
      file,
      executed,
      missing,
      failed: !missing && hasErrors(notebook),
      title: notebookTitle(notebook, file.replace(/\.ipynb$/, "")),
      page: file.replace(/\.ipynb$/, ".html"),
    };
  });
  const present = entries.filter((e) => !e.missing);
  if (present.length === 0) {
    throw new Error("no executed notebooks in test-output/notebooks/: run node scripts/run-notebooks.mjs first");
  }

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
      siteDir, ...present.map((e) => e.executed)],
    { cwd: root, env: projectEnv(), encoding: "utf8" }
  );
  if (r.error || r.status !== 0) {
    throw new Error(`jupyter nbconvert --to html failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }

  const cases = readLessonCases();
  const series = readSeries(root);
  const terms = readGlossary(root);
  const problems = [];
  const sections = [];
  for (const e of present) {
    const page = path.join(siteDir, e.page);
    const lesson = series.find((l) => l.file === e.file);
    const done = finishLessonPage(fs.readFileSync(page, "utf8"), {
      lesson, series, caseLinks: caseLinks(cases, lesson.name), terms,
    });
    for (const m of done.leftoverMath) problems.push(`${e.page}: a formula was not rendered: ${m}`);
    sections.push(...done.sections);
    fs.writeFileSync(page, done.html);
  }
  const status = new Map(entries.map((e) => [e.file, e]));
  fs.writeFileSync(path.join(siteDir, "index.html"), sitePage("kube-iptables-lab: the lessons", indexBody(series, status, buildDate())));
  fs.writeFileSync(path.join(siteDir, "glossary.html"), sitePage("Glossary · kube-iptables-lab", glossaryBody(terms)));
  fs.writeFileSync(path.join(siteDir, "search.html"), sitePage("Search · kube-iptables-lab", searchBody(), { scripts: ["search-index.js", "search.js"] }));
  fs.writeFileSync(path.join(siteDir, "search-index.js"), searchIndexScript(sections, series));
  fs.copyFileSync(path.join(root, "scripts", "site", "search.js"), path.join(siteDir, "search.js"));
  fs.copyFileSync(path.join(root, "scripts", "site", "site.css"), path.join(siteDir, "site.css"));
  const explorer = await buildExplorer(siteDir);

  for (const file of fs.readdirSync(siteDir).filter((f) => f.endsWith(".html"))) {
    for (const ref of externalReferences(fs.readFileSync(path.join(siteDir, file), "utf8"))) {
      problems.push(`${file}: ${ref}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`pages of site/ still load from outside the site:\n  ${problems.join("\n  ")}`);
  }

  for (const e of entries) {
    const note = e.missing ? " (not executed)" : e.failed ? " (ran with errors)" : "";
    console.log(`site/${e.missing ? "-" : e.page}  ${e.title}${note}`);
  }
  console.log(`site/explore.html  the explorer (explore.js ${(explorer["explore.js"] / 1024).toFixed(0)} KiB)`);
  console.log(`site/glossary.html, site/search.html  ${terms.length} terms, ${sections.length} sections searchable`);
  console.log(`site: ${path.relative(process.cwd(), path.join(siteDir, "index.html")) || "site/index.html"} (${present.length} lesson pages, the explorer, glossary and search; no network references)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build-site: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
