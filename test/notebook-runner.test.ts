// scripts/run-notebooks.mjs on notebooks made for the test: one nbclient
// execution each, a line before each notebook starts, and a failure that
// names the cell (1-based, as Jupyter lists them) with its source and error.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runner = path.join(root, "scripts", "run-notebooks.mjs");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kil-runner-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// A clean notebook with the given [cell_type, source] cells, for the tslab kernel unless another is named.
function writeNotebook(name: string, cells: Array<["code" | "markdown", string]>, kernel = "tslab"): string {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: "TypeScript", language: "typescript" } },
    cells: cells.map(([type, source], i) => ({
      cell_type: type,
      id: `cell-${i}`,
      metadata: {},
      source,
      ...(type === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  };
  const file = path.join(work, name);
  fs.writeFileSync(file, JSON.stringify(notebook));
  return file;
}

const run = (args: string[]) =>
  spawnSync(process.execPath, [runner, ...args], { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });

describe("notebook runner", () => {
  it("wrong usage exits 2 with the usage; --help exits 0", () => {
    const bad = run(["--no-such-option"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage: node scripts/run-notebooks.mjs");
    const badTimeout = run(["--timeout", "soon"]);
    expect(badTimeout.status).toBe(2);
    expect(badTimeout.stderr).toContain("--timeout");
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--out-dir DIR");
  });

  it(
    "runs each notebook once, announces it, and names the failing cell with its source and error",
    () => {
      const counter = path.join(work, "executions.txt");
      const good = writeNotebook("good.ipynb", [["code", "console.log(6 * 7)"]]);
      const bad = writeNotebook("bad.ipynb", [
        ["markdown", "# A lesson that breaks"],
        // Counts executions of the notebook: one execution writes one line.
        ["code", `import * as fs from "node:fs";\nfs.appendFileSync(${JSON.stringify(counter)}, "ran\\n");`],
        ["code", 'throw new Error("the third cell breaks");'],
        ["code", 'console.log("never reached")'],
      ]);
      const out = path.join(work, "executed");
      const r = run(["--out-dir", out, good, bad]);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toBe("run   good.ipynb (1 of 2)");
      expect(lines[1]).toMatch(/^ok    good\.ipynb \(/);
      expect(lines[2]).toBe("run   bad.ipynb (2 of 2)");
      expect(lines[3]).toMatch(/^FAIL  bad\.ipynb \(/);
      expect(r.stdout).toContain("bad.ipynb, cell 3: cell failed");
      expect(r.stdout).toContain('throw new Error("the third cell breaks");');
      expect(r.stdout).toContain("Error: the third cell breaks");
      expect(r.stdout).toContain("notebooks: 1 passed, 1 failed (bad.ipynb)");
      // One execution, not a second run to collect the error.
      expect(fs.readFileSync(counter, "utf8")).toBe("ran\n");
      // The executed copy is written, error included, and stops at the failing cell.
      const executed = JSON.parse(fs.readFileSync(path.join(out, "bad.ipynb"), "utf8"));
      expect(JSON.stringify(executed.cells[2].outputs)).toContain("the third cell breaks");
      expect(executed.cells[3].outputs).toEqual([]);
      expect(JSON.parse(fs.readFileSync(path.join(out, "good.ipynb"), "utf8")).cells[0].outputs[0].text).toEqual(["42\n"]);
    },
    // Two kernel starts in a subprocess, not a speed assertion.
    5 * 60_000
  );

  it(
    "runs a notebook with the kernel its metadata names: tslab-zh-CN sets KIL_LANG=zh-CN",
    () => {
      const chinese = writeNotebook("chinese.ipynb", [["code", "console.log(`KIL_LANG=${process.env.KIL_LANG}`)"]], "tslab-zh-CN");
      const out = path.join(work, "executed-zh");
      const r = run(["--out-dir", out, chinese]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const executed = JSON.parse(fs.readFileSync(path.join(out, "chinese.ipynb"), "utf8"));
      expect(executed.cells[0].outputs[0].text).toEqual(["KIL_LANG=zh-CN\n"]);
    },
    // One kernel start in a subprocess, not a speed assertion.
    5 * 60_000
  );

  it("files an edition's executed copy in its folder (zh-CN/NN-name.ipynb), with tslab when the metadata names no kernel", async () => {
    const { kernelOf, notebookName } = await import("../scripts/run-notebooks.mjs");
    expect(notebookName(path.join(root, "notebooks", "zh-CN", "01-the-wordpress-service.ipynb"))).toBe(path.join("zh-CN", "01-the-wordpress-service.ipynb"));
    expect(notebookName(path.join(root, "notebooks", "01-the-wordpress-service.ipynb"))).toBe("01-the-wordpress-service.ipynb");
    expect(notebookName(path.join(work, "elsewhere.ipynb"))).toBe("elsewhere.ipynb");
    expect(kernelOf({ metadata: {} })).toBe("tslab");
    expect(kernelOf({ metadata: { kernelspec: { name: "tslab-zh-CN" } } })).toBe("tslab-zh-CN");
  });
});
