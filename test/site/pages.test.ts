// What the site build adds to the lessons: the series on the index, the navigation, glossary
// links on a term's first use, formulas rendered, search over the prose. On small pages here;
// test/notebooks.test.ts checks the whole built site in a browser.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
// @ts-ignore: plain JavaScript modules without type declarations
import { linkTerms, glossaryBody, readGlossary } from "../../scripts/site/glossary.mjs";
// @ts-ignore
import { renderMath, unrenderedMath } from "../../scripts/site/math.mjs";
// @ts-ignore
import { lessonNav } from "../../scripts/site/nav.mjs";
// @ts-ignore
import { lessonMinutes, lessonQuestion, readSeries } from "../../scripts/site/series.mjs";
// @ts-ignore
import { pageSections, searchIndexScript } from "../../scripts/site/search.mjs";
// @ts-ignore
import { finishLessonPage } from "../../scripts/site/pages.mjs";
import { root } from "../views/support.js";

const terms = [
  { id: "dnat", term: "DNAT", forms: ["DNAT"], definition: "d" },
  { id: "chain", term: "chain", forms: ["chains", "chain"], definition: "c" },
  { id: "session-affinity", term: "session affinity", forms: ["session affinity", "affinity"], definition: "s" },
];

const page = (body: string) => parseHTML(`<!DOCTYPE html><html><head></head><body>${body}</body></html>`).document;

describe("glossary links", () => {
  it("link only the first use of each term, in prose, never in code, headings or links", () => {
    const document = page(`<div class="md"><h2>DNAT and chains</h2><p>A <code>DNAT</code> rule, then <a href="x">DNAT</a> and DNAT again; the Chain and chains.</p><p>Session affinity, then affinity, then DNAT.</p></div>`);
    const linked = linkTerms(document, [document.querySelector(".md")], terms);
    expect(linked.sort()).toEqual(["chain", "dnat", "session-affinity"]);
    const html = document.querySelector(".md")!.innerHTML;
    expect(html).toContain(`<h2>DNAT and chains</h2>`);
    expect(html).toContain(`<code>DNAT</code> rule, then <a href="x">DNAT</a> and <a class="kil-term" href="glossary.html#dnat">DNAT</a> again; the <a class="kil-term" href="glossary.html#chain">Chain</a> and chains.`);
    expect(html).toContain(`<a class="kil-term" href="glossary.html#session-affinity">Session affinity</a>, then affinity, then DNAT.`);
  });

  it("find a term split by a character reference, and keep words inside other words alone", () => {
    const document = page(`<div class="md"><p>subchain DNAT&amp;SNAT chain-like</p></div>`);
    linkTerms(document, [document.querySelector(".md")], terms);
    const html = document.querySelector(".md")!.innerHTML;
    expect(html).toContain(`subchain <a class="kil-term" href="glossary.html#dnat">DNAT</a>&amp;SNAT chain-like`);
  });

  it("has an entry, with an anchor, for every term of notebooks/glossary.json, and escapes it", () => {
    const all = readGlossary(root) as { id: string }[];
    const body = glossaryBody(all);
    for (const t of all) expect(body).toContain(`<dt id="${t.id}">`);
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(glossaryBody([{ id: "x", term: "<b>", forms: [], definition: "a `-j <X>` b" }])).toContain("<dd>a <code>-j &lt;X&gt;</code> b</dd>");
  });
});

describe("formulas", () => {
  it("render $$…$$, \\(…\\) and $…$ as MathML, and leave code and prices alone", () => {
    const document = page(`<div class="md">$$\\text{mark} \\oplus \\text{VALUE}$$<p>and \\(a \\&amp; b\\) and $x^2$ but $5 or $6 and <code>$$kept$$</code></p></div>`);
    expect(renderMath(document, [document.querySelector(".md")])).toBe(3);
    const md = document.querySelector(".md")!;
    expect(md.querySelectorAll("math").length).toBe(3);
    expect(md.querySelectorAll('math[display="block"]').length).toBe(1);
    expect(md.innerHTML).toContain("but $5 or $6 and <code>$$kept$$</code>");
    expect(unrenderedMath(document)).toEqual([]);
    expect(unrenderedMath(page("<p>a $$ b</p>"))).toHaveLength(1);
  });
});

