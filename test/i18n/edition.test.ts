// The Chinese edition of the lessons (notebooks/zh-CN/): every English lesson is translated, and
// each translated lesson has its English lesson, the same cells in the same order, code cells
// equal once comments are removed (only prose and comments are translated), the tslab-zh-CN
// kernel and no outputs, and
// `node scripts/sync-edition.mjs zh-CN --check` passes (its own functions make the comparison).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cellText, differingCodeCells, editionPairs, misalignments, withoutComments } from "../../scripts/sync-edition.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LANG = "zh-CN";

interface Cell { cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }
interface Notebook { metadata: { kernelspec?: { name?: string } }; cells: Cell[] }
interface Pair { name: string; english: string; translated: string }

const read = (file: string): Notebook => JSON.parse(fs.readFileSync(file, "utf8"));
const englishLessons = fs.readdirSync(path.join(root, "notebooks")).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const pairs: Pair[] = editionPairs(LANG);

describe(`the ${LANG} edition`, () => {
  it("translates every English lesson", () => {
    const translated = pairs.map((p) => p.name);
    const missing = englishLessons.filter((n) => !translated.includes(n));
    expect(missing, `English lessons without notebooks/${LANG}/ translation`).toEqual([]);
  });

  it("has lessons, each named after an English lesson", () => {
    expect(pairs.length).toBeGreaterThan(0);
    const orphans = pairs.map((p) => p.name).filter((n) => !englishLessons.includes(n));
    expect(orphans, `notebooks/${LANG}/ lessons with no English lesson of the same name`).toEqual([]);
  });

  it.each(pairs.map((p) => [p.name, p] as const))("%s: same cells as the English lesson, code equal but for comments, tslab-zh-CN, no outputs", (name, pair) => {
    const english = read(pair.english);
    const translated = read(pair.translated);
    expect(misalignments(english, translated), `${name}: cells that do not line up`).toEqual([]);
    const differing: number[] = differingCodeCells(english, translated);
    const first = differing[0];
    expect(
      differing,
      first === undefined
        ? ""
        : `${name}: code cell ${differing.join(", ")} differs from the English lesson in more than comments (node scripts/sync-edition.mjs ${LANG} copies it); cell ${first}:\n` +
          `English:\n${withoutComments(cellText(english.cells[first - 1]))}\n\n${LANG}:\n${withoutComments(cellText(translated.cells[first - 1]))}`
    ).toEqual([]);
    expect(translated.metadata.kernelspec?.name, `${name}: metadata.kernelspec.name`).toBe(`tslab-${LANG}`);
    const stale = translated.cells.flatMap((c, i) => (c.cell_type === "code" && ((c.outputs ?? []).length > 0 || c.execution_count != null) ? [i + 1] : []));
    expect(stale, `${name}: cells with outputs or execution counts (commit it cleared)`).toEqual([]);
  });

  it("sync-edition.mjs --check passes", () => {
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "sync-edition.mjs"), LANG, "--check"], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("the comparison ignores comments only: a changed string or a changed line of code is a difference", () => {
    const cell = (source: string) => ({ cells: [{ cell_type: "code", source }] });
    const english = cell('const x = "a // b"; // the English comment\nshow(x);');
    expect(differingCodeCells(english, cell('const x = "a // b"; // 中文注释\nshow(x);'))).toEqual([]);
    expect(differingCodeCells(english, cell('const x = "a // c"; // the English comment\nshow(x);'))).toEqual([1]);
    expect(differingCodeCells(english, cell('const x = "a // b";\nshow(x, 1);'))).toEqual([1]);
  });
});
