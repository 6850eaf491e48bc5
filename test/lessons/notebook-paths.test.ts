// The lessons find their data through the package (openLesson, dataPath),
// never through the notebook's working directory: the same code cells run
// from notebooks/ and from a translated edition in notebooks/LANG/.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cellText, withoutComments } from "../../scripts/sync-edition.mjs";
import { root } from "../views/support.js";

/** Every notebook of the series, English and translated editions: paths from the project root. */
function notebookFiles(dir = path.join(root, "notebooks")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules") return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return notebookFiles(full);
    return entry.name.endsWith(".ipynb") ? [path.relative(root, full)] : [];
  });
}

// A string that starts a relative path (`"../data"`, `'./x'`, `` `../${f}` ``), or a
// file-system call whose path is a literal that does not start at the root.
const RELATIVE_PATH = /["'`]\.\.?\//;
const FS_CALL_ON_LITERAL = /\b(?:readFileSync|readFile|readdirSync|existsSync|statSync|openSync|createReadStream|writeFileSync)\(\s*["'`](?!\/)/;
const WORKING_DIRECTORY = /\bprocess\.(?:cwd|chdir)\(/;

/** The lines of a code cell (comments aside) that read through the working directory. */
function relativeReads(code: string): string[] {
  return withoutComments(code)
    .split("\n")
    .filter((line) => RELATIVE_PATH.test(line) || FS_CALL_ON_LITERAL.test(line) || WORKING_DIRECTORY.test(line));
}

describe("lessons read their data through the package", () => {
  it("tells a relative read from a read through dataPath", () => {
    expect(relativeReads('const t = fs.readFileSync(`../${dumpFile}`, "utf8");')).toHaveLength(1);
    expect(relativeReads('const n = JSON.parse(fs.readFileSync("../data/wordpress/node.json", "utf8"));')).toHaveLength(1);
    expect(relativeReads('const t = readFileSync("data/wordpress/iptables-save.txt", "utf8");')).toHaveLength(1);
    expect(relativeReads("const p = './ip-addr.json';")).toHaveLength(1);
    expect(relativeReads("const here = process.cwd();")).toHaveLength(1);
    expect(relativeReads('const a = JSON.parse(fs.readFileSync(dataPath("wordpress/kernel-agreement.json"), "utf8"));')).toEqual([]);
    expect(relativeReads('const { dump } = openLesson("wordpress");\nshow(dumpLines(dumpText, [1], { title: "data/wordpress/iptables-save.txt" }));')).toEqual([]);
    expect(relativeReads('// the kernel once ran in notebooks/, reading "../data"\nconst x = 1;')).toEqual([]);
  });

  const files = notebookFiles();
  it("finds the English lessons", () => {
    expect(files.filter((f) => /^notebooks\/\d\d-[^/]+\.ipynb$/.test(f)).length).toBeGreaterThanOrEqual(18);
  });

  it.each(files)("%s: no code cell reads a path relative to the working directory", (file) => {
    const notebook = JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
    const found = notebook.cells.flatMap((cell, i) => {
      if (cell.cell_type !== "code") return [];
      return relativeReads(cellText(cell)).map((line) => `cell ${i + 1}: ${line.trim()}`);
    });
    expect(found, `${file} reads through the working directory; use openLesson("example") or dataPath("example/file") instead`).toEqual([]);
  });
});
