#!/usr/bin/env node
// The explorer at scale (part of `npm run bench`): a generated 10k-Service
// dump opened with the page's file input in headless Chromium, parsed in its
// worker, and one connection traced; beside it, the same parse and trace in
// Node in this same command, so the report is a ratio that holds on any
// machine. Needs Chromium (apt-get install -y chromium); skipped without it.
//
//   node scripts/bench-explorer.mjs [--services N] [--json FILE]

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { buildExplorer } from "./build-explorer.mjs";
import { generateCluster, loadNodeContext, parseDump, services, traceConnection } from "../dist/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

const { values } = parseArgs({ options: { services: { type: "string", default: "10000" }, json: { type: "string" } } });
const count = Number(values.services);
if (!Number.isInteger(count) || count < 1) {
  console.error(`bench-explorer: --services: expected a positive integer, got '${values.services}'`);
  process.exit(2);
}
if (!CHROMIUM) {
  console.log("explorer bench skipped: Chromium is not installed (apt-get install -y chromium)");
  process.exit(0);
}

const ms = (t0) => performance.now() - t0;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kil-bench-explorer-"));
try {
  const cluster = generateCluster({ services: count, style: "modern", seed: 1, nodePorts: 100 });
  const dumpFile = path.join(work, `generated-${count}.txt`);
  const nodeFile = path.join(work, "node.json");
  fs.writeFileSync(dumpFile, cluster.text);
  fs.writeFileSync(nodeFile, JSON.stringify(cluster.node));
  const last = cluster.services[cluster.services.length - 1];
  const connection = { src: "192.0.2.7", dst: last.clusterIP, dport: last.port, protocol: last.protocol };

  // The reference: the same work in Node, in this command.
  let t0 = performance.now();
  const parsed = parseDump(fs.readFileSync(dumpFile, "utf8"), { file: dumpFile });
  services(parsed.dump);
  const nodeLoadMs = ms(t0);
  const node = loadNodeContext(cluster.node);
  t0 = performance.now();
  traceConnection(parsed.dump, node, connection);
  const nodeTraceMs = ms(t0);

  const siteDir = path.join(work, "site");
  await buildExplorer(siteDir);
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const answered = (kind, n) => page.waitForFunction(([k, m]) => Number(document.body.dataset[k] ?? "0") > m, [kind, n], { timeout: 600_000 });
    await page.goto(`file://${path.join(siteDir, "explore.html")}`);
    await answered("loaded", 0);
    await page.setInputFiles("#node-file", nodeFile);
    await answered("loaded", 1);
    t0 = performance.now();
    await page.setInputFiles("#dump-file", dumpFile);
    await answered("loaded", 2);
    const pageLoadMs = ms(t0);
    const status = await page.textContent("#status");
    await page.fill("#src", connection.src);
    await page.fill("#dst", `${connection.dst}:${connection.dport}`);
    await page.selectOption("#proto", connection.protocol);
    t0 = performance.now();
    await page.click("#trace");
    await answered("traced", 0);
    const pageTraceMs = ms(t0);
    // The worker times traceConnection alone too (the answer's first line says it): the like-for-like figure.
    const lead = await page.textContent("#answer-lead");
    const workerTraceMs = Number(/traced in ([\d.]+) ms/.exec(lead ?? "")?.[1]);
    if (!Number.isFinite(workerTraceMs)) throw new Error(`the page's answer did not say how long the trace took: ${lead}`);
    const result = {
      services: count,
      fileBytes: fs.statSync(dumpFile).size,
      status,
      node: { loadMs: Math.round(nodeLoadMs), traceMs: +nodeTraceMs.toFixed(2) },
      page: { loadMs: Math.round(pageLoadMs), traceMs: +workerTraceMs.toFixed(2), answerMs: Math.round(pageTraceMs) },
      ratio: { load: +(pageLoadMs / nodeLoadMs).toFixed(2), trace: +(workerTraceMs / nodeTraceMs).toFixed(2) },
    };
    console.log(`\n== The explorer at ${count} Services (${(result.fileBytes / 1e6).toFixed(1)} MB), in headless Chromium`);
    console.log(`  open, parse and find the Services: ${result.page.loadMs} ms in the page's worker, ${result.node.loadMs} ms in Node (${result.ratio.load}x)`);
    console.log(`  one trace: ${result.page.traceMs} ms in the page's worker, ${result.node.traceMs} ms in Node (${result.ratio.trace}x)`);
    console.log(`  the button to the answer on screen (the trace, its JSON and every view drawn): ${result.page.answerMs} ms`);
    console.log(`  the page said: ${status}`);
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 2) + "\n");
  } finally {
    await browser.close();
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
