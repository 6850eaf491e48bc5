#!/usr/bin/env node
// Keeps a translated edition of the lessons on the same code as the English one.
//
//   node scripts/sync-edition.mjs zh-CN           # copy changed code cells from notebooks/ into notebooks/zh-CN/
//   node scripts/sync-edition.mjs zh-CN --check   # only report; exit 1 when a code cell differs
//
// A translated lesson (notebooks/LANG/NN-name.ipynb) has the same cells, in
// the same order and of the same types, as its English lesson
// (notebooks/NN-name.ipynb). Only prose (markdown cells) and comments in code
// cells are translated: two code cells are the same when they are equal once
// their comments are removed. Without --check, a code cell that differs in
// more than its comments is replaced by the English cell (its translated
// comments are then lost, and the line printed says so); the kernel spec in
// the notebook's metadata is set to the edition's (tslab-LANG). Outputs are
// cleared. Exit status: 0 in step, 1 a difference (--check) or a lesson
// whose cells do not line up, 2 wrong usage.

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const usage = `usage: node scripts/sync-edition.mjs LANG [--check]

Copies every code cell that differs in more than its comments from
notebooks/NN-name.ipynb into notebooks/LANG/NN-name.ipynb (--check: report only).
exit status: 0 in step, 1 differences or cells that do not line up, 2 wrong usage`;

/** The source text of a cell (Jupyter stores it as a string or a list of lines). */
export function cellText(cell) {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "";
}

/**
 * TypeScript source without its comments, each line's trailing spaces and
 * blank lines: what must be equal between two editions. Strings, template
 * literals and regular expressions are skipped over, so `"//"` or `/\/\//`
 * is not taken for a comment.
 */
export function withoutComments(source) {
  let out = "";
  let i = 0;
  let previous = ""; // last significant character, to tell a regex from a division
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === "`" || (c === "/" && /^$|[(,=:[!&|?{};+\-*%<>~^]/.test(previous))) {
      const start = i;
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\") i++;
        else if (c !== "`" && source[i] === "\n") break;
        i++;
      }
      i++;
      out += source.slice(start, i);
      previous = c;
      continue;
    }
    out += c;
    if (!/\s/.test(c)) previous = c;
    i++;
  }
  return out
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .join("\n");
}

/** Cells that do not line up between the two editions, as messages (empty when they do). */
export function misalignments(english, translated) {
  if (english.cells.length !== translated.cells.length) {
    return [`${english.cells.length} cells in English, ${translated.cells.length} in the translation`];
  }
  return english.cells.flatMap((cell, i) =>
    cell.cell_type === translated.cells[i].cell_type
      ? []
      : [`cell ${i + 1}: ${cell.cell_type} in English, ${translated.cells[i].cell_type} in the translation`]
  );
}

/** 1-based numbers of the code cells whose code (comments aside) differs. */
export function differingCodeCells(english, translated) {
  return english.cells.flatMap((cell, i) =>
    cell.cell_type === "code" && withoutComments(cellText(cell)) !== withoutComments(cellText(translated.cells[i])) ? [i + 1] : []
  );
}

/** The pairs (English lesson, translated lesson) of an edition, by file name. */
export function editionPairs(lang) {
  const dir = path.join(root, "notebooks", lang);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => ({ name: f, english: path.join(root, "notebooks", f), translated: path.join(dir, f) }));
}

function main() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { check: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`sync-edition: ${error.message}\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    return;
  }
  const [lang, ...extra] = parsed.positionals;
  if (!lang || extra.length > 0 || !/^[a-z]{2}(-[A-Z]{2})?$/.test(lang)) {
    console.error(`sync-edition: expected one language tag such as zh-CN\n${usage}`);
    process.exit(2);
  }
  let status = 0;
  for (const pair of editionPairs(lang)) {
    if (!fs.existsSync(pair.english)) {
      console.log(`${pair.name}: no English lesson of that name`);
      status = 1;
      continue;
    }
    const english = JSON.parse(fs.readFileSync(pair.english, "utf8"));
    const translated = JSON.parse(fs.readFileSync(pair.translated, "utf8"));
    const problems = misalignments(english, translated);
    if (problems.length > 0) {
      for (const p of problems) console.log(`${pair.name}: ${p}`);
      status = 1;
      continue;
    }
    const differing = differingCodeCells(english, translated);
    if (parsed.values.check) {
      if (differing.length > 0) {
        console.log(`${pair.name}: code cell ${differing.join(", ")} differs from the English lesson in more than comments`);
        status = 1;
      }
      continue;
    }
    for (const n of differing) {
      translated.cells[n - 1].source = english.cells[n - 1].source;
      console.log(`${pair.name}: cell ${n} copied from the English lesson (translate its comments again)`);
    }
    for (const cell of translated.cells) {
      if (cell.cell_type !== "code") continue;
      cell.outputs = [];
      cell.execution_count = null;
    }
    translated.metadata = {
      ...english.metadata,
      ...translated.metadata,
      kernelspec: { name: `tslab-${lang}`, display_name: `TypeScript (${lang})`, language: "typescript" },
    };
    const text = JSON.stringify(translated, null, 1) + "\n";
    if (text !== fs.readFileSync(pair.translated, "utf8")) fs.writeFileSync(pair.translated, text);
  }
  process.exit(status);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
