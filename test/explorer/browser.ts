// Opening the explorer in headless Chromium from file:// with every network request refused and recorded.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { root } from "../views/support.js";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p)) ?? null;
export const siteDir = path.join(root, "test-output", "explorer", "site");
export const shotDir = path.join(root, "test-output", "explorer");

/** Build the explorer into test-output/explorer/site. */
export async function buildForTest(): Promise<void> {
  // @ts-ignore: a plain JavaScript module without type declarations
  const { buildExplorer } = await import("../../scripts/build-explorer.mjs");
  await buildExplorer(siteDir);
}

export async function launch(): Promise<Browser> {
  if (!CHROMIUM) throw new Error("Chromium is required: apt-get install -y chromium");
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** What a page did that it must not: requests that left the disk, script errors, dialogs, CSP reports. */
export interface Watch {
  requests: string[];
  errors: string[];
  dialogs: string[];
}

/** A new page of the explorer (`file`, below the built site) at `hash`, network off, everything it tries recorded. */
export async function openExplorer(browser: Browser, hash = "", viewport = { width: 1280, height: 900 }, file = "explore.html"): Promise<{ page: Page; watch: Watch }> {
  const context = await browser.newContext({ viewport, offline: true });
  const page = await context.newPage();
  const watch: Watch = { requests: [], errors: [], dialogs: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("blob:") || url.startsWith("data:")) return route.continue();
    watch.requests.push(url);
    return route.abort();
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("file:") && !url.startsWith("blob:") && !url.startsWith("data:")) watch.requests.push(url);
  });
  page.on("pageerror", (e) => watch.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") watch.errors.push(m.text());
  });
  page.on("dialog", (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`file://${path.join(siteDir, file)}${hash}`);
  return { page, watch };
}

/** How many answers of a kind the page has shown (see countAnswer in explorer/status.ts). */
export function answers(page: Page, kind: "loaded" | "traced" | "simulated"): Promise<number> {
  return page.evaluate((k) => Number(document.body.dataset[k] ?? "0"), kind);
}

/** Wait until the page has shown more than `before` answers of a kind. */
export async function waitForAnswer(page: Page, kind: "loaded" | "traced" | "simulated", before: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(([k, n]) => Number(document.body.dataset[k as string] ?? "0") > (n as number), [kind, before], { timeout });
}

/** axe-core's script, read once for all the pages a test run checks. */
let axeSource: string | undefined;

/** Run axe-core in the page; the serious and critical violations, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= fs.readFileSync(path.join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
  const source = axeSource;
  // axe is added through the test driver, not a <script> of the page, so the page's policy stays as it ships.
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    // preload off: axe would otherwise fetch the stylesheets, which the page's policy (rightly) refuses.
    return axe.run(document, { resultTypes: ["violations"], preload: false });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`);
}

/** The end of a test that visited a page: no serious accessibility violation in its last state, no request, error or dialog; then closed. */
export async function closeChecked(page: Page, watch: Watch): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  expect(watch).toEqual({ requests: [], errors: [], dialogs: [] });
  await page.context().close();
}

/** The smallest size, in CSS pixels, a figure's label may be drawn at on a phone (the Sankey's labels are drawn at 11 px). */
export const SMALLEST_LABEL_PX = 11;

/** How a figure reads on the screen: its drawn scale, its smallest label as drawn, and the box it scrolls in. */
export interface FigureOnScreen {
  scale: number;
  smallestLabelPx: number;
  boxScrolls: boolean;
  boxTabIndex: number;
  boxName: string;
  boxRole: string;
}

/** How every figure (a view's `figure > svg`) inside `selector` reads on the screen, in page order. */
export function figuresOnScreen(page: Page, selector: string): Promise<FigureOnScreen[]> {
  return page.evaluate((sel) => [...document.querySelectorAll<SVGSVGElement>(`${sel} figure > svg`)].map((svg) => {
    // A label's font size times the SVG's scale on the screen (below 1 when it shrinks to its box).
    const scale = svg.getScreenCTM()!.a;
    const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    const box = svg.closest<HTMLElement>(".kil-view")!;
    return {
      scale: Math.round(scale * 1000) / 1000,
      smallestLabelPx: Math.round(Math.min(...sizes) * 100) / 100,
      boxScrolls: box.scrollWidth > box.clientWidth,
      boxTabIndex: box.tabIndex,
      boxName: box.getAttribute("aria-label") ?? "",
      boxRole: box.getAttribute("role") ?? "",
    };
  }), selector);
}

/** How the first figure inside `selector` reads on the screen (fails when there is none). */
export async function figureOnScreen(page: Page, selector: string): Promise<FigureOnScreen> {
  const [first] = await figuresOnScreen(page, selector);
  if (!first) throw new Error(`no figure in ${selector}`);
  return first;
}
