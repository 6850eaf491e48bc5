#!/usr/bin/env node
// Builds the static site site/ from the executed notebooks in
// test-output/notebooks/ (written by scripts/run-notebooks.mjs):
//
//   site/index.html        links to every notebook, in name order
//   site/NN-name.html      one page per notebook (nbconvert --to html --template lab)
//   site/explore.html      the explorer (scripts/build-explorer.mjs), which each
//                          lesson page links its cases to (explorer/lesson-cases.json)
//
// The pages must open from disk with no network. nbconvert's HTML templates
// load require.js and MathJax from a CDN (Debian's build points them at
// file:///usr/share/javascript/..., which other machines may not have); the
// notebooks need neither (tslab output is plain HTML, SVG and images), so
// every <script src> and <link href> that points outside the site is removed
// and each page is then checked: the build fails if any page still loads
// something by an absolute URL (http:, https:, file:, //host).
//
//   node scripts/build-site.mjs [--out DIR]

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildExplorer } from "./build-explorer.mjs";
// The built library (npm run build), for the explorer's link format.
import { explorerHash, explorerQuestion } from "../dist/views/explorer-link.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const executedDir = path.join(root, "test-output", "notebooks");
// `--out DIR` writes the site elsewhere (the tests build it into test-output/site).
const outArg = process.argv.indexOf("--out");
const siteDir = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]) : path.join(root, "site");

// An address that leaves the site folder: a scheme (http:, file:, ...) other
// than data: / blob:, a protocol-relative //host, or an absolute /path.
const EXTERNAL = String.raw`(?:[a-zA-Z][a-zA-Z0-9+.-]*:(?<!data:)(?<!blob:)|//|/)`;
const scriptTag = new RegExp(String.raw`<script\b[^>]*\bsrc\s*=\s*["']?\s*${EXTERNAL}[^>]*>\s*</script\s*>`, "gi");
const linkTag = new RegExp(String.raw`<link\b[^>]*\bhref\s*=\s*["']?\s*${EXTERNAL}[^>]*>`, "gi");

/** Removes the <script src> and <link href> tags that load from outside the site. */
export function stripExternalAssets(html) {
  return html.replace(scriptTag, "").replace(linkTag, "");
}

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

export function escapeHtml(value) {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const cellText = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));

/** The notebook's title: its first markdown heading, else its file name. */
export function notebookTitle(notebook, fallback) {
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type !== "markdown") continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellText(cell.source));
    if (m) return m[1].replace(/[`*_]/g, "");
  }
  return fallback;
}

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

function indexPage(entries) {
  const items = entries
    .map((e) => {
      const status = e.missing ? " <em>(not executed)</em>" : e.failed ? " <em>(ran with errors)</em>" : "";
      const link = e.missing ? escapeHtml(e.title) : `<a href="${escapeHtml(e.page)}">${escapeHtml(e.title)}</a>`;
      return `    <li>${link} <span class="file">${escapeHtml(e.file)}</span>${status}</li>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kube-iptables-lab notebooks</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46rem; margin: 2.5rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1f24; }
  h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
  p.lead { color: #57606a; margin-top: 0; }
  ol { padding-left: 1.5rem; }
  li { margin: 0.4rem 0; }
  a { color: #0b57d0; }
  .file { color: #57606a; font-family: ui-monospace, monospace; font-size: 0.85em; margin-left: 0.4rem; }
  footer { margin-top: 2rem; color: #57606a; font-size: 0.85em; }
</style>
</head>
<body>
  <h1>kube-iptables-lab</h1>
  <p class="lead">How a Kubernetes Service forwards traffic through iptables, rule by rule: the notebooks, executed.</p>
  <p class="explorer"><a href="explore.html"><strong>The explorer</strong></a>: ask your own question in this browser, with nothing installed. Pick the wordpress node or open your own <code>iptables-save</code> output, choose a client and a destination, and see every rule the connection meets, its exact chances, marks, NAT and what the server sees. Your dump never leaves your machine.</p>
  <ol>
${items}
  </ol>
  <footer>Built ${escapeHtml(new Date().toISOString().replace(/\.\d+Z$/, "Z"))} from the notebooks in <code>notebooks/</code>; these pages open from disk and load nothing from the network.</footer>
</body>
</html>
`;
}

/** The cases of each lesson, as explorer links (explorer/lesson-cases.json). */
export function readLessonCases() {
  return JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons;
}

/** The bar at the top of a lesson page: back to the index, and its cases in the explorer. */
export function lessonNav(lesson, cases) {
  const links = (cases[lesson] ?? []).map((c) => `<a href="explore.html${escapeHtml(explorerHash(explorerQuestion(c.dump, c)))}">${escapeHtml(c.label)}</a>`);
  const tryIt = links.length ? ` <span class="kil-try">Try this lesson's cases in the explorer: ${links.join(" · ")}</span>` : "";
  return `<nav aria-label="site" style="font-family: system-ui, sans-serif; padding: 0.5rem 1rem; font-size: 0.9rem; line-height: 1.7;"><a href="index.html">&larr; all notebooks</a> · <a href="explore.html">the explorer</a>${tryIt}</nav>`;
}

async function main() {
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
      "--template",
      "lab",
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
  const problems = [];
  for (const e of present) {
    const page = path.join(siteDir, e.page);
    let html = stripExternalAssets(fs.readFileSync(page, "utf8"));
    // A way back to the index, and this lesson's cases in the explorer, at the top of each page.
    html = html.replace(/<body\b[^>]*>/i, (body) => `${body}\n${lessonNav(e.file.replace(/\.ipynb$/, ""), cases)}`);
    fs.writeFileSync(page, html);
  }
  fs.writeFileSync(path.join(siteDir, "index.html"), indexPage(entries));
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
  console.log(`site: ${path.relative(process.cwd(), path.join(siteDir, "index.html")) || "site/index.html"} (${present.length} notebook pages and the explorer, no network references)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build-site: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
