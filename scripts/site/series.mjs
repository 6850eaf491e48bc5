// The series of lessons as the site shows it: number, title, what each
// lesson answers, what it needs, and how long it takes, in name order.
//
// "answers" and "needs" come from notebooks/series.json when the lesson is
// listed there; otherwise from the lesson itself (its **Question.** line, and
// "the lessons before it"). The length is estimated from the lesson's words and
// cells, so it follows the lesson as it is edited.

import * as fs from "node:fs";
import * as path from "node:path";

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

/** The lesson's question: the text after **Question.** in its first cells, in plain words. */
export function lessonQuestion(notebook) {
  for (const cell of (notebook.cells ?? []).slice(0, 3)) {
    if (cell.cell_type !== "markdown") continue;
    const m = /\*\*Question\.\*\*\s*([^\n]+)/.exec(cellText(cell.source));
    if (m) return m[1].replace(/[`*_]/g, "").trim();
  }
  return null;
}

/**
 * Minutes a student needs: reading at 100 words a minute (technical prose next
 * to the rules it talks about) plus two minutes per code cell to run it and
 * read its table or chart, rounded to five minutes.
 */
export function lessonMinutes(notebook) {
  let words = 0;
  let code = 0;
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type === "code") code++;
    else words += cellText(cell.source).split(/\s+/).filter(Boolean).length;
  }
  return Math.max(5, Math.round((words / 100 + 2 * code) / 5) * 5);
}

/** Every lesson of notebooks/, in order, with what the index and the navigation show. */
export function readSeries(root) {
  const dir = path.join(root, "notebooks");
  const listed = fs.existsSync(path.join(dir, "series.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "series.json"), "utf8")).lessons : {};
  const files = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  return files.map((file, index) => {
    const name = file.replace(/\.ipynb$/, "");
    const notebook = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const meta = listed[name] ?? {};
    return {
      file,
      name,
      page: `${name}.html`,
      number: name.slice(0, 2),
      index,
      title: notebookTitle(notebook, name),
      answers: meta.answers ?? lessonQuestion(notebook) ?? "",
      needs: meta.needs ?? (index === 0 ? "nothing" : "the lessons before it"),
      minutes: lessonMinutes(notebook),
    };
  });
}
