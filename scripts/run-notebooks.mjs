#!/usr/bin/env node
// Executes the notebooks with the tslab kernel and fails on any error.
//
//   node scripts/run-notebooks.mjs                 # every notebooks/*.ipynb, in name order
//   node scripts/run-notebooks.mjs notebooks/00-setup-check.ipynb
//
// Each notebook runs with
//   jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab
//     --ExecutePreprocessor.timeout=300 --output-dir test-output/notebooks
// so the executed copy goes to test-output/notebooks/ and the source notebooks
// are never written. A notebook fails when:
//   - nbconvert exits non-zero: a cell failed (tslab reports a thrown error or
//     a TypeScript compile error as a failed execution), a cell ran longer than
//     300 s, or the kernel died;
//   - an executed cell has an output of type "error";
//   - an executed cell wrote to stderr a text that contains "Error" (for
//     example an error caught and logged with console.error).
// tslab sends the error text as a stderr stream, which nbconvert does not
// print, so after a failed cell the notebook is run a second time with
// --ExecutePreprocessor.allow_errors=True: that writes the executed copy
// (with the error in it, for reading and for the site) and gives the text.
// Failures are printed as: notebook, cell number (1-based, counting every
// cell, markdown too, as Jupyter lists them) and the error text. The exit
// code is 0 only when every notebook is clean.
//
// Needs dist/ (npm run build); registers the tslab kernel in .jupyter/ and the
// notebooks/node_modules/kube-iptables-lab link when they are missing.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "test-output", "notebooks");
// Seconds one cell may run; KIL_NOTEBOOK_TIMEOUT overrides it.
const timeoutSeconds = Number(process.env.KIL_NOTEBOOK_TIMEOUT) || 300;

function fail(message) {
  console.error(`run-notebooks: ${message}`);
  process.exit(1);
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

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
const text = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
const indent = (s, pad = "    ") => s.replace(/\n+$/, "").split("\n").map((l) => pad + l).join("\n");

// Problems found in an executed notebook: [{ cell, kind, text }].
export function findProblems(notebook) {
  const problems = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "error") {
        const head = `${out.ename ?? "Error"}: ${stripAnsi(text(out.evalue))}`;
        const traceback = stripAnsi((out.traceback ?? []).join("\n"));
        problems.push({ cell: i + 1, kind: "error output", text: traceback ? `${head}\n${traceback}` : head });
      } else if (out.output_type === "stream" && out.name === "stderr" && text(out.text).includes("Error")) {
        problems.push({ cell: i + 1, kind: "stderr", text: stripAnsi(text(out.text)) });
      }
    }
  });
  return problems;
}

const lastLines = (s, n) => String(s ?? "").replace(/\n+$/, "").split("\n").slice(-n).join("\n");

// The exception that ended a Python program, without the traceback above it.
function pythonError(stderr) {
  const lines = stderr.replace(/\n+$/, "").split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b/.test(lines[i])) return lines.slice(i).join("\n");
  }
  return lastLines(stderr, 40);
}

// The 1-based numbers of the code cells whose source nbconvert quotes in its
// CellExecutionError ("An error occurred while executing the following cell").
function failedCells(notebook, stderr) {
  if (!stderr.includes("An error occurred while executing the following cell")) return [];
  const cells = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type === "code" && stderr.includes(`------------------\n${text(cell.source)}\n------------------`)) {
      cells.push(i + 1);
    }
  });
  return cells;
}

// Outputs of every code cell without metadata, for comparing two runs.
function outputsOf(notebook) {
  return notebook.cells.map((cell) =>
    cell.cell_type !== "code"
      ? null
      : (cell.outputs ?? []).map((o) => ({ type: o.output_type, name: o.name ?? null, text: o.text ?? null, data: o.data ?? null }))
  );
}

