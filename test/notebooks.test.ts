// The notebooks: committed clean, and every one executes with the tslab
// kernel without an error (scripts/run-notebooks.mjs).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const notebooksDir = path.join(root, "notebooks");
const notebookFiles = fs
  .readdirSync(notebooksDir)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}
interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string } };
  cells: Cell[];
}

const readNotebook = (file: string): Notebook => JSON.parse(fs.readFileSync(path.join(notebooksDir, file), "utf8"));

describe("committed notebooks", () => {
  it("there is at least one notebook", () => {
    expect(notebookFiles.length).toBeGreaterThan(0);
  });

  // Notebooks are committed without outputs, so that diffs show only what a
  // person wrote; the executed copies live in test-output/ and site/.
  it.each(notebookFiles)("%s has no outputs, no execution counts and the tslab kernel", (file) => {
    const nb = readNotebook(file);
    expect(nb.nbformat, `${file}: nbformat`).toBe(4);
    expect(nb.metadata.kernelspec?.name, `${file}: metadata.kernelspec.name`).toBe("tslab");
    const stale = nb.cells.flatMap((cell, i) =>
      cell.cell_type === "code" && (!Array.isArray(cell.outputs) || cell.outputs.length > 0 || cell.execution_count !== null)
        ? [i + 1]
        : []
    );
    expect(
      stale,
      `${file}: cells ${stale.join(", ")} carry outputs or execution counts; commit notebooks cleared ` +
        `(jupyter nbconvert --clear-output --inplace notebooks/${file})`
    ).toEqual([]);
  });
});

// The newest modification time of the files a build reads.
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) visit(path.join(p, f));
    else if (p.endsWith(".ts") || p.endsWith(".json")) newest = Math.max(newest, st.mtimeMs);
  };
  visit(path.join(root, "lib"));
  for (const f of ["tsconfig.json", "tsconfig.build.json", "package.json"]) visit(path.join(root, f));
  return newest;
}

describe("notebooks execute", () => {
  it(
    "every notebook runs top to bottom with the tslab kernel, with no error, twice with the same outputs",
    () => {
      const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
      if (jupyter.error || jupyter.status !== 0) {
        throw new Error(
          "Jupyter (nbconvert) is not installed. Run the tests with `npm test`: its setup installs " +
            "the Debian packages as root, or prints the apt-get command to run."
        );
      }

      // npm test has just built dist/; build again only when lib/ changed since
      // (so a plain `vitest run` does not run the notebooks on a stale build).
      const distIndex = path.join(root, "dist", "index.js");
      if (!fs.existsSync(distIndex) || fs.statSync(distIndex).mtimeMs < newestSource()) {
        const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, encoding: "utf8" });
        expect(build.status, `npm run build failed:\n${build.stdout}${build.stderr}`).toBe(0);
      }

      // --twice runs each notebook again and fails when any output differs (same figures every run).
      const run = spawnSync(process.execPath, [path.join(root, "scripts", "run-notebooks.mjs"), "--twice"], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
      const failed = [...output.matchAll(/^FAIL\s+(\S+)/gm)].map((m) => m[1]);
      expect(
        run.status,
        `notebooks failed: ${failed.join(", ") || "(see output)"}\n` +
          `(run them alone with: node scripts/run-notebooks.mjs notebooks/NAME.ipynb)\n\n${output}`
      ).toBe(0);
    },
    // A subprocess that starts a kernel per notebook, not a speed assertion.
    20 * 60_000
  );
});
