#!/usr/bin/env node
// Executes the notebooks with their kernels and fails on any error.
//
//   node scripts/run-notebooks.mjs                 # notebooks/*.ipynb (then each edition's), in name order
//   node scripts/run-notebooks.mjs notebooks/zh-CN/*.ipynb
//   node scripts/run-notebooks.mjs notebooks/00-setup-check.ipynb
//   node scripts/run-notebooks.mjs --help
//
// Each notebook is executed once by nbclient (scripts/execute-notebook.py),
// the library nbconvert itself uses, with the kernel its metadata names
// (tslab when it names none; the Chinese lessons name tslab-zh-CN, which sets
// KIL_LANG=zh-CN); the executed copy goes to test-output/notebooks/, in the
// notebook's own folder under notebooks/ (test-output/notebooks/zh-CN/ for
// the Chinese edition), also when a cell fails: it then holds the error, for
// reading and for the site. The source notebooks are never written. A line is printed before each notebook starts, so a long run
// shows where it is. A notebook fails when:
//   - a cell fails (tslab reports a thrown error or a TypeScript compile
//     error as a failed execution), runs longer than the timeout, or the
//     kernel dies;
//   - an executed cell has an output of type "error";
//   - an executed cell wrote to stderr a text that contains "Error" (for
//     example an error caught and logged with console.error).
// Failures are printed as: notebook, cell number (1-based, counting every
// cell, markdown too, as Jupyter lists them), the cell's source and the
// error text. The exit status is 0 only when every notebook is clean, 2 for
// wrong usage.
//
// Needs dist/ (npm run build); registers the tslab kernel in .jupyter/ and the
// notebooks/node_modules/kube-iptables-lab link when they are missing.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const defaultOutDir = path.join(root, "test-output", "notebooks");

const usage = `usage: node scripts/run-notebooks.mjs [options] [NOTEBOOK.ipynb ...]

Executes the notebooks (notebooks/*.ipynb, then each edition's notebooks/LANG/*.ipynb,
when none is named), once each, with the kernel each names in its metadata (default
tslab), and writes the executed copies to test-output/notebooks/ (zh-CN/ for the
Chinese edition).

options:
  --twice            execute each clean notebook a second time and fail when an output differs
  --timeout SECONDS  longest time one cell may run (default 300, or KIL_NOTEBOOK_TIMEOUT)
  --out-dir DIR      where the executed copies go (default test-output/notebooks)
  -h, --help         show this help

exit status: 0 every notebook clean, 1 a notebook failed, 2 wrong usage`;

function fail(message, status = 1) {
  console.error(`run-notebooks: ${message}`);
  process.exit(status);
}