function main() {
  // --twice: execute each notebook a second time and require identical outputs (determinism).
  const twice = process.argv.includes("--twice");
  const args = process.argv.slice(2).filter((a) => a !== "--twice");
  const notebooks = (
    args.length > 0
      ? args.map((a) => path.resolve(a))
      : fs
          .readdirSync(path.join(root, "notebooks"))
          .filter((f) => f.endsWith(".ipynb"))
          .sort()
          .map((f) => path.join(root, "notebooks", f))
  );
  if (notebooks.length === 0) fail("no notebooks/*.ipynb found");
  for (const nb of notebooks) if (!fs.existsSync(nb)) fail(`no such notebook: ${nb}`);

  if (!fs.existsSync(path.join(root, "dist", "index.js"))) {
    fail("dist/index.js is missing: build the library first (npm run build; npm start and npm test do it)");
  }
  const env = projectEnv();
  const prep = spawnSync("bash", [path.join(root, "scripts", "prepare-notebooks.sh")], { env, stdio: "inherit" });
  if (prep.status !== 0) fail("scripts/prepare-notebooks.sh failed (run bash scripts/setup.sh)");

  fs.mkdirSync(outDir, { recursive: true });
  const nbconvert = (nb, extra) =>
    spawnSync(
      "jupyter",
      [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.kernel_name=tslab",
        `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
        ...extra,
        "--output-dir",
        outDir,
        nb,
      ],
      { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }
    );

  const failed = [];
  for (const nb of notebooks) {
    const name = path.basename(nb);
    const executed = path.join(outDir, name);
    fs.rmSync(executed, { force: true });
    const started = Date.now();
    const source = JSON.parse(fs.readFileSync(nb, "utf8"));
    const problems = [];

    const r = nbconvert(nb, []);
    if (r.error) {
      problems.push({ cell: null, kind: "nbconvert", text: `could not start jupyter: ${r.error.message}` });
    } else if (r.status !== 0) {
      const stderr = stripAnsi(r.stderr ?? "");
      const cells = failedCells(source, stderr);
      if (cells.length > 0) {
        // Run again, going on after errors, to get the executed copy and the
        // error text that tslab wrote to the cell's stderr.
        const again = nbconvert(nb, ["--ExecutePreprocessor.allow_errors=True"]);
        const copy = fs.existsSync(executed) ? JSON.parse(fs.readFileSync(executed, "utf8")) : null;
        const cell = cells[0];
        const outputs = copy?.cells?.[cell - 1]?.outputs ?? [];
        const errorText = outputs
          .filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))
          .map((o) =>
            o.output_type === "error"
              ? stripAnsi(`${o.ename}: ${text(o.evalue)}\n${(o.traceback ?? []).join("\n")}`)
              : stripAnsi(text(o.text))
          )
          .join("\n");
        // Earlier cells that logged an error before the failing one.
        if (copy) problems.push(...findProblems(copy).filter((p) => p.cell < cell));
        const also = cells.length > 1 ? ` (or cell ${cells.slice(1).join(", ")}: same source)` : "";
        problems.push({
          cell,
          kind: `cell failed${also}`,
          text:
            `source:\n${indent(text(source.cells[cell - 1].source), "  ")}\n` +
            (errorText
              ? `error:\n${indent(errorText, "  ")}`
              : `error: (no error text; nbconvert said)\n${indent(lastLines(again.stderr || stderr, 30), "  ")}`),
        });
      } else {
        const preview = /A cell timed out[\s\S]*?\n-------------------\n([\s\S]*?)\n-------------------/.exec(stderr)?.[1];
        const cell = preview === undefined ? -1 : source.cells.findIndex((c) => c.cell_type === "code" && text(c.source).startsWith(preview));
        problems.push({
          cell: cell >= 0 ? cell + 1 : null,
          kind: `nbconvert exit ${r.status ?? r.signal}`,
          text: pythonError(stderr),
        });
      }
    }
    if (problems.length === 0) {
      if (fs.existsSync(executed)) {
        const first = JSON.parse(fs.readFileSync(executed, "utf8"));
        problems.push(...findProblems(first));
        if (twice && problems.length === 0) {
          const again = nbconvert(nb, []);
          const second = again.status === 0 && fs.existsSync(executed) ? JSON.parse(fs.readFileSync(executed, "utf8")) : null;
          if (!second) problems.push({ cell: null, kind: "second run failed", text: lastLines(again.stderr ?? "", 30) });
          else {
            const a = outputsOf(first), b = outputsOf(second);
            const differing = a.flatMap((o, i) => (JSON.stringify(o) === JSON.stringify(b[i]) ? [] : [i + 1]));
            if (differing.length > 0)
              problems.push({ cell: differing[0], kind: "not deterministic", text: `outputs of cell ${differing.join(", ")} differ between two runs` });
          }
        }
      } else {
        problems.push({ cell: null, kind: "nbconvert", text: `no executed copy was written to ${executed}\n${r.stderr}` });
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (problems.length === 0) {
      console.log(`ok    ${name} (${seconds} s)`);
    } else {
      failed.push(name);
      console.log(`FAIL  ${name} (${seconds} s)`);
      for (const p of problems) {
        const where = p.cell === null ? "" : `, cell ${p.cell}`;
        console.log(`\n${name}${where}: ${p.kind}\n${indent(p.text)}\n`);
      }
    }
  }
  console.log(`\nnotebooks: ${notebooks.length - failed.length} passed, ${failed.length} failed` + (failed.length ? ` (${failed.join(", ")})` : ""));
  console.log(`executed copies: ${path.relative(root, outDir)}/`);
  process.exit(failed.length === 0 ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
