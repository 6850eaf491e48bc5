// The site's Chinese edition, on small pages: terms found in Chinese prose (no spaces between
// words), the glossary in both languages, the index and navigation in Chinese with the switch
// to the other language, and search finding Chinese words. test/notebooks.test.ts opens both
// built editions in a browser.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
// @ts-ignore: plain JavaScript modules without type declarations
import { caseLinks, readCaseLabels, readLessonCases } from "../../scripts/build-site.mjs";
// @ts-ignore
import { editionOf, languageSwitch, pageHref } from "../../scripts/site/editions.mjs";
// @ts-ignore
import { glossaryBody, glossarySections, linkTerms, readGlossary, termsIn } from "../../scripts/site/glossary.mjs";
// @ts-ignore
import { lessonNav } from "../../scripts/site/nav.mjs";
// @ts-ignore
import { indexBody, sitePage } from "../../scripts/site/pages-extra.mjs";
// @ts-ignore
import { finishLessonPage } from "../../scripts/site/pages.mjs";
// @ts-ignore
import { searchBody } from "../../scripts/site/search.mjs";
// @ts-ignore
import { lessonMinutes, lessonQuestion, readSeries } from "../../scripts/site/series.mjs";
import { root } from "../views/support.js";

const zh = editionOf("zh-CN");
const en = editionOf("en");
const page = (body: string) => parseHTML(`<!DOCTYPE html><html><head></head><body>${body}</body></html>`).document;

interface Term {
  id: string;
  term: string;
  forms: string[];
  definition: string;
  "zh-CN"?: { term: string; forms: string[]; definition: string; notIn?: string[] };
}
const glossary = readGlossary(root) as Term[];
const chineseTerms = termsIn(glossary, "zh-CN");

/** The terms linked in a paragraph of Chinese prose, and the paragraph's HTML after. */
function linkChinese(html: string) {
  const document = page(`<div class="md">${html}</div>`);
  const ids = linkTerms(document, [document.querySelector(".md")], chineseTerms);
  return { ids, html: document.querySelector(".md")!.innerHTML };
}

