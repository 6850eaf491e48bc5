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

// The site built from the executed notebooks opens from disk in Chromium with
// the network off: every page renders its tables and diagrams, shows no error
// output, and runs no script.
describe("static site", () => {
  it(
    "opens from disk in headless Chromium with no network, every lesson rendered",
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
        await page.goto(`file://${path.join(siteDir, "index.html")}`);
        const all = await page.$$eval("a[href$='.html']", (as) => as.map((a) => a.getAttribute("href")!));
        expect(all, "the index introduces the explorer").toContain("explore.html");
        expect(fs.existsSync(path.join(siteDir, "explore.js")), "the explorer is built into the site").toBe(true);
        const links = all.filter((l) => l !== "explore.html");
        expect(links.length).toBe(notebookFiles.length);
        const cases = JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons as Record<string, unknown[]>;
        for (const link of links) {
          await page.goto(`file://${path.join(siteDir, link)}`);
          const found = await page.evaluate(() => ({
            tables: document.querySelectorAll("table").length,
            svgs: document.querySelectorAll("svg path").length,
            errors: document.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-RenderedText[data-mime-type*='error']").length,
            title: document.querySelector("h1")?.textContent ?? "",
          }));
          expect(found.title, `${link}: no title`).not.toBe("");
          expect(found.tables + found.svgs, `${link}: no table and no diagram`).toBeGreaterThan(0);
          expect(found.errors, `${link}: error output on the page`).toBe(0);
          const tryIt = await page.$$eval("nav a[href^='explore.html#v=1&']", (as) => as.length);
          expect(tryIt, `${link}: its cases are linked to the explorer`).toBe(cases[link.replace(/\.html$/, "")]?.length ?? -1);
          await page.screenshot({ path: path.join(siteDir, link.replace(/\.html$/, ".png")) });
        }
        expect(outside, "pages tried to load from the network").toEqual([]);
      } finally {
        await browser.close();
      }
    },
    5 * 60_000
  );
});
