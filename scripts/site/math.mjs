// Formulas written in a lesson's markdown ($$…$$, \[…\], \(…\), $…$) are
// rendered when the site is built, as MathML (which browsers draw without
// fonts or scripts), so no math renderer has to come from the network.

import katex from "katex";
import { replaceInProse } from "./prose.mjs";

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
  replaceInProse(document, roots, SKIP, (data) => {
    const m = FORMULA.exec(data);
    if (!m) return null;
    const display = m[1] !== undefined || m[2] !== undefined;
    const tex = m[1] ?? m[2] ?? m[3] ?? m[4];
    // A span in both cases: display math often sits inside a <p>, where a <div> is not allowed.
    const holder = document.createElement("span");
    holder.setAttribute("class", display ? "kil-math kil-math-display" : "kil-math");
    holder.innerHTML = formulaMathml(tex.trim(), display);
    count++;
    return { index: m.index, length: m[0].length, node: holder };
  });
  return count;
}

/** What in a page (DOM) still looks like unrendered math: `$$`, `\(` or `\[` in its prose (code and the formulas' TeX annotations aside). */
export function unrenderedMath(document) {
  const body = document.body.cloneNode(true);
  for (const e of body.querySelectorAll("annotation, code, pre, script, style, textarea")) e.remove();
  const text = body.textContent ?? "";
  return [...text.matchAll(/\$\$|\\\(|\\\[/g)].map((m) => text.slice(Math.max(0, m.index - 30), m.index + 40));
}
