// A lesson page on a 375 px phone, in both languages: its Sankey diagram keeps the size it was
// drawn at, so its labels stay readable, and scrolls sideways in its own box (a named region the
// keyboard reaches); the page itself does not scroll sideways. The page is made as the site makes
// a lesson's: nbconvert's kil-lab template over a notebook holding the diagram lesson 07 shows as
// its output, finished by finishLessonPage, with the site's stylesheet. test/notebooks.test.ts
// walks the whole built site.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceSplitSankey, setLanguage } from "../../lib/index.js";
import { CHROMIUM, SMALLEST_LABEL_PX, figureOnScreen, launch, seriousViolations } from "../explorer/browser.js";
import { heketi, root } from "../views/support.js";
// @ts-ignore: plain JavaScript modules without type declarations
import { convertNotebooks } from "../../scripts/build-site.mjs";
// @ts-ignore
import { editionOf } from "../../scripts/site/editions.mjs";
// @ts-ignore
import { finishLessonPage } from "../../scripts/site/pages.mjs";

const hasNbconvert = spawnSync("jupyter", ["nbconvert", "--version"]).status === 0;
const site = fs.mkdtempSync(path.join(os.tmpdir(), "kil-phone-"));

/** A lesson page of `lang`'s edition in `site`, with lesson 07's split of heketi's connections as a Sankey diagram; returns its path. */
function lessonPage(lang: string): string {
  const edition = editionOf(lang);
  const dir = path.join(site, edition.dir);
  fs.mkdirSync(dir, { recursive: true });
  setLanguage(lang);
  let diagram: string;
  try {
    diagram = serviceSplitSankey(heketi);
  } finally {
    setLanguage("en");
  }
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: "# 07 · Load balancing\n\nThe width of each band is the exact probability." },
      { cell_type: "code", id: "c", metadata: {}, execution_count: null, source: "show(serviceSplitSankey(heketi));", outputs: [{ output_type: "display_data", data: { "text/html": diagram }, metadata: {} }] },
    ],
  };
  const source = path.join(site, `${lang}.ipynb`);
  fs.writeFileSync(source, JSON.stringify(notebook));
  convertNotebooks([source], dir);
  const page = path.join(dir, `${lang}.html`);
  const lesson = { name: "07-load-balancing", page: `${lang}.html`, title: "Load balancing", number: "07", index: 0 };
  const done = finishLessonPage(fs.readFileSync(page, "utf8"), { lesson, series: [lesson], caseLinks: [], terms: [], edition, explorer: "explore.html", languageSwitch: "" });
  fs.writeFileSync(page, done.html);
  return page;
}

describe.runIf(CHROMIUM !== null && hasNbconvert)("a lesson page on a phone", () => {
  let browser: Browser;
  beforeAll(async () => {
    fs.copyFileSync(path.join(root, "scripts", "site", "site.css"), path.join(site, "site.css"));
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(site, { recursive: true, force: true });
  });

  for (const lang of ["en", "zh-CN"]) {
    it(`keeps a Sankey's labels readable at 375 px, the diagram scrolling in its own box and not the page (${lang})`, async () => {
      const file = lessonPage(lang);
      const context = await browser.newContext({ viewport: { width: 375, height: 812 }, offline: true });
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(375);
      const sankey = await figureOnScreen(page, ".kil-sankey");
      expect(sankey.smallestLabelPx).toBeGreaterThanOrEqual(SMALLEST_LABEL_PX);
      expect(sankey).toMatchObject({ boxScrolls: true, boxTabIndex: 0, boxRole: "region" });
      expect(sankey.boxName).not.toBe("");
      await page.locator(".kil-sankey").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(root, "test-output", `phone-lesson-${lang}.png`) });
      await page.focus(".kil-sankey");
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => document.querySelector(".kil-sankey")!.scrollLeft > 0);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
