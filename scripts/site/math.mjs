// Formulas written in a lesson's markdown ($$…$$, \[…\], \(…\), $…$) are
// rendered when the site is built, as MathML (which browsers draw without
// fonts or scripts), so no math renderer has to come from the network.

import katex from "katex";

const SKIP = new Set(["CODE", "PRE", "KBD", "SCRIPT", "STYLE", "MATH", "SVG"]);
// Display forms first; inline $…$ needs a non-space after the opening and before the closing dollar (so "$5 and $6" is not math).
const FORMULA = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])/;

/** Render one formula as MathML; a formula KaTeX cannot read fails the build with its text. */
export function formulaMathml(tex, display) {
  return katex.renderToString(tex, { output: "mathml", displayMode: display, throwOnError: true, strict: "error" });
}

/** Replace every formula in the prose under `roots` by its MathML; returns how many were rendered. */
export function renderMath(document, roots) {
  let count = 0;
  const visit = (node) => {
    if (node.nodeType === 1) {
      if (SKIP.has(node.tagName.toUpperCase())) return;
      for (const child of [...node.childNodes]) visit(child);
      return;
    }
    // A text node already joined to the one before it is no longer in the page.
    if (node.nodeType !== 3 || !node.parentNode) return;
    mergeFollowingText(node);
    let text = node;
    for (;;) {
      const m = FORMULA.exec(text.data);
      if (!m) return;
      const display = m[1] !== undefined || m[2] !== undefined;
      const tex = m[1] ?? m[2] ?? m[3] ?? m[4];
      // A span in both cases: display math often sits inside a <p>, where a <div> is not allowed.
      const holder = document.createElement("span");
      holder.setAttribute("class", display ? "kil-math kil-math-display" : "kil-math");
      holder.innerHTML = formulaMathml(tex.trim(), display);
      const rest = document.createTextNode(text.data.slice(m.index + m[0].length));
      text.data = text.data.slice(0, m.index);
      text.parentNode.insertBefore(holder, text.nextSibling);
      holder.parentNode.insertBefore(rest, holder.nextSibling);
      count++;
      text = rest;
    }
  };
  for (const root of roots) visit(root);
  return count;
}

/** What in a page (DOM) still looks like unrendered math: `$$`, `\(` or `\[` in its prose (code and the formulas' TeX annotations aside). */
export function unrenderedMath(document) {
  const body = document.body.cloneNode(true);
  for (const e of body.querySelectorAll("annotation, code, pre, script, style, textarea")) e.remove();
  const text = body.textContent ?? "";
  return [...text.matchAll(/\$\$|\\\(|\\\[/g)].map((m) => text.slice(Math.max(0, m.index - 30), m.index + 40));
}

/** The HTML parser can split one run of text at character references (`&amp;`): join it again, so a formula or a term is found whole. */
function mergeFollowingText(node) {
  while (node.nextSibling && node.nextSibling.nodeType === 3) {
    node.data += node.nextSibling.data;
    node.nextSibling.remove();
  }
}
