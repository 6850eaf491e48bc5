// The site's link check (scripts/site/links.mjs), which build-site.mjs runs on every build: a small site with each kind of link.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { brokenLinks } from "../../scripts/site/links.mjs";

const dir = mkdtempSync(join(tmpdir(), "kil-links-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A site of the given files (path inside the site -> text). */
function site(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const search = (sections: { p: string; a: string }[]) => `window.KIL_SEARCH = ${JSON.stringify({ lessons: {}, sections: sections.map((s) => ({ ...s, h: "", t: "" })) })};\n`;

describe("brokenLinks", () => {
  it("accepts links to files and anchors that exist, as written or percent-encoded, and leaves other addresses alone", () => {
    const root = site("good", {
      "index.html": `<link rel="stylesheet" href="site.css"><a href="01-a.html#Setup">1</a> <a href='01-a.html#%C2%B7-dot'>2</a> <a href="zh-CN/index.html">zh</a>
        <a href="explore.html#v=1&amp;dump=wordpress&amp;src=1.2.3.4">case</a> <a href="https://example.org/x">out</a> <img src="data:image/png;base64,AA==">
        <pre><code>&lt;a href="missing.html"&gt;</code></pre>`,
      "01-a.html": `<h2 id="Setup">Setup</h2><h2 id="%C2%B7-dot">·</h2><a href="#Setup">top</a><a href="index.html">index</a>`,
      "zh-CN/index.html": `<h2 id="练习">练习</h2><a href="../index.html">en</a><a href="#%E7%BB%83%E4%B9%A0">练习</a>`,
      "explore.html": "<p>explorer</p>",
      "site.css": "",
      "search-index.js": search([{ p: "01-a.html", a: "Setup" }, { p: "01-a.html", a: "" }]),
      "zh-CN/search-index.js": search([{ p: "index.html", a: "%E7%BB%83%E4%B9%A0" }]),
    });
    expect(brokenLinks(root)).toEqual([]);
  });

  it("names the page, the link and what is missing: a file, an anchor, a search entry's section", () => {
    const root = site("bad", {
      "index.html": `<a href="02-b.html">2</a> <a href="01-a.html#Exercise">ex</a> <a href="#nowhere">here</a> <a href="../../etc/passwd">up</a> <script src="search.js"></script>`,
      "01-a.html": `<h2 id="Setup">Setup</h2>`,
      "zh-CN/01-a.html": `<a href="../zh-CN/02-b.html">next</a>`,
      "search-index.js": search([{ p: "01-a.html", a: "Question" }, { p: "03-c.html", a: "" }]),
    });
    expect(brokenLinks(root).sort()).toEqual([
      'index.html: href="#nowhere": no element with id "nowhere" in index.html',
      'index.html: href="../../etc/passwd": leads out of the site (../../etc/passwd)',
      'index.html: href="01-a.html#Exercise": no element with id "Exercise" in 01-a.html',
      'index.html: href="02-b.html": no file 02-b.html',
      'index.html: src="search.js": no file search.js',
      "search-index.js: the section 01-a.html#Question: no element with id \"Question\" in 01-a.html",
      "search-index.js: the section 03-c.html#: no file 03-c.html",
      'zh-CN/01-a.html: href="../zh-CN/02-b.html": no file zh-CN/02-b.html',
    ]);
  });
});