describe("the series and its navigation", () => {
  const series = readSeries(root);

  it("lists every lesson with what it answers, what it needs and a length", () => {
    const files = fs.readdirSync(path.join(root, "notebooks")).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
    expect(series.map((l: { file: string }) => l.file)).toEqual(files);
    for (const l of series) {
      expect(l.answers.length, l.file).toBeGreaterThan(10);
      expect(l.needs.length, l.file).toBeGreaterThan(0);
      expect(l.minutes % 5, l.file).toBe(0);
    }
  });

  it("reads a lesson's question and estimates its length from words and cells", () => {
    const nb = { cells: [{ cell_type: "markdown", source: ["# T\n", "**Question.** Why `this`?\n"] }, { cell_type: "code", source: "x" }] };
    expect(lessonQuestion(nb)).toBe("Why this?");
    expect(lessonMinutes(nb)).toBe(5);
    const long = { cells: [{ cell_type: "markdown", source: "word ".repeat(2000) }, ...Array(5).fill({ cell_type: "code", source: "x" })] };
    expect(lessonMinutes(long)).toBe(30);
  });

  it("places each lesson in the series with the lessons before and after it", () => {
    const first = lessonNav(series[0], series, [], "top");
    expect(first).toContain(`Lesson ${series[0].number}, 1 of ${series.length}`);
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain(`<a href="${series[1].page}" rel="next">`);
    const last = lessonNav(series[series.length - 1], series, [{ label: "<x>", href: "explore.html#v=1&a=b" }], "top");
    expect(last).not.toContain('rel="next"');
    expect(last).toContain(`<a href="explore.html#v=1&amp;a=b">&lt;x&gt;</a>`);
    expect(lessonNav(series[1], series, [], "bottom")).not.toContain("<form");
  });
});

describe("search", () => {
  it("indexes a page's prose by section, with the headings' anchors", () => {
    const document = page(`<div class="jp-MarkdownOutput"><h1 id="t">Title</h1><p>intro text</p><h2 id="a-b">A b</h2><p>more <code>KUBE-SEP</code> 中文</p></div><div class="jp-MarkdownOutput"><p>tail</p></div>`);
    expect(pageSections(document, "p.html", "Title")).toEqual([
      { page: "p.html", anchor: "t", heading: "Title", text: "intro text" },
      { page: "p.html", anchor: "a-b", heading: "A b", text: "more KUBE-SEP 中文 tail" },
    ]);
  });

  it("writes the index as a classic script that nothing in the prose can end early", () => {
    const script = searchIndexScript([{ page: "p.html", anchor: "", heading: "h", text: "</script><script>alert(1)</script>\u2028" }], [{ page: "p.html", title: "P" }]);
    expect(script).not.toContain("</script>");
    expect(script).toContain("\\u003c/script>");
    const sandbox: { window: { KIL_SEARCH?: { sections: { t: string }[] } } } = { window: {} };
    new Function("window", script)(sandbox.window);
    expect(sandbox.window.KIL_SEARCH!.sections[0].t).toBe("</script><script>alert(1)</script>\u2028");
  });
});

describe("a finished lesson page", () => {
  it("gets its language, stylesheet, navigation, terms, formulas and keyboard-reachable views", () => {
    const series = readSeries(root);
    const check = `<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><pre>show(exerciseHtml(checkAnswer(mine, 2, { why: "the answer", hint: "h" })));</pre></div><div class="jp-Cell-outputWrapper">hint</div></div>`;
    const html = `<!DOCTYPE html><html><head><script type="text/x-mathjax-config">x</script></head><body><main><div class="jp-MarkdownOutput"><h1 id="t">T</h1><p>A DNAT rule: $a \\oplus b$.</p></div><div class="kil-view"><div class="kil-title">Marks</div></div><svg><g aria-label="bars"></g></svg>${check}<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><pre>other code</pre></div></div></main></body></html>`;
    const done = finishLessonPage(html, { lesson: series[4], series, caseLinks: [{ label: "case", href: "explore.html#v=1" }], terms });
    const { document } = parseHTML(done.html);
    expect(document.documentElement.getAttribute("lang")).toBe("en");
    expect(document.querySelectorAll("script").length).toBe(0);
    expect(document.querySelector('link[href="site.css"]')).not.toBeNull();
    expect(document.querySelectorAll("nav.kil-site-nav").length).toBe(2);
    expect(document.querySelector(".kil-try a")!.getAttribute("href")).toBe("explore.html#v=1");
    expect(done.linked).toEqual(["dnat"]);
    expect(done.formulas).toBe(1);
    expect(done.leftoverMath).toEqual([]);
    expect(document.querySelector(".kil-view")!.getAttribute("tabindex")).toBe("0");
    expect(document.querySelector(".kil-view")!.getAttribute("aria-label")).toBe("Marks");
    expect(document.querySelector("g")!.getAttribute("role")).toBe("group");
    expect(done.sections).toHaveLength(1);
    // The check's code holds the answer: folded, closed; other code stays as it is.
    const folded = document.querySelectorAll(".jp-Cell-inputWrapper > details.kil-check-code");
    expect(folded).toHaveLength(1);
    expect(folded[0].hasAttribute("open")).toBe(false);
    expect(folded[0].textContent).toContain("the answer");
    expect(document.querySelectorAll(".jp-Cell-inputWrapper")[1].innerHTML).toBe("<pre>other code</pre>");
  });
});