// The command line, read by node:util parseArgs; wrong usage exits 2.
function readOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        twice: { type: "boolean", default: false },
        timeout: { type: "string" },
        "out-dir": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    fail(`${error.message}\n${usage}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const timeoutText = values.timeout ?? process.env.KIL_NOTEBOOK_TIMEOUT ?? "300";
  const timeout = Number(timeoutText);
  if (!Number.isInteger(timeout) || timeout <= 0) fail(`--timeout: expected a whole number of seconds, got "${timeoutText}"`, 2);
  const outDir = values["out-dir"] === undefined ? defaultOutDir : path.resolve(values["out-dir"]);
  return { twice: values.twice, timeout, outDir, notebooks: positionals };
}

// The environment of scripts/env.sh (PATH with node_modules/.bin first, the
// project-local Jupyter directories), read from bash so there is one source.
function projectEnv() {
  const r = spawnSync("bash", ["-c", '. "$1" && env -0', "bash", path.join(root, "scripts", "env.sh")], {
    encoding: "utf8",
  });
  if (r.status !== 0) fail(`sourcing scripts/env.sh failed:\n${r.stderr}`);
  const env = {};
  for (const entry of r.stdout.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

// A Python that has nbclient: the one Jupyter itself runs on (the `jupyter`
// command's #! line) comes first, since a pyenv or venv python3 earlier on
// PATH may not have the Jupyter packages.
function findPython(env) {
  const candidates = [];
  const which = spawnSync("bash", ["-c", "command -v jupyter"], { env, encoding: "utf8" });
  const jupyter = which.status === 0 ? which.stdout.trim() : "";
  if (jupyter) {
    const shebang = /^#!\s*(\S+)/.exec(fs.readFileSync(jupyter, "utf8").split("\n", 1)[0]);
    if (shebang && !shebang[1].endsWith("/env")) candidates.push(shebang[1]);
  }
  candidates.push("python3");
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import nbclient, nbformat"], { env, encoding: "utf8" });
    if (probe.status === 0) return python;
  }
  fail("no Python with nbclient found (Debian: apt-get install -y python3-nbclient jupyter-nbconvert)");
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
const text = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
const indent = (s, pad = "    ") => s.replace(/\n+$/, "").split("\n").map((l) => pad + l).join("\n");
const lastLines = (s, n) => String(s ?? "").replace(/\n+$/, "").split("\n").slice(-n).join("\n");

// The error text of one output: an error's name, value and traceback, or a stderr stream.
function outputError(out) {
  if (out.output_type === "error") {
    const head = `${out.ename ?? "Error"}: ${stripAnsi(text(out.evalue))}`;
    const traceback = stripAnsi((out.traceback ?? []).join("\n"));
    return traceback ? `${head}\n${traceback}` : head;
  }
  if (out.output_type === "stream" && out.name === "stderr") return stripAnsi(text(out.text));
  return null;
}

// Problems found in an executed notebook: [{ cell, kind, text }].
export function findProblems(notebook) {
  const problems = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "error") {
        problems.push({ cell: i + 1, kind: "error output", text: outputError(out) });
      } else if (out.output_type === "stream" && out.name === "stderr" && text(out.text).includes("Error")) {
        problems.push({ cell: i + 1, kind: "stderr", text: outputError(out) });
      }
    }
  });
  return problems;
}

// Outputs of every code cell without metadata, for comparing two runs.
function outputsOf(notebook) {
  return notebook.cells.map((cell) =>
    cell.cell_type !== "code"
      ? null
      : (cell.outputs ?? []).map((o) => ({ type: o.output_type, name: o.name ?? null, text: o.text ?? null, data: o.data ?? null }))
  );
}

const readJson = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null);

// Executes one notebook once with nbclient: { report, executed } where report
// is what scripts/execute-notebook.py printed and executed the copy it wrote.
function execute(run, nb, executed, kernel) {
  fs.rmSync(executed, { force: true });
  const r = spawnSync(
    run.python,
    [path.join(root, "scripts", "execute-notebook.py"), nb, executed, kernel, String(run.timeout)],
    { cwd: root, env: run.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }
  );
  const lastLine = (r.stdout ?? "").trim().split("\n").pop() ?? "";
  let report;
  try {
    report = JSON.parse(lastLine);
  } catch {
    const why = r.error ? r.error.message : lastLines(stripAnsi(r.stderr ?? ""), 30);
    report = { status: "error", cell: null, message: `execute-notebook.py exited ${r.status ?? r.signal}: ${why}` };
  }
  if (report.restarted) console.log(`      the kernel did not answer and was started again (${report.restarted})`);
  return { report, executed: readJson(executed) };
}

const failureKinds = {
  "cell-error": "cell failed",
  timeout: "cell timed out",
  "kernel-died": "kernel died",
  error: "could not execute",
};

// The problems of one notebook's single execution (and, with --twice, a second one to compare).
function checkNotebook(run, nb) {
  const executedPath = path.join(run.outDir, notebookName(nb));
  fs.mkdirSync(path.dirname(executedPath), { recursive: true });
  const source = JSON.parse(fs.readFileSync(nb, "utf8"));
  const kernel = kernelOf(source);
  const { report, executed } = execute(run, nb, executedPath, kernel);
  if (report.status !== "ok") {
    const cell = report.cell ?? null;
    const problems = executed ? findProblems(executed).filter((p) => cell === null || p.cell < cell + 1) : [];
    const outputs = cell === null ? [] : executed?.cells?.[cell]?.outputs ?? [];
    const errorText = outputs.map(outputError).filter(Boolean).join("\n") || stripAnsi(report.message ?? "");
    const sourceText = cell === null ? "" : `source:\n${indent(text(source.cells[cell].source), "  ")}\n`;
    problems.push({
      cell: cell === null ? null : cell + 1,
      kind: failureKinds[report.status] ?? report.status,
      text: `${sourceText}error:\n${indent(errorText, "  ")}`,
    });
    return problems;
  }
  const problems = findProblems(executed);
  if (run.twice && problems.length === 0) {
    const again = execute(run, nb, executedPath, kernel);
    if (again.report.status !== "ok" || !again.executed) {
      return [{ cell: again.report.cell === null ? null : again.report.cell + 1, kind: "second run failed", text: stripAnsi(again.report.message ?? "") }];
    }
    const a = outputsOf(executed), b = outputsOf(again.executed);
    const differing = a.flatMap((o, i) => (JSON.stringify(o) === JSON.stringify(b[i]) ? [] : [i + 1]));
    if (differing.length > 0) {
      problems.push({ cell: differing[0], kind: "not deterministic", text: `outputs of cell ${differing.join(", ")} differ between two runs` });
    }
  }
  return problems;
}

// The kernel a notebook names in its metadata (tslab when it names none).
export function kernelOf(notebook) {
  return notebook.metadata?.kernelspec?.name || "tslab";
}

// A notebook's name as printed and as its executed copy is filed: its path under
// notebooks/ (zh-CN/01-x.ipynb), or its file name when it lies elsewhere.
export function notebookName(nb) {
  const relative = path.relative(path.join(root, "notebooks"), nb);
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(nb) : relative;
}

// The editions run after the English lessons, each from its folder notebooks/LANG/ (the
// lessons find their data through the package, so the same code cells run from there).
const EDITIONS = ["zh-CN"];

// The .ipynb files of a folder, in name order.
function notebooksIn(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

// The notebooks to run: the ones named, or every notebooks/*.ipynb and then each edition's, in name order.
function notebookPaths(named) {
  const notebooks =
    named.length > 0
      ? named.map((a) => path.resolve(a))
      : [path.join(root, "notebooks"), ...EDITIONS.map((lang) => path.join(root, "notebooks", lang))].flatMap(notebooksIn);
  if (notebooks.length === 0) fail("no notebooks/*.ipynb found");
  for (const nb of notebooks) if (!fs.existsSync(nb)) fail(`no such notebook: ${nb}`);
  return notebooks;
}

function main() {
  const options = readOptions(process.argv.slice(2));
  const notebooks = notebookPaths(options.notebooks);
  if (!fs.existsSync(path.join(root, "dist", "index.js"))) {
    fail("dist/index.js is missing: build the library first (npm run build; npm start and npm test do it)");
  }
  const env = projectEnv();
  const prep = spawnSync("bash", [path.join(root, "scripts", "prepare-notebooks.sh")], { env, stdio: "inherit" });
  if (prep.status !== 0) fail("scripts/prepare-notebooks.sh failed (run bash scripts/setup.sh)");
  const run = { ...options, env, python: findPython(env) };

  fs.mkdirSync(run.outDir, { recursive: true });
  const failed = [];
  notebooks.forEach((nb, i) => {
    const name = notebookName(nb);
    console.log(`run   ${name} (${i + 1} of ${notebooks.length})`);
    const started = Date.now();
    const problems = checkNotebook(run, nb);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (problems.length === 0) {
      console.log(`ok    ${name} (${seconds} s)`);
      return;
    }
    failed.push(name);
    console.log(`FAIL  ${name} (${seconds} s)`);
    for (const p of problems) {
      const where = p.cell === null ? "" : `, cell ${p.cell}`;
      console.log(`\n${name}${where}: ${p.kind}\n${indent(p.text)}\n`);
    }
  });
  console.log(`\nnotebooks: ${notebooks.length - failed.length} passed, ${failed.length} failed` + (failed.length ? ` (${failed.join(", ")})` : ""));
  console.log(`executed copies: ${path.relative(process.cwd(), run.outDir) || "."}/`);
  process.exit(failed.length === 0 ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
