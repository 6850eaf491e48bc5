// Every view on one static page, opened from disk in headless Chromium with the network off:
// the charts and tables are there, nothing from a dump ran as script, and a screenshot is kept
// (test-output/views/views.png) for a person to look at.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { htmlPage } from "../../lib/index.js";
import { gallery } from "./gallery.js";
import { root } from "./support.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p)) ?? null;
const required = process.env.KIL_REQUIRE_KERNEL === "1";
const outDir = path.join(root, "test-output", "views");

if (!CHROMIUM && !required) console.log("browser test skipped: Chromium is not installed (apt-get install -y chromium; KIL_REQUIRE_KERNEL=1 makes this an error)");

describe.runIf(CHROMIUM !== null || required)("views in a browser", () => {
  it("render from a file with no network, run no injected script, and look right", async () => {
    if (!CHROMIUM) throw new Error("Chromium is required (KIL_REQUIRE_KERNEL=1) but /usr/bin/chromium is not installed");
    const { chromium } = await import("playwright-core");
    const views = gallery();
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, "views.html");
    fs.writeFileSync(file, htmlPage("kube-iptables-lab views", views.map((v) => `<section data-view="${v.name}">${v.html}</section>`)));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const blocked: string[] = [];
      const errors: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      await page.goto(`file://${file}`);
      await page.waitForLoadState("load");

      const facts = await page.evaluate(() => {
        const sections = [...document.querySelectorAll("section[data-view]")].map((s) => ({
          name: s.getAttribute("data-view"),
          paths: s.querySelectorAll("svg path").length,
          rects: s.querySelectorAll("svg rect").length,
          rows: s.querySelectorAll("table.kil-table > tbody > tr").length,
          width: Math.round(s.getBoundingClientRect().width),
          height: Math.round(s.getBoundingClientRect().height),
        }));
        return {
          pwned: (window as unknown as { __pwned?: unknown }).__pwned,
          scripts: document.querySelectorAll("script").length,
          images: document.querySelectorAll("img").length,
          text: document.body.innerText,
          sections,
          // A hatched affinity band is painted with a pattern the page defines.
          hatch: [...document.querySelectorAll("[stroke^='url(#']")].every((g) => document.querySelector(`pattern${g.getAttribute("stroke")!.slice(4, -1)}`) !== null),
          hatched: [...document.querySelectorAll("[stroke^='url(#']")].reduce((n, g) => n + g.querySelectorAll("path").length, 0),
        };
      });
      await page.screenshot({ path: path.join(outDir, "views.png"), fullPage: true });

      expect(facts.pwned).toBeUndefined();
      expect(facts.scripts).toBe(0);
      expect(facts.images).toBe(0);
      expect(blocked).toEqual([]);
      expect(errors).toEqual([]);
      const by = new Map(facts.sections.map((s) => [s.name, s]));
      expect(facts.sections).toHaveLength(views.length);
      for (const name of ["wordpress split", "heketi split", "whole node", "trace", "simulation", "sampled", "hostile split", "hostile node", "hostile trace"]) {
        expect(by.get(name)!.paths, name).toBeGreaterThan(0);
        expect(by.get(name)!.rects, name).toBeGreaterThan(2);
      }
      expect(by.get("wordpress split")!.paths).toBe(11); // 5 entry and dispatch bands, 2 random, 2 affinity, 2 DNAT
      expect(by.get("whole node")!.paths).toBe(3 + 14 + 17);
      for (const name of ["catalog", "endpoints", "rule path", "marks", "dnat", "snat", "verdicts", "decisions", "affinity", "hostile catalog", "hostile rule path", "hostile decisions"])
        expect(by.get(name)!.rows, name).toBeGreaterThan(0);
      expect(by.get("catalog")!.rows).toBe(14);
      expect(facts.hatched).toBeGreaterThan(0);
      expect(facts.hatch).toBe(true);
      // Everything fits the page width (the SVGs scale down rather than overflow).
      for (const s of facts.sections) expect(s.width, s.name!).toBeLessThanOrEqual(1280);
      // The hostile text is on the page as text.
      expect(facts.text).toContain("<script>window.__pwned=1</script>");
      expect(facts.text).toContain("中文");
    } finally {
      await browser.close();
    }
  }, 120_000);
});
