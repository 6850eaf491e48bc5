#!/usr/bin/env node
// Builds the explorer (explorer/) into a folder of the static site:
//
//   explore.html   the page (explorer/page.html), in English
//   zh-CN/explore.html  the same page in Simplified Chinese (<html lang="zh-CN">: the page's
//                  script puts its text and the library's views into that language)
//   explore.css    its stylesheet
//   explore.js     one classic script: the page's code with the worker's
//                  code inside it as a string (a page opened from file://
//                  runs no module scripts and starts workers only from Blob URLs)
//
// The library (lib/) is bundled with vite (rolldown), so the page runs the
// same parser, simulator and views as the command line and the notebooks.
//
//   node scripts/build-explorer.mjs [--out DIR]      (default: site/)

import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Whether an import names one of Node's own modules (`node:fs`, `fs`, `fs/promises`, ...). */
export function isNodeModule(source) {
  return source.startsWith("node:") || builtinModules.includes(source) || builtinModules.includes(source.split("/")[0]);
}

/**
 * A bundler plugin that writes down every import of a Node module, with the file that asked for it.
 * Vite, bundling for the browser, would quietly put an empty stand-in there (the page would then
 * fail only when that code runs), so the bundle's text cannot show it: the import itself must be caught.
 */
function nodeImportWatch(found) {
  return {
    name: "kil-node-imports",
    enforce: "pre",
    resolveId(source, importer) {
      if (isNodeModule(source)) found.push(`${source} (imported by ${importer ? path.relative(root, importer) : "the entry"})`);
      return null;
    },
  };
}

/** Bundle a file as a classic script (IIFE), refusing any import of a Node module; returns its code. */
export async function bundle(entryPath, define = {}) {
  const { build } = await import("vite");
  const nodeImports = [];
  const result = await build({
    configFile: false,
    logLevel: "warn",
    root,
    define,
    plugins: [nodeImportWatch(nodeImports)],
    build: {
      write: false,
      target: "es2022",
      minify: true,
      lib: { entry: entryPath, formats: ["iife"], name: "kubeIptablesLab" },
    },
  });
  const name = path.relative(root, entryPath);
  if (nodeImports.length) throw new Error(`${name} must not import Node's modules (the page has none): ${nodeImports.join(", ")}`);
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = outputs.filter((o) => o.type === "chunk");
  if (chunks.length !== 1) throw new Error(`bundling ${name} gave ${chunks.length} scripts, expected one`);
  return chunks[0].code;
}

/** What in a bundle would load Node's modules or compile code at run time: a list of strings. */
export function forbiddenInBundle(code) {
  const found = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](node:[^"']+|fs|path|child_process|os|crypto|module|url)["']/g)) found.push(m[0]);
  for (const m of code.matchAll(/\bnew\s+Function\s*\(|\beval\s*\(/g)) found.push(m[0]);
  return found;
}

/** The page of an edition (`lang`, a folder below the English page): its language, links to the shared files one level up, the language switch back to English. */
export function editionPage(html, lang) {
  const swap = (from, to) => {
    if (!html.includes(from)) throw new Error(`explorer/page.html has no ${from}`);
    html = html.replace(from, to);
  };
  swap('<html lang="en">', `<html lang="${lang}">`);
  swap('href="explore.css"', 'href="../explore.css"');
  swap('src="explore.js"', 'src="../explore.js"');
  swap(`<a class="language-switch" href="${lang}/explore.html" hreflang="${lang}" lang="${lang}">中文</a>`, '<a class="language-switch" href="../explore.html" hreflang="en" lang="en">English</a>');
  return html;
}

/** Build the explorer into `outDir`; returns the written files and their sizes. */
export async function buildExplorer(outDir) {
  const worker = await bundle(path.join(root, "explorer", "worker.ts"));
  const page = await bundle(path.join(root, "explorer", "page.ts"), { __EXPLORER_WORKER__: JSON.stringify(worker) });
  for (const [name, code] of [["worker", worker], ["page", page]]) {
    const bad = forbiddenInBundle(code);
    if (bad.length) throw new Error(`the explorer's ${name} bundle must not load Node modules or evaluate code: ${bad.join(", ")}`);
  }
  fs.mkdirSync(path.join(outDir, "zh-CN"), { recursive: true });
  const html = fs.readFileSync(path.join(root, "explorer", "page.html"), "utf8");
  const files = {
    "explore.html": html,
    "zh-CN/explore.html": editionPage(html, "zh-CN"),
    "explore.css": fs.readFileSync(path.join(root, "explorer", "explore.css"), "utf8"),
    "explore.js": page,
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(outDir, name), text);
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, Buffer.byteLength(text)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outArg = process.argv.indexOf("--out");
  const outDir = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]) : path.join(root, "site");
  try {
    const sizes = await buildExplorer(outDir);
    for (const [name, bytes] of Object.entries(sizes)) console.log(`${path.relative(process.cwd(), path.join(outDir, name))}  ${(bytes / 1024).toFixed(0)} KiB`);
  } catch (err) {
    console.error(`build-explorer: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
