// The static site must open from disk: scripts/build-site.mjs removes the
// CDN/system script and stylesheet tags that nbconvert's templates add, and
// refuses pages that would still load anything from outside the site.
import { describe, expect, it } from "vitest";
// @ts-ignore: a plain JavaScript module without type declarations
import { escapeHtml, externalReferences, notebookTitle, stripExternalAssets } from "../../scripts/build-site.mjs";

const page = `<!DOCTYPE html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
<script type="text/javascript" src='//cdn.example.org/x.js'></script>
<link rel="stylesheet" href="http://fonts.example.org/css?family=Roboto">
<link rel="icon" href="data:image/png;base64,AAAA">
<script src="local.js"></script>
<style>.a { background: url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'/%3e") }</style>
<script type="text/x-mathjax-config">init_mathjax = function() {};</script>
</head><body><a href="https://kubernetes.io/">a link is not a load</a></body></html>`;

describe("build-site", () => {
  it("finds every external load in an nbconvert page", () => {
    const refs = externalReferences(page);
    expect(refs).toHaveLength(4);
    expect(refs.join("\n")).toContain("cdnjs.cloudflare.com");
    expect(refs.join("\n")).toContain("file:///usr/share/javascript/mathjax");
    expect(refs.join("\n")).toContain("//cdn.example.org");
    expect(refs.join("\n")).toContain("fonts.example.org");
  });

  it("strips them and keeps local and data: assets, inline scripts and links", () => {
    const stripped = stripExternalAssets(page);
    expect(externalReferences(stripped)).toEqual([]);
    expect(stripped).toContain('<script src="local.js"></script>');
    expect(stripped).toContain('href="data:image/png;base64,AAAA"');
    expect(stripped).toContain("init_mathjax");
    expect(stripped).toContain('<a href="https://kubernetes.io/">');
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
});
