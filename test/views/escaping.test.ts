// Text from a dump never becomes markup: hostile comments, names and chain names come out as text.
import { describe, expect, it } from "vitest";
import { parseHTML } from "linkedom";
import { escapeHtml, htmlPage, nodeSankey, serviceSplitGraph, textWidth, truncate } from "../../lib/index.js";
import { gallery } from "./gallery.js";
import { HOSTILE, HOSTILE_CHAIN, HOSTILE_NAME, LONG, hostileDump, hostileServices } from "./support.js";

describe("escapeHtml, truncate", () => {
  it("escapes the five characters that matter in content and quoted attributes", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(escapeHtml("中文 &amp;")).toBe("中文 &amp;amp;");
    expect(escapeHtml(42)).toBe("42");
  });

  it("shortens by character cells, CJK counting two, with a visible ellipsis and whole characters", () => {
    expect(truncate("abcdef", 6)).toBe("abcdef");
    expect(truncate("abcdefg", 6)).toBe("abcde…");
    expect(textWidth("中文ab")).toBe(6);
    expect(truncate("中文中文中文", 6)).toBe("中文…");
    expect(truncate("a😀b😀c😀d", 5)).toBe("a😀b😀…");
  });
});

describe("hostile dump", () => {
  const views = gallery().filter((v) => v.name.startsWith("hostile"));

  it("the dump really carries the hostile text into Service names and chain names", () => {
    expect(hostileServices).toHaveLength(1);
    expect(hostileServices[0].id).toBe(HOSTILE_NAME);
    expect(hostileServices[0].chain).toBe(HOSTILE_CHAIN);
    expect(hostileDump.tables[0].chains.find((c) => c.name === "PREROUTING")!.rules[0].raw).toContain("<script>");
  });

  // What each view must show, as text, of the hostile input.
  const expected: Record<string, string[]> = {
    "hostile split": [HOSTILE_NAME.slice(0, 20), HOSTILE_CHAIN],
    "hostile node": [HOSTILE_CHAIN, "ns<b>"],
    "hostile trace": [HOSTILE_CHAIN],
    "hostile catalog": [HOSTILE_NAME.slice(0, -3), HOSTILE_CHAIN],
    "hostile endpoints": [HOSTILE_NAME],
    "hostile rule path": [HOSTILE, HOSTILE_CHAIN],
    "hostile decisions": ["</td><script>window.__pwned=4</script> & 中文"],
    "hostile source rewrite": ["</text><script>window.__pwned=5</script> & 中文"],
  };

  for (const v of views) {
    it(`${v.name}: no markup from the dump survives, the text does`, () => {
      const { document } = parseHTML(`<!doctype html><html><body>${v.html}</body></html>`);
      expect(document.querySelectorAll("script, img, i, b, table table td > b").length).toBe(0);
      expect(v.html).not.toMatch(/<script|<img|<b>|<i>|<\/table><script/i);
      // The hostile text is there, as text, character for character (the rule path shows it with iptables-save's backslashes).
      const text = (document.body.textContent ?? "").replace(/\\(["'\\])/g, "$1");
      for (const want of expected[v.name]) expect(text).toContain(want);
      expect(text).toMatch(/中文/);
    });
  }

  it("the rule path shows the exact comment, quotes and all", () => {
    const html = views.find((v) => v.name === "hostile rule path")!.html;
    const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
    expect(document.body.textContent).toContain(`--comment "</table><script>window.__pwned=1</script><img src=x onerror=\\"window.__pwned=2\\"> & \\"quoted\\" \\'single\\' 中文注释"`);
    expect(HOSTILE).toContain("中文注释");
  });

  it("long labels are cut with an ellipsis and the full text stays in a <title>", () => {
    const long = { ...hostileServices[0], name: LONG, namespace: "ns" };
    const html = nodeSankey([long], { labelLength: 30 });
    const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
    const texts = [...document.querySelectorAll("svg text")];
    const cut = texts.find((t) => (t.textContent ?? "").includes("= ns/very-long-comment"))!;
    expect(cut.textContent).toContain("…");
    expect(cut.querySelector("title")!.textContent).toContain(`= ns/${LONG}:p<i>`);
    expect(html).toContain("中文结尾");
  });

  it("a page title and the graph's own ids are escaped too", () => {
    const page = htmlPage(`</title><script>window.__pwned=5</script>`, []);
    expect(page).not.toContain("<script>");
    const g = serviceSplitGraph(hostileServices[0], hostileDump);
    expect(g.nodes.some((n) => n.id.includes("<b>"))).toBe(true);
  });
});
