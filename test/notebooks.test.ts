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
// the network off: every lesson page renders its tables and diagrams, shows no
// error output, runs no script, sits in the series with its previous and next
// lesson, links its terms to the glossary and its cases to the explorer, shows
// no formula as TeX, and has no serious accessibility problem (axe-core);
// search finds the lessons' words.
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
        for (const other of ["explore.html", "glossary.html", "search.html"]) expect(all, `the index links ${other}`).toContain(other);
        expect(fs.existsSync(path.join(siteDir, "explore.js")), "the explorer is built into the site").toBe(true);
        const links = all.filter((l) => /^\d\d-/.test(l));
        expect(links).toEqual(notebookFiles.map((f) => f.replace(/\.ipynb$/, ".html")));
        // The index says of each lesson what it answers, what it needs and how long it takes.
        const rows = await page.$$eval("table.kil-series tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td as HTMLElement).innerText.trim())));
        expect(rows).toHaveLength(notebookFiles.length);
        for (const r of rows) expect(r[3], `length of ${r[1]}`).toMatch(/^\d+ min$/);
        const cases = JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons as Record<string, unknown[]>;
        const glossary = fs.readFileSync(path.join(siteDir, "glossary.html"), "utf8");
        const axe = fs.readFileSync(path.join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
        const serious = async (name: string) => {
          await page.evaluate(axe);
          const found = await page.evaluate(async () => {
            const run = (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run;
            return (await run(document, { resultTypes: ["violations"], preload: false })).violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join("; ")})`);
          });
          expect(found, `${name}: serious accessibility problems`).toEqual([]);
        };
        await serious("index.html");
        let termLinks = 0;
        for (const [i, link] of links.entries()) {
          await page.goto(`file://${path.join(siteDir, link)}`);
          const found = await page.evaluate(() => ({
            tables: document.querySelectorAll("table").length,
            svgs: document.querySelectorAll("svg path").length,
            errors: document.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-RenderedText[data-mime-type*='error']").length,
            title: document.querySelector("h1")?.textContent ?? "",
            scripts: document.querySelectorAll("script").length,
            lang: document.documentElement.lang,
            place: document.querySelector(".kil-place")?.textContent ?? "",
            prev: document.querySelector("nav.kil-site-nav-top a[rel=prev]")?.getAttribute("href") ?? null,
            next: document.querySelector("nav.kil-site-nav-top a[rel=next]")?.getAttribute("href") ?? null,
            terms: [...document.querySelectorAll("a.kil-term")].map((a) => a.getAttribute("href")!),
            // Exercises: the answer, and the check's code that holds it, are folded until opened.
            exercises: document.querySelectorAll(".kil-exercise").length,
            foldedAnswers: document.querySelectorAll(".kil-exercise details:not([open])").length,
            foldedChecks: document.querySelectorAll("details.kil-check-code:not([open])").length,
            // Prose only: code and the formulas' TeX sources aside, no formula is left as TeX.
            math: (() => {
              const body = document.body.cloneNode(true) as HTMLElement;
              for (const e of body.querySelectorAll("annotation, code, pre, script, style")) e.remove();
              return /\$\$|\\\(|\\\[/.test(body.textContent ?? "");
            })(),
          }));
          expect(found.title, `${link}: no title`).not.toBe("");
          expect(found.tables + found.svgs, `${link}: no table and no diagram`).toBeGreaterThan(0);
          expect(found.errors, `${link}: error output on the page`).toBe(0);
          expect(found.scripts, `${link}: a lesson page runs no script`).toBe(0);
          expect(found.lang).toBe("en");
          expect(found.place, `${link}: its place in the series`).toBe(`Lesson ${link.slice(0, 2)}, ${i + 1} of ${links.length}`);
          expect(found.prev, `${link}: previous lesson`).toBe(links[i - 1] ?? null);
          expect(found.next, `${link}: next lesson`).toBe(links[i + 1] ?? null);
          expect(found.math, `${link}: a formula left as TeX`).toBe(false);
          expect(found.foldedAnswers, `${link}: every exercise keeps its answer folded`).toBe(found.exercises);
          expect(found.foldedChecks, `${link}: every exercise's check code is folded`).toBeGreaterThanOrEqual(found.exercises > 0 ? 1 : 0);
          for (const href of found.terms) expect(glossary, `${link}: ${href} has no entry`).toContain(`<dt id="${href.replace("glossary.html#", "")}">`);
          expect(new Set(found.terms).size, `${link}: a term linked twice`).toBe(found.terms.length);
          termLinks += found.terms.length;
          const tryIt = await page.$$eval("nav a[href^='explore.html#v=1&']", (as) => as.length);
          expect(tryIt, `${link}: its cases are linked to the explorer`).toBe(cases[link.replace(/\.html$/, "")]?.length ?? -1);
          await serious(link);
          await page.screenshot({ path: path.join(siteDir, link.replace(/\.html$/, ".png")) });
        }
        expect(termLinks, "lessons link their terms to the glossary").toBeGreaterThan(links.length * 3);
        await page.goto(`file://${path.join(siteDir, "glossary.html")}`);
        await serious("glossary.html");
        // Search works from disk: a word of the lessons finds its sections, and a result opens its lesson.
        await page.goto(`file://${path.join(siteDir, "search.html")}?q=${encodeURIComponent("KUBE-MARK-MASQ masquerade")}`);
        const results = await page.$$eval("#kil-search-results li a", (as) => as.map((a) => a.getAttribute("href")!));
        expect(results.length, "search results").toBeGreaterThan(2);
        expect(await page.textContent("#kil-search-status")).toMatch(/^\d+ sections? found/);
        await serious("search.html");
        await page.goto(`file://${path.join(siteDir, "search.html")}?q=${encodeURIComponent("no-such-word-anywhere")}`);
        expect(await page.textContent("#kil-search-status")).toContain("Nothing found");
        await page.goto(`file://${path.join(siteDir, results[0])}`);
        expect(await page.evaluate(() => document.querySelector("h1")?.textContent ?? "")).not.toBe("");
        expect(outside, "pages tried to load from the network").toEqual([]);
      } finally {
        await browser.close();
      }
    },
    5 * 60_000
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
