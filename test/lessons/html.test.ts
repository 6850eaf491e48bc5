import { describe, expect, it } from "vitest";
import { parseHTML } from "linkedom";
import { dumpLines, lessonTable, preformatted } from "../../lib/lessons/html.js";

const hostile = `</td><script>alert("x")</script><img src=x onerror=alert(1)>`;

function parse(html: string) {
  return parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;
}

describe("lessonTable", () => {
  it("is the views' table: their class, their stylesheet, header, rows and caption", () => {
    const doc = parse(lessonTable(["line", "rule"], [[7, "-A KUBE-SERVICES -j KUBE-NODEPORTS"], [8, { html: "<b>bold</b>" }]], "two rules"));
    expect(doc.querySelector(".kil-view.kil-lesson-table style")).not.toBeNull();
    const table = doc.querySelector("table.kil-table")!;
    expect(table.querySelector("caption")!.textContent).toBe("two rules");
    expect([...table.querySelectorAll("th")].map((th) => th.textContent)).toEqual(["line", "rule"]);
    const cells = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(cells).toEqual([["7", "-A KUBE-SERVICES -j KUBE-NODEPORTS"], ["8", "bold"]]);
    expect(table.querySelector("tbody b")!.textContent).toBe("bold");
  });

  it("escapes text from a dump in cells, header and caption", () => {
    const html = lessonTable([hostile], [[hostile]], hostile);
    const doc = parse(html);
    expect(doc.querySelector("script")).toBeNull();
    expect(doc.querySelector("img")).toBeNull();
    expect(doc.querySelector("td")!.textContent).toBe(hostile);
    expect(doc.querySelector("th")!.textContent).toBe(hostile);
    expect(doc.querySelector("caption")!.textContent).toBe(hostile);
  });
});

describe("dumpLines and preformatted", () => {
  it("show the asked lines with their numbers, marked and escaped", () => {
    const text = ["*nat", `-A X -m comment --comment "${hostile}" -j RETURN`, "COMMIT"].join("\n");
    const doc = parse(dumpLines(text, [2, 3], { highlight: [2], title: hostile }));
    expect(doc.querySelector("script")).toBeNull();
    const pre = doc.querySelector("pre.kil-dump")!;
    expect(pre.textContent).toContain(`   2  -A X -m comment --comment "${hostile}" -j RETURN`);
    expect(pre.textContent).toContain("   3  COMMIT");
    expect(pre.textContent).not.toContain("*nat");
    expect(parse(preformatted(hostile)).querySelector("pre")!.textContent).toBe(hostile);
  });

  it("wrap long lines for narrow columns: one block per line, the gap kept, nothing cut", () => {
    const long = `-A KUBE-SVC-X -m comment --comment "${"a".repeat(300)}" -j KUBE-SEP-Y`;
    const text = ["*nat", long, "COMMIT", ":A - [0:0]", "-A A -j RETURN"].join("\n");
    const pre = parse(dumpLines(text, [2, 5], { wrap: true })).querySelector("pre.kil-dump")!;
    expect(pre.getAttribute("style")).toContain("white-space:pre-wrap");
    const blocks = [...pre.children].map((c) => c.textContent);
    expect(blocks).toEqual([`   2  ${long}`, "   ⋮", "   5  -A A -j RETURN"]);
    expect(parse(dumpLines(text, [2])).querySelector("pre")!.getAttribute("style")).toMatch(/white-space:pre$/);
  });
});
