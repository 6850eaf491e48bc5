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
    "every notebook of both editions (notebooks/, notebooks/zh-CN/) runs top to bottom with its kernel, with no error, twice with the same outputs",
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
    // A subprocess that starts a kernel per notebook (both editions, twice), not a speed assertion.
    45 * 60_000
  );
});

// The site built from the executed notebooks opens from disk in Chromium with
// the network off, in both editions (English, and Chinese in zh-CN/ for the
// lessons translated and executed so far): every lesson page renders its
// tables and diagrams, shows no error output, runs no script, sits in the
// series with its previous and next lesson, switches to the same lesson in the
// other language, links its terms to the glossary and its cases to the
// explorer, shows no formula as TeX, and has no serious accessibility problem
// (axe-core); search finds each edition's words (test/site/check-edition.ts).
describe("static site", () => {
  it(
    "opens from disk in headless Chromium with no network, every lesson rendered, in both languages",
    async () => {
      const executed = path.join(root, "test-output", "notebooks");
      const missing = notebookFiles.filter((f) => !fs.existsSync(path.join(executed, f)));
      expect(missing, "executed notebooks are missing: the notebook test above must run first").toEqual([]);
      const siteDir = path.join(root, "test-output", "site");
      const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-site.mjs"), "--out", siteDir], { cwd: root, encoding: "utf8" });
      expect(build.status, `build-site failed:\n${build.stdout}${build.stderr}`).toBe(0);
      if (!fs.existsSync("/usr/bin/chromium")) {
        if (process.env.KIL_REQUIRE_KERNEL === "1") throw new Error("/usr/bin/chromium is missing (apt-get install chromium)");
        console.warn("static site: skipped the browser check: /usr/bin/chromium is not installed");
        return;
      }
      const { checkEdition } = await import("./site/check-edition.js");
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const outside: string[] = [];
        await page.route("**/*", (route) => {
          const url = route.request().url();
          if (url.startsWith("file://") || url.startsWith("data:")) return route.continue();
          outside.push(url);
          return route.abort();
        });
        const series = notebookFiles.map((f) => f.replace(/\.ipynb$/, ".html"));
        // The Chinese pages: the lessons translated in notebooks/zh-CN/ and executed into test-output/notebooks/zh-CN/.
        const chinese = series.filter((p) =>
          [path.join(notebooksDir, "zh-CN"), path.join(executed, "zh-CN")].every((d) => fs.existsSync(path.join(d, p.replace(/\.html$/, ".ipynb"))))
        );
        const shared = {
          series,
          cases: JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons as Record<string, unknown[]>,
          axe: fs.readFileSync(path.join(root, "node_modules", "axe-core", "axe.min.js"), "utf8"),
        };
        const english = await checkEdition(page, siteDir, "en", { ...shared, pages: series, otherPages: chinese, query: "KUBE-MARK-MASQ masquerade", nothing: "no-such-word-anywhere" });
        expect(english, "lessons link their terms to the glossary").toBeGreaterThan(series.length * 3);
        const zh = await checkEdition(page, siteDir, "zh-CN", { ...shared, pages: chinese, otherPages: series, query: "规则", nothing: "量子纠缠" });
        expect(zh, "Chinese lessons link their terms to the glossary").toBeGreaterThanOrEqual(chinese.length * 3);
        expect(outside, "pages tried to load from the network").toEqual([]);
      } finally {
        await browser.close();
      }
    },
    10 * 60_000
  );
});

// A rebuild of the same commit gives the same bytes: the build date comes from
// SOURCE_DATE_EPOCH and nothing else in the site depends on when or where it ran.
describe("static site rebuild", () => {
  it(
    "with the same SOURCE_DATE_EPOCH, two builds are byte-identical",
    () => {
      const env = { ...process.env, SOURCE_DATE_EPOCH: "1700000000" };
      const dirs = ["site-rebuild-a", "site-rebuild-b"].map((d) => path.join(root, "test-output", d));
      for (const dir of dirs) {
        const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-site.mjs"), "--out", dir], { cwd: root, env, encoding: "utf8" });
        expect(build.status, `build-site failed:\n${build.stdout}${build.stderr}`).toBe(0);
      }
      const files = (dir: string): string[] =>
        (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
      const [a, b] = dirs;
      expect(files(b)).toEqual(files(a));
      const differing = files(a).filter((f) => !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
      expect(differing, "files that differ between two builds").toEqual([]);
      expect(fs.readFileSync(path.join(a, "index.html"), "utf8")).toContain("2023-11-14T22:13:20Z");
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    },
    // Two site builds in subprocesses, not a speed assertion.
    5 * 60_000
  );
});
