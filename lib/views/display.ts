/**
 * Showing a view: inside a tslab notebook the HTML goes to the cell's
 * output; anywhere else the string is returned, to print, save or embed.
 * The library never imports tslab: it uses the tslab module only when the
 * kernel has already loaded it (or a display object the caller passes).
 */
import { createRequire } from "node:module";
import * as path from "node:path";

/** What `show` needs from a display: tslab's `display` object fits. */
export interface HtmlDisplay {
  html(html: string): void;
}

let cached: HtmlDisplay | null | undefined;

/** tslab's display, when this process is a tslab kernel that has loaded it; `null` otherwise. */
export function tslabDisplay(): HtmlDisplay | null {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve("tslab");
    // Only inside a kernel (its Jupyter module is loaded): requiring tslab elsewhere would load a whole TypeScript compiler.
    if (!require.cache[path.join(path.dirname(main), "jupyter.js")]) {
      cached = null;
      return cached;
    }
    const loaded = require(main) as { display?: HtmlDisplay };
    cached = loaded.display && typeof loaded.display.html === "function" ? loaded.display : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Show a view's HTML in the notebook (tslab) and return nothing there; elsewhere return the HTML.
 * Pass `tslab.display` as `display` when the kernel is not the project's own tslab.
 */
export function show(html: string, display: HtmlDisplay | null = tslabDisplay()): string | undefined {
  if (!display) return html;
  try {
    display.html(html);
    return undefined;
  } catch {
    // tslab's display throws outside a running cell: fall back to the string.
    return html;
  }
}
