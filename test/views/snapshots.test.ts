// Every view of the gallery, byte for byte: a change to a chart or table shows up here as a
// reviewable diff, one tag per line (update with `npx vitest run test/views -u` after checking
// the new rendering in a browser, e.g. test/views/browser.test.ts's screenshots).
// The stylesheet every view carries is snapshotted once (views.css) and each view's own
// snapshot shows it as a placeholder, so a style change is one diff, not twenty.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gallery } from "./gallery.js";

const snapshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "__snapshots__", "gallery");
const views = gallery();

/** The file name of a view's snapshot: its gallery name in lower-case words joined by "-". */
const fileName = (name: string) => `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.html`;

const styleBlock = /^<div class="kil-view[^"]*"><style>([\s\S]*?)<\/style>/;
const sharedStyle = styleBlock.exec(views[0].html)?.[1] ?? "";

/** One tag per line, with the shared stylesheet replaced by a placeholder. */
function readable(html: string): string {
  const withoutStyle = html.replace(styleBlock, (all, css: string) => (css === sharedStyle ? all.replace(css, "/* views.css */") : all));
  return withoutStyle.replace(/></g, ">\n<") + "\n";
}

describe("gallery snapshots", () => {
  it("the views' shared stylesheet", async () => {
    expect(sharedStyle.length).toBeGreaterThan(0);
    await expect(`${sharedStyle}\n`).toMatchFileSnapshot("./__snapshots__/gallery/views.css");
  });

  it.each(views.map((v) => [v.name, v] as const))("%s", async (_name, view) => {
    const text = readable(view.html);
    // Line breaks, so a diff points at the changed element rather than one long line.
    expect(text.split("\n").length).toBeGreaterThan(3);
    await expect(text).toMatchFileSnapshot(`./__snapshots__/gallery/${fileName(view.name)}`);
  });

  it("every gallery view has its own snapshot file, and no snapshot is left without a view", () => {
    const names = views.map((v) => fileName(v.name));
    expect(new Set(names).size, "two gallery names give the same file name").toBe(names.length);
    const files = fs.readdirSync(snapshotDir).filter((f) => f.endsWith(".html")).sort();
    // A new view's snapshot is written at the end of its first run: run the file again (locally) to see this pass.
    expect(files, "snapshot files in test/views/__snapshots__/gallery/ against the gallery's views").toEqual([...names].sort());
  });
});
