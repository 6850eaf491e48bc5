// The static site must open from disk: scripts/build-site.mjs writes the
// lesson pages with the nbconvert template scripts/nbconvert/kil-lab (nbconvert's
// lab template without its CDN/system scripts) and refuses pages that would
// still load anything from outside the site.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-ignore: a plain JavaScript module without type declarations
import { buildDate, escapeHtml, externalReferences, notebookTitle } from "../../scripts/build-site.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kil-site-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const page = `<!DOCTYPE html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
<script type="text/javascript" src='//cdn.example.org/x.js'></script>
<link rel="stylesheet" href="http://fonts.example.org/css?family=Roboto">
<link rel="icon" href="data:image/png;base64,AAAA">
<script src="local.js"></script>
<style>.a { background: url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'/%3e") }</style>
</head><body><a href="https://kubernetes.io/">a link is not a load</a></body></html>`;

const hasNbconvert = spawnSync("jupyter", ["nbconvert", "--version"]).status === 0;

describe("build-site", () => {
  it("finds every external load in an nbconvert page", () => {
    const refs = externalReferences(page);
    expect(refs).toHaveLength(4);
    expect(refs.join("\n")).toContain("cdnjs.cloudflare.com");
    expect(refs.join("\n")).toContain("file:///usr/share/javascript/mathjax");
    expect(refs.join("\n")).toContain("//cdn.example.org");
    expect(refs.join("\n")).toContain("fonts.example.org");
  });

  it("does not count local and data: assets or plain links as loads", () => {
    expect(externalReferences('<script src="local.js"></script><link rel="icon" href="data:image/png;base64,AAAA">')).toEqual([]);
    expect(externalReferences('<a href="https://kubernetes.io/">a link</a>')).toEqual([]);
  });

  it("flags CSS imports and url() from the network", () => {
    expect(externalReferences('<style>@import url("https://x.example/a.css");</style>')).toHaveLength(2);
    expect(externalReferences("<style>.b { background: url(http://x.example/b.png) }</style>")).toHaveLength(1);
    expect(externalReferences('<img src="https://x.example/c.png">')).toHaveLength(1);
  });

  it("titles a notebook by its first markdown heading", () => {
    const nb = { cells: [{ cell_type: "code", source: "# not this" }, { cell_type: "markdown", source: ["intro\n", "# 00 · `Setup` check\n"] }] };
    expect(notebookTitle(nb, "fallback")).toBe("00 · Setup check");
    expect(notebookTitle({ cells: [] }, "fallback")).toBe("fallback");
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("dates the site by SOURCE_DATE_EPOCH when it is set", () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = "1700000000";
      expect(buildDate()).toBe("2023-11-14T22:13:20Z");
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });

  it.runIf(hasNbconvert)("writes a lesson page with the kil-lab template: lab's page, no script from outside", () => {
    // Widgets metadata and a formula: the lab template would add the widgets manager and MathJax for them.
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { widgets: { "application/vnd.jupyter.widget-state+json": { state: {}, version_major: 2, version_minor: 0 } } },
      cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: "# A page\n\nA share $1/n$ of connections." }],
    };
    fs.writeFileSync(path.join(work, "page.ipynb"), JSON.stringify(notebook));
    const convert = (template: string[]) =>
      spawnSync("jupyter", ["nbconvert", "--to", "html", ...template, "--output-dir", work, "--output", template.at(-1)!, path.join(work, "page.ipynb")], {
        encoding: "utf8",
      });
    const lab = convert(["--template", "lab"]);
    expect(lab.status, lab.stderr).toBe(0);
    const ours = convert([`--TemplateExporter.extra_template_basedirs=${path.join(root, "scripts", "nbconvert")}`, "--template", "kil-lab"]);
    expect(ours.status, ours.stderr).toBe(0);
    const labPage = fs.readFileSync(path.join(work, "lab.html"), "utf8");
    const ourPage = fs.readFileSync(path.join(work, "kil-lab.html"), "utf8");
    // The lab template alone loads from outside; ours does not, and has no script to run
    // (the widget state stays, as JSON data).
    expect(externalReferences(labPage).length).toBeGreaterThan(0);
    expect(labPage).toContain("@jupyter-widgets/html-manager");
    expect(externalReferences(ourPage)).toEqual([]);
    expect(ourPage).not.toMatch(/<script\b(?![^>]*type="application\/[^"]*json")/i);
    expect(ourPage).not.toContain("html-manager");
    // Still the lab page: its stylesheet and cell markup.
    expect(ourPage).toContain("jp-Notebook");
    expect(ourPage).toContain("jp-RenderedHTMLCommon");
    expect(ourPage).toContain("A share $1/n$ of connections.");
    // Two nbconvert runs in subprocesses, not a speed assertion.
  }, 120_000);
});