describe("the glossary in Chinese", () => {
  it("gives every term a Chinese term, forms and a definition in full-width punctuation", () => {
    for (const t of glossary) {
      const local = t["zh-CN"];
      expect(local, t.id).toBeDefined();
      expect(local!.term.length, t.id).toBeGreaterThan(0);
      expect(local!.forms.length, t.id).toBeGreaterThan(0);
      expect(local!.definition, t.id).toMatch(/\p{Script=Han}/u);
      // Prose punctuation is full-width (，。：；), code and numbers aside.
      expect(local!.definition.replace(/`[^`]*`/g, ""), t.id).not.toMatch(/\p{Script=Han}[,.:;]/u);
      // A single Chinese character is a piece of too many words unless the words it must not be taken from are listed.
      for (const f of local!.forms) if (/^\p{Script=Han}$/u.test(f)) expect(local!.notIn?.length, `${t.id}: ${f}`).toBeGreaterThan(0);
    }
  });

  it("links a term's first use inside Chinese text, with no spaces around it, and never in code", () => {
    const { ids, html } = linkChinese(`<p><code>KUBE-SVC-X</code> 链把连接交给端点，端点再由目的地址转换（DNAT）改写；连接跟踪记下这一切。</p>`);
    expect(ids).toEqual(["chain", "endpoint", "dnat", "conntrack"]);
    expect(html).toContain(`<code>KUBE-SVC-X</code> <a class="kil-term" href="glossary.html#chain">链</a>把连接交给<a class="kil-term" href="glossary.html#endpoint">端点</a>，端点再由<a class="kil-term" href="glossary.html#dnat">目的地址转换</a>（DNAT）改写；<a class="kil-term" href="glossary.html#conntrack">连接跟踪</a>记下这一切。`);
  });

  it("does not take a term out of a longer word it is part of", () => {
    const { ids, html } = linkChinese(`<p>点这个链接，看链路层；后面的自定义链才是链。</p>`);
    expect(ids).toEqual(["chain"]);
    expect(html).toBe(`<p>点这个链接，看链路层；后面的<a class="kil-term" href="glossary.html#chain">自定义链</a>才是链。</p>`);
  });

  it("finds a Chinese form with or without the space between Latin and Chinese, and bounds Latin words by Latin letters only", () => {
    expect(linkChinese(`<p>nat表里</p>`).html).toContain(`<a class="kil-term" href="glossary.html#table">nat表</a>里`);
    expect(linkChinese(`<p>在 nat 表里</p>`).html).toContain(`<a class="kil-term" href="glossary.html#table">nat 表</a>里`);
    // "Service" right after a Chinese character is a word; inside "ServiceAccount" it is not.
    expect(linkChinese(`<p>每个ServiceAccount和每个Service</p>`).html).toBe(`<p>每个ServiceAccount和每个<a class="kil-term" href="glossary.html#service">Service</a></p>`);
  });

  it("shows each entry with the term in the other language beside it, in both glossaries", () => {
    const body = glossaryBody(chineseTerms, zh);
    expect(body).toContain(`<h1>术语表</h1>`);
    expect(body).toContain(`<dt id="chain">链 <span class="kil-term-other" lang="en">chain</span></dt>`);
    // The same word in both languages is not repeated.
    expect(body).toContain(`<dt id="service">Service</dt>`);
    const english = glossaryBody(termsIn(glossary, "en"), en);
    expect(english).toContain(`<dt id="chain">chain <span class="kil-term-other" lang="zh-CN">链</span></dt>`);
    for (const t of glossary) expect(body).toContain(`<dt id="${t.id}">`);
  });

  it("keeps a term not yet translated in English, marked as such, and links nothing with it", () => {
    const [t] = termsIn([{ id: "x", term: "thing", forms: ["thing"], definition: "a `b`" }], "zh-CN");
    expect(t.forms).toEqual([]);
    expect(glossaryBody([t], zh)).toContain(`<dt id="x"><span lang="en">thing</span></dt>\n<dd lang="en">a <code>b</code></dd>`);
  });

  it("makes its entries searchable, with both terms in the heading", () => {
    const sections = glossarySections(chineseTerms);
    expect(sections.find((s: { anchor: string }) => s.anchor === "masquerade")).toMatchObject({ page: "glossary.html", heading: "地址伪装 (MASQUERADE)" });
  });
});

describe("the Chinese series and its navigation", () => {
  const series = readSeries(root, "zh-CN");

  it("says of every lesson, in Chinese, what it answers and what it needs (notebooks/series.json)", () => {
    expect(series.map((l: { file: string }) => l.file)).toEqual(readSeries(root).map((l: { file: string }) => l.file));
    for (const l of series) {
      expect(l.answers, l.file).toMatch(/\p{Script=Han}/u);
      expect(l.needs, l.file).toMatch(/\p{Script=Han}/u);
      expect(l.translated, l.file).toBe(fs.existsSync(path.join(root, "notebooks", "zh-CN", l.file)));
    }
  });

  it("reads a Chinese lesson's question, and counts two Chinese characters as a word for its length", () => {
    expect(lessonQuestion({ cells: [{ cell_type: "markdown", source: "# 标题\n\n**问题。** 数据包经过哪些`链`？\n" }] })).toBe("数据包经过哪些链？");
    const long = { cells: [{ cell_type: "markdown", source: "链".repeat(4000) }, ...Array(5).fill({ cell_type: "code", source: "x" })] };
    expect(lessonMinutes(long)).toBe(30);
  });

  const lessons = [0, 1, 2, 3].map((index) => ({ index, number: `0${index}`, name: `0${index}-x`, page: `0${index}-x.html`, title: `第 ${index} 课`, translated: index !== 2 }));

  it("places a lesson in the series in Chinese, skips lessons without a page, and switches to the same lesson in English", () => {
    const html = lessonNav(lessons[1], lessons, [{ label: "outside → ClusterIP", lang: "en", href: "../explore.html#v=1" }], "top", {
      edition: zh,
      hasPage: (l: { translated: boolean }) => l.translated,
      explorer: "../explore.html",
      languageSwitch: languageSwitch(zh, pageHref(zh, en, "01-x.html")),
    });
    expect(html).toContain(`<span class="kil-place">第 01 课（全系列 4 课中的第 2 课）</span>`);
    expect(html).toContain(`<a href="00-x.html" rel="prev">`);
    expect(html).toContain(`<a href="03-x.html" rel="next">`);
    expect(html).toContain(`<a class="kil-lang" href="../01-x.html" hreflang="en" lang="en" rel="alternate">English</a>`);
    expect(html).toContain(`<a href="../explore.html">探索器</a>`);
    expect(html).toContain(`<a href="../explore.html#v=1" lang="en">outside → ClusterIP</a>`);
    expect(html).toContain(`<label for="kil-q-top">搜索课程</label>`);
  });

  it("labels the explorer's cases in Chinese on Chinese pages, and keeps an English label it has no translation for, marked as English", () => {
    const cases = { "04-x": [
      { label: "outside client → wordpress ClusterIP", dump: "wordpress", src: "172.16.1.100", dst: "10.254.42.62", dport: 80 },
      { label: "a case nobody translated", dump: "wordpress", src: "172.16.1.100", dst: "10.254.0.1", dport: 443 },
    ] };
    const links = caseLinks(cases, "04-x", { explorer: "../explore.html", lang: "zh-CN", labels: readCaseLabels("zh-CN") });
    expect(links.map((l: { label: string; lang?: string }) => [l.label, l.lang])).toEqual([
      ["集群外的客户端 → wordpress 的 ClusterIP", undefined],
      ["a case nobody translated", "en"],
    ]);
    expect(links[0].href).toMatch(/^\.\.\/explore\.html#v=1&/);
    expect(caseLinks(cases, "04-x")[0]).toMatchObject({ label: "outside client → wordpress ClusterIP", href: expect.stringMatching(/^explore\.html#v=1&/) });
  });

  it("leads an English page whose lesson is not translated to the Chinese index, saying so", () => {
    const link = languageSwitch(en, pageHref(en, zh, "index.html"), true);
    expect(link).toBe(`<a class="kil-lang" href="zh-CN/index.html" hreflang="zh-CN" lang="zh-CN">中文版：本课尚未翻译</a>`);
  });

  it("lists every lesson on the Chinese index, linking only those with a page", () => {
    const status = new Map(lessons.map((l) => [`${l.name}.ipynb`, { missing: !l.translated }]));
    const rows = lessons.map((l) => ({ ...l, file: `${l.name}.ipynb`, answers: "问", needs: "无", minutes: 15 }));
    const body = indexBody(rows, status, "2026-01-01T00:00:00Z", { edition: zh, explorer: "../explore.html" });
    expect(body).toContain(`<a href="01-x.html">第 1 课</a>`);
    expect(body).not.toContain(`href="02-x.html"`);
    expect(body).toContain(`<span lang="en">第 2 课</span> <em>（尚未翻译，请先读英文版）</em>`);
    expect(body).toContain(`<td class="num">15 分钟</td>`);
    expect(body).toContain(`<a href="../explore.html"><strong>探索器</strong></a>`);
    const whole = sitePage("t", body, { edition: zh, explorer: "../explore.html", languageSwitch: languageSwitch(zh, pageHref(zh, en, "index.html")), alternate: pageHref(zh, en, "index.html") });
    expect(whole).toContain(`<link rel="alternate" hreflang="en" href="../index.html">`);
    expect(whole).toContain(`<html lang="zh-CN">`);
    expect(whole).toContain(`<link rel="stylesheet" href="../site.css">`);
    expect(whole).toContain(`<a class="kil-lang" href="../index.html" hreflang="en" lang="en" rel="alternate">English</a>`);
  });

  it("finishes a Chinese lesson page: its language, the stylesheet above it, Chinese navigation and terms", () => {
    const html = `<!DOCTYPE html><html><head></head><body><main><div class="jp-MarkdownOutput"><h1 id="t">标题</h1><p>这条规则做目的地址转换：$a \\oplus b$。</p></div><div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><pre>checkAnswer(x, 1)</pre></div></div></main></body></html>`;
    const done = finishLessonPage(html, { lesson: lessons[1], series: lessons, caseLinks: [], terms: chineseTerms, edition: zh, explorer: "../explore.html", languageSwitch: "", alternate: "../01-x.html" });
    const { document } = parseHTML(done.html);
    expect(document.querySelector('link[rel="alternate"][hreflang="en"]')!.getAttribute("href")).toBe("../01-x.html");
    expect(document.documentElement.getAttribute("lang")).toBe("zh-CN");
    expect(document.querySelector('link[rel="stylesheet"]')!.getAttribute("href")).toBe("../site.css");
    expect(done.linked).toEqual(["rule", "dnat"]);
    expect(done.formulas).toBe(1);
    expect(document.querySelector("details.kil-check-code summary")!.textContent).toBe(zh.words.checkCode);
    expect(document.querySelector(".kil-place")!.textContent).toBe("第 01 课（全系列 4 课中的第 2 课）");
  });
});

describe("search in Chinese", () => {
  const script = fs.readFileSync(path.join(root, "scripts", "site", "search.js"), "utf8");
  const index = {
    lessons: { "04-x.html": "04 · 经由 ClusterIP", "glossary.html": "术语表" },
    sections: [
      { p: "04-x.html", a: "a", h: "地址转换", t: "这条规则做目的地址转换，改写目的地址。" },
      { p: "04-x.html", a: "b", h: "标记", t: "标记 0x4000 由 KUBE-MARK-MASQ 设置。" },
      { p: "glossary.html", a: "masquerade", h: "地址伪装 (MASQUERADE)", t: "一种 SNAT。" },
    ],
  };

  /** Run search.js on the Chinese search page for `query`; the status line and the results' links. */
  function search(query: string) {
    const { document, window } = parseHTML(`<!DOCTYPE html><html lang="zh-CN"><body>${searchBody(zh)}</body></html>`);
    new Function("window", "document", "location", "URLSearchParams", script)(
      Object.assign(window, { KIL_SEARCH: index }),
      document,
      { search: `?q=${encodeURIComponent(query)}` },
      URLSearchParams
    );
    return {
      status: document.getElementById("kil-search-status")!.textContent,
      links: [...document.querySelectorAll("#kil-search-results a")].map((a) => a.getAttribute("href")),
    };
  }

  it("finds a Chinese word inside text with no spaces, and says so in Chinese", () => {
    expect(search("地址转换")).toEqual({ status: "“地址转换”：找到 1 个小节。", links: ["04-x.html#a"] });
    expect(search("地址伪装").links).toEqual(["glossary.html#masquerade"]);
    expect(search("0x4000 标记").links).toEqual(["04-x.html#b"]);
  });

  it("splits a Chinese query at its particles, then into pairs of characters, when nothing holds it as written", () => {
    const byParts = search("地址转换的规则");
    expect(byParts.links).toEqual(["04-x.html#a"]);
    expect(byParts.status).toContain(zh.words.searchStatus.loose);
    expect(search("改写地址").links).toEqual(["04-x.html#a"]);
    expect(search("改写地址").status).toContain(zh.words.searchStatus.loose);
    expect(search("改写端口").status).toBe("没有找到“改写端口”。");
  });
});

describe("the explorer's lesson cases in Chinese", () => {
  it("has a Chinese label for every case of every lesson (explorer/lesson-cases.json), so no link falls back to English", () => {
    const labels: Record<string, string> = readCaseLabels("zh-CN");
    const cases = readLessonCases() as Record<string, { label: string }[]>;
    const all = Object.entries(cases).flatMap(([lesson, list]) => list.map((c) => ({ lesson, label: c.label })));
    expect(all.length).toBeGreaterThan(0);
    const untranslated = all.filter((c) => !/[\u4e00-\u9fff]/.test(labels[c.label] ?? ""));
    expect(untranslated).toEqual([]);
  });
});
