// The explorer (site/explore.html) in headless Chromium, opened from disk with the network off:
// every single-connection question of the kernel lab gives in the page exactly the JSON the
// library gives in Node; the form works as a person uses it; a dump of one's own is read as the
// command line reads it; errors are shown with their line; hostile dumps stay text.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { LESSON_EXAMPLES, explorerHash, explorerQuestion, generateCluster, loadNodeContext, parseDump, toJson, traceConnection, traceJson, unownedLocalSource, type ConnectionSpec } from "../../lib/index.js";
import { englishPhraseLeft } from "../i18n/english-left.js";
import { hostileText, root } from "../views/support.js";
import { CHROMIUM, SMALLEST_LABEL_PX, answers, closeChecked, buildForTest, figureOnScreen, launch, openExplorer, seriousViolations, shotDir, siteDir, waitForAnswer } from "./browser.js";
// @ts-ignore: a plain JavaScript module without type declarations
import { bundle, forbiddenInBundle } from "../../scripts/build-explorer.mjs";

const required = process.env.KIL_REQUIRE_KERNEL === "1";
if (!CHROMIUM && !required) console.log("explorer test skipped: Chromium is not installed (apt-get install -y chromium; KIL_REQUIRE_KERNEL=1 makes this an error)");

interface Scenario {
  id: string;
  kind?: string;
  connect?: ConnectionSpec & { from?: ConnectionSpec["from"] };
}

/** Every example folder with kernel-lab scenarios (a scenarios.json in data/NAME). */
const EXAMPLES = fs.readdirSync(path.join(root, "data")).filter((d) => fs.existsSync(path.join(root, "data", d, "scenarios.json")));

/** What the library in Node gives for a connection on a bundled example, read with the node the explorer uses for it. */
function expectedJson(example: string, c: ConnectionSpec): string {
  const dumpPath = `data/${example}/iptables-save.txt`;
  const nodePath = `data/${LESSON_EXAMPLES[example]}/node.json`;
  const parsed = parseDump(fs.readFileSync(path.join(root, dumpPath), "utf8"), { file: dumpPath });
  const node = loadNodeContext(JSON.parse(fs.readFileSync(path.join(root, nodePath), "utf8")), nodePath);
  return toJson(traceJson(traceConnection(parsed.dump, node, c)));
}

/** Every case a lesson links to the explorer (explorer/lesson-cases.json), with its lesson. */
const LESSON_CASES = Object.entries(JSON.parse(fs.readFileSync(path.join(root, "explorer", "lesson-cases.json"), "utf8")).lessons as Record<string, (ConnectionSpec & { dump: string; label: string })[]>)
  .flatMap(([lesson, cases]) => cases.map((c) => ({ lesson, ...c })));

function hashOf(example: string, c: ConnectionSpec): string {
  const params = [
    "v=1", `dump=${example}`, `src=${c.src}${c.sport !== undefined ? `:${c.sport}` : ""}`, `dst=${c.dst}:${c.dport}`, `proto=${c.protocol ?? "tcp"}`,
    ...(c.from === "local" ? ["local=1"] : c.from ? [`in=${c.from.interface}`] : []),
  ];
  return "#" + params.join("&");
}

describe.runIf(CHROMIUM !== null || required)("the explorer", () => {
  let browser: Browser;
  /** Input files a test writes for the page or the command line, removed afterwards (test-output keeps only the screenshots). */
  const scratch: string[] = [];
  const scratchDir = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(shotDir, prefix));
    scratch.push(dir);
    return dir;
  };

  beforeAll(async () => {
    await buildForTest();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to bundle code that imports a Node module, even one vite would quietly stub out", async () => {
    const dir = scratchDir("node-import-");
    fs.writeFileSync(path.join(dir, "reads-files.ts"), `import { readFileSync } from "node:fs";\nimport { join } from "path";\nexport const read = (f: string) => readFileSync(join(".", f), "utf8");\n`);
    fs.writeFileSync(path.join(dir, "entry.ts"), `import { read } from "./reads-files.js";\n(globalThis as any).read = read;\n`);
    const refused = await bundle(path.join(dir, "entry.ts")).then(() => "bundled", (e: Error) => e.message);
    expect(refused).toMatch(/must not import Node's modules/);
    expect(refused).toContain("node:fs (imported by ");
    expect(refused).toContain("path (imported by ");
    expect(refused).toContain("reads-files.ts)");
    // Without the import it bundles.
    fs.writeFileSync(path.join(dir, "plain.ts"), `(globalThis as any).twice = (n: number) => 2 * n;\n`);
    expect(await bundle(path.join(dir, "plain.ts"))).toContain("twice");
  }, 60_000);

  it("is built as classic scripts that load no Node module and evaluate no code", () => {
    const code = fs.readFileSync(path.join(siteDir, "explore.js"), "utf8");
    expect(forbiddenInBundle(code)).toEqual([]);
    expect(forbiddenInBundle(`import x from "node:fs"; require("node:crypto"); new Function("a")`)).toHaveLength(3);
    const html = fs.readFileSync(path.join(siteDir, "explore.html"), "utf8");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; worker-src blob:/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/type="module"/);
    for (const id of ["dump-file", "dump-text", "node-file", "src", "dst", "proto", "in", "trace", "trace-json"]) expect(html).toContain(`id="${id}"`);
    // The Chinese page is the same page: the same policy, ids and single script.
    const zh = fs.readFileSync(path.join(siteDir, "zh-CN", "explore.html"), "utf8");
    expect(zh).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; worker-src blob:;`);
    expect(zh).toContain("connect-src 'none'");
    expect(zh).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(zh.match(/<script\b/g)).toHaveLength(1);
    for (const id of ["dump-file", "dump-text", "node-file", "src", "dst", "proto", "in", "trace", "trace-json"]) expect(zh).toContain(`id="${id}"`);
  });

  it("answers every single-connection question of the kernel lab exactly as the library does in Node", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    let checked = 0;
    expect(EXAMPLES).toEqual(expect.arrayContaining(["wordpress", "wordpress-today", "policies-today", "link-scope-today"]));
    for (const example of EXAMPLES) {
      const file = JSON.parse(fs.readFileSync(path.join(root, "data", example, "scenarios.json"), "utf8")) as { scenarios: Scenario[] };
      const connections = file.scenarios.filter((x) => (x.kind ?? "connection") === "connection");
      for (const s of connections) {
        const before = await answers(page, "traced");
        await page.evaluate((h) => (location.hash = h), hashOf(example, s.connect!));
        await waitForAnswer(page, "traced", before);
        const shown = await page.textContent("#trace-json");
        expect(shown, `${example} ${s.id}`).toBe(expectedJson(example, s.connect!));
        // Each example's answer is checked for accessibility once (the views are the same for every question).
        if (s === connections[0]) expect(await seriousViolations(page), example).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
    expect(watch).toEqual({ requests: [], errors: [], dialogs: [] });
    await page.context().close();
  }, 180_000);

  it("opens every case a lesson links to with the question it asks, and answers it as the library does in Node", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    expect(new Set(LESSON_CASES.map((c) => c.dump))).toEqual(new Set(["wordpress", "wordpress-today", "wordpress-scaled", "policies-today"]));
    // The link each lesson page carries (scripts/build-site.mjs writes it with the same two functions);
    // several lessons link the same question, and the same address twice in a row would not change the page.
    const byLink = new Map(LESSON_CASES.map((c) => [explorerHash(explorerQuestion(c.dump, c)), c]));
    expect(byLink.size).toBeGreaterThan(30);
    for (const [hash, c] of byLink) {
      const before = await answers(page, "traced");
      await page.evaluate((h) => (location.hash = h), hash);
      await waitForAnswer(page, "traced", before);
      expect(await page.inputValue("#example"), `${c.lesson}: ${c.label}`).toBe(c.dump);
      expect(await page.textContent("#trace-json"), `${c.lesson}: ${c.label}`).toBe(expectedJson(c.dump, c));
    }
    expect(watch).toEqual({ requests: [], errors: [], dialogs: [] });
    await page.context().close();
  }, 180_000);

  it("is driven by the form as a person would: an example, a kind of client, a Service, the button", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.selectOption("#example", "wordpress-today");
    await waitForAnswer(page, "loaded", 1);
    await page.fill("#service-search", "wordpress");
    const wordpress = await page.$$eval("#service option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(wordpress).toEqual(["default/wordpress-01-svc"]);
    await page.selectOption("#service", "default/wordpress-01-svc");
    expect(await page.inputValue("#dst")).toBe("10.254.42.62:80");
    await page.selectOption("#preset", "pod-here");
    expect(await page.inputValue("#src")).toBe("10.253.51.9");
    expect(await page.inputValue("#in")).toBe("cni0");
    const before = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", before);
    const rows = await page.$$eval("#summary table tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText));
    expect(rows).toHaveLength(2);
    expect(rows.join("\n")).toContain("10.253.25.4:80");
    expect(rows.join("\n")).toContain("10.253.84.4:80");
    expect(await page.$$eval("#sankey svg path", (ps) => ps.length)).toBeGreaterThan(3);
    // The first outcome, open, draws its path on the hook map.
    expect(await page.$$eval("#outcomes details[open] .kil-hook-map svg", (svgs) => svgs.length)).toBe(1);
    expect(page.url()).toContain("#v=1&dump=wordpress-today&src=10.253.51.9&dst=10.254.42.62:80&proto=tcp&in=cni0");
    // The same page, the same question, from the CLI: identical JSON.
    const cli = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), "trace", "data/wordpress-today/iptables-save.txt", "--node", "data/wordpress-today/node.json", "--src", "10.253.51.9", "--dst", "10.254.42.62:80", "--in", "cni0", "--json"], { cwd: root, encoding: "utf8" });
    expect(cli.status).toBe(0);
    expect(await page.textContent("#trace-json")).toBe(cli.stdout.trimEnd());
    expect(await page.textContent("#command")).toBe("kube-iptables-lab trace data/wordpress-today/iptables-save.txt --node data/wordpress-today/node.json --src 10.253.51.9 --dst 10.254.42.62:80 --in cni0 --json");
    await page.click("#json-view summary");
    await page.screenshot({ path: path.join(shotDir, "answer.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // The affinity timeline: the wordpress Service keeps ClientIP affinity, so one client keeps its endpoint.
    await page.selectOption("#example", "wordpress");
    await waitForAnswer(page, "loaded", 2);
    await page.selectOption("#preset", "outside");
    await page.fill("#service-search", "wordpress");
    await page.selectOption("#service", "default/wordpress-01-svc:");
    for (const t of ["0", "60", "120"]) {
      const n = await answers(page, "simulated");
      await page.fill("#tl-time", t);
      await page.click("#tl-add");
      await waitForAnswer(page, "simulated", n);
    }
    const went = await page.$$eval("#tl-result table.timeline tbody tr td:nth-child(5)", (tds) => tds.map((td) => td.textContent));
    expect(went).toHaveLength(3);
    expect(new Set(went).size).toBe(1);
    expect(await page.textContent("#tl-result")).toContain("KUBE-SEP-");
    fs.mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: path.join(shotDir, "form-and-timeline.png"), fullPage: true });
    await closeChecked(page, watch);
  }, 120_000);

  for (const [file, expected] of [
    ["explore.html", { note: "for 2 connections: #1, #3", text: /^source 10\.253\.25\.7: node k8s01 has no such address/ }],
    ["zh-CN/explore.html", { note: "涉及 2 个连接：#1，#3", text: /10\.253\.25\.7[^]*[\u4e00-\u9fff]/ }],
  ] as const) {
    it(`gives the timeline's warnings once each, with the connections they concern (${file})`, async () => {
      // A process on the node sending from a pod address of another node: the trace warns, at every connection.
      const { page, watch } = await openExplorer(browser, "#v=1&dump=wordpress&src=10.253.25.7&dst=10.254.42.62:80&proto=tcp&local=1", undefined, file);
      await waitForAnswer(page, "traced", 0);
      expect(await page.$$eval("#warnings li", (lis) => lis.length)).toBe(1);
      const add = async (time: string) => {
        const n = await answers(page, "simulated");
        await page.fill("#tl-time", time);
        await page.click("#tl-add");
        await waitForAnswer(page, "simulated", n);
      };
      await add("0");
      await add("60");
      // A client outside, between them in time, has nothing to warn about.
      await page.uncheck("#local");
      await page.fill("#src", "172.16.1.100");
      await add("30");
      expect(await page.$$eval("#tl-result table.timeline tbody tr", (trs) => trs.length)).toBe(3);
      const shown = await page.$$eval("#tl-warnings li", (lis) => lis.map((li) => ({ text: li.firstChild!.textContent!, note: li.querySelector(".note")!.textContent })));
      expect(shown).toHaveLength(1);
      expect(shown[0].text).toMatch(expected.text);
      expect(shown[0].text).toBe(await page.textContent("#warnings li"));
      expect(shown[0].note).toBe(expected.note);
      await (await page.$("#timeline"))!.screenshot({ path: path.join(shotDir, `timeline-warnings-${file.replace("/", "-")}.png`) });
      expect(await seriousViolations(page)).toEqual([]);
      // Cleared, the warnings go with the connections.
      const n = await answers(page, "simulated");
      await page.click("#tl-clear");
      await page.waitForFunction(() => (document.getElementById("tl-warnings") as HTMLElement).hidden);
      expect(await answers(page, "simulated")).toBe(n);
      await closeChecked(page, watch);
    }, 60_000);
  }

  it("shows every part of the answer the lessons show: chances, Sankey, each rule and why it did not match, marks in hex and bits, NAT, what the server sees, the reply", async () => {
    const { page, watch } = await openExplorer(browser, "#v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp");
    await waitForAnswer(page, "traced", 0);
    const heads = await page.$$eval("#summary thead th", (ths) => ths.map((th) => th.textContent));
    expect(heads).toEqual(expect.arrayContaining(["probability", "DNAT", "SNAT", "the server sees (or why not)", "the client gets back"]));
    const rows = await page.$$eval("#summary tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows.map((r) => r[1])).toEqual(["1/2 (50%)", "1/2 (50%)"]);
    expect(rows[0]).toEqual(expect.arrayContaining(["10.253.51.0:40000 -> 10.253.25.4:80", "10.254.42.62:80 -> 172.16.1.100:40000 (accepted)"]));
    expect(await page.$$eval("#sankey svg path", (ps) => ps.length)).toBeGreaterThan(3);
    const first = (await page.innerText("#outcomes details[open]"))!;
    // A rule that did not match, with the condition that failed and why.
    expect(first).toContain("no: -d 10.254.112.177/32: destination is 10.254.42.62");
    expect(first).toContain("10.254.42.62:80 -> 10.253.25.4:80");
    // The mark: hex and every bit.
    expect(first).toMatch(/new mark\s+0x00004000\s+0000 0000 0000 0000 0100 0000 0000 0000/);
    expect(first).toContain("MASQUERADE");
    expect(first).toContain("The reply: 10.253.25.4:80 -> 10.253.51.0:40000, the client gets 10.254.42.62:80 -> 172.16.1.100:40000 (accepted)");
    expect(await page.$$eval("#outcomes details.outcome", (ds) => ds.length)).toBe(2);
    // Another bundled node than the example's own, from the address: the wordpress rules on today's node (cni0).
    const n = await answers(page, "traced");
    await page.evaluate(() => (location.hash = "#v=1&dump=wordpress&node=wordpress-today&src=10.253.51.9&dst=10.254.42.62:80&proto=tcp&in=cni0"));
    await waitForAnswer(page, "traced", n);
    expect(await page.inputValue("#node-choice")).toBe("wordpress-today");
    expect(await page.textContent("#command")).toContain("--node data/wordpress-today/node.json");
    const parsed = parseDump(fs.readFileSync(path.join(root, "data/wordpress/iptables-save.txt"), "utf8"), { file: "data/wordpress/iptables-save.txt" });
    const todayNode = loadNodeContext(JSON.parse(fs.readFileSync(path.join(root, "data/wordpress-today/node.json"), "utf8")), "data/wordpress-today/node.json");
    expect(await page.textContent("#trace-json")).toBe(toJson(traceJson(traceConnection(parsed.dump, todayNode, { src: "10.253.51.9", dst: "10.254.42.62", dport: 80, from: { interface: "cni0" } }))));
    await closeChecked(page, watch);
  }, 60_000);

  it("warns, in each edition, when a process on the node is given a source address the node does not have", async () => {
    const hash = "#v=1&dump=wordpress&src=192.0.2.9&dst=10.254.42.62:80&proto=tcp&local=1";
    const node = loadNodeContext(JSON.parse(fs.readFileSync(path.join(root, "data/wordpress/node.json"), "utf8")));
    const warning = unownedLocalSource(node, "192.0.2.9", true)!;
    const en = await openExplorer(browser, hash);
    await waitForAnswer(en.page, "traced", 0);
    expect(await en.page.$$eval("#warnings li", (lis) => lis.map((li) => li.textContent))).toEqual([warning]);
    expect(await en.page.isVisible("#warnings")).toBe(true);
    expect(await en.page.textContent("#trace-json")).toBe(expectedJson("wordpress", { src: "192.0.2.9", dst: "10.254.42.62", dport: 80, from: "local" }));
    await (await en.page.$("#answer"))!.screenshot({ path: path.join(shotDir, "local-source-warning.png") });
    // The node's own address: no warning left from the question before.
    const n = await answers(en.page, "traced");
    await en.page.evaluate(() => (location.hash = "#v=1&dump=wordpress&src=172.16.1.10&dst=10.254.42.62:80&proto=tcp&local=1"));
    await waitForAnswer(en.page, "traced", n);
    expect(await en.page.isVisible("#warnings")).toBe(false);
    expect(await en.page.$$eval("#warnings li", (lis) => lis.length)).toBe(0);
    await closeChecked(en.page, en.watch);
    const zh = await openExplorer(browser, hash, { width: 1280, height: 900 }, "zh-CN/explore.html");
    await waitForAnswer(zh.page, "traced", 0);
    const zhWarnings = await zh.page.$$eval("#warnings li", (lis) => lis.map((li) => li.textContent ?? ""));
    expect(zhWarnings).toHaveLength(1);
    expect(zhWarnings[0]).toMatch(/^源地址 192\.0\.2\.9：节点 k8s01 没有这个地址/);
    expect(englishPhraseLeft(zhWarnings[0])).toBeUndefined();
    await (await zh.page.$("#answer"))!.screenshot({ path: path.join(shotDir, "local-source-warning-zh-CN.png") });
    await closeChecked(zh.page, zh.watch);
  }, 60_000);

  it("switching the example keeps a question the new rules can answer, replaces one they cannot, and runs the timeline again", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    // A first visit: the first question of the lessons is filled in.
    expect([await page.inputValue("#src"), await page.inputValue("#dst")]).toEqual(["172.16.1.100", "10.254.42.62:80"]);
    let n = await answers(page, "simulated");
    await page.click("#tl-add");
    await waitForAnswer(page, "simulated", n);
    // Today's rules have the same Service: the question stays, the picker shows it, the timeline is run on them.
    n = await answers(page, "simulated");
    await page.selectOption("#example", "wordpress-today");
    await waitForAnswer(page, "simulated", n);
    expect([await page.inputValue("#src"), await page.inputValue("#dst")]).toEqual(["172.16.1.100", "10.254.42.62:80"]);
    expect(await page.inputValue("#service")).toBe("default/wordpress-01-svc");
    expect(await page.$$eval("#tl-result table.timeline tbody tr", (trs) => trs.length)).toBe(1);
    expect(await page.textContent("#status")).toContain("data/wordpress-today/iptables-save.txt");
    // link-scope-today has no such address: its own first question is put in, and the address says so.
    const loads = await answers(page, "loaded");
    await page.selectOption("#example", "link-scope-today");
    await waitForAnswer(page, "loaded", loads);
    expect([await page.inputValue("#src"), await page.inputValue("#dst"), await page.inputValue("#question-list")]).toEqual(["192.168.0.100", "192.168.0.2:30080", "outside-to-nodeport-local"]);
    expect(await page.inputValue("#preset")).toBe("outside");
    expect(await page.evaluate(() => location.hash)).toBe("#v=1&dump=link-scope-today&src=192.168.0.100&dst=192.168.0.2:30080&proto=tcp");
    // Its pods sit behind their own routes (cali1): the preset finds one.
    await page.selectOption("#preset", "pod-here");
    expect([await page.inputValue("#src"), await page.inputValue("#in")]).toEqual(["10.244.1.5", "cali1"]);
    const traced = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", traced);
    expect(await page.textContent("#trace-json")).toBe(expectedJson("link-scope-today", { src: "10.244.1.5", dst: "192.168.0.2", dport: 30080, from: { interface: "cali1" } }));
    await closeChecked(page, watch);
  }, 60_000);

  it("builds the node from ip -j addr and ip -j route output as node-context does, and agrees with the command line", async () => {
    const dir = scratchDir("ip-json-");
    fs.copyFileSync(path.join(root, "data/wordpress/iptables-save.txt"), path.join(dir, "k8s01.txt"));
    fs.copyFileSync(path.join(root, "data/bring-your-own/ip-addr.json"), path.join(dir, "ip-addr.json"));
    fs.copyFileSync(path.join(root, "data/bring-your-own/ip-route.json"), path.join(dir, "ip-route.json"));
    fs.writeFileSync(path.join(dir, "bad-route.json"), '[{"dst": "default", "gateway": "172.16.1.1",\n  "dev": eth0}]\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), ...args], { cwd: dir, encoding: "utf8" });
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-dump summary");
    await page.setInputFiles("#dump-file", path.join(dir, "k8s01.txt"));
    await waitForAnswer(page, "loaded", 1);
    await page.click("#own-node summary");
    // A broken file: the command line's located error, in the page.
    await page.setInputFiles("#addr-file", path.join(dir, "ip-addr.json"));
    await page.setInputFiles("#route-file", path.join(dir, "bad-route.json"));
    await page.click("#use-ip");
    await waitForAnswer(page, "loaded", 2);
    const refused = cli("node-context", "--addr", "ip-addr.json", "--route", "bad-route.json");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^bad-route\.json:2:10: error: /);
    expect(await page.textContent("#node-summary")).toContain(refused.stderr.trim());
    expect(await seriousViolations(page)).toEqual([]);
    // The good files, with the node's name and ranges.
    await page.setInputFiles("#route-file", path.join(dir, "ip-route.json"));
    await page.fill("#node-name", "k8s01");
    await page.fill("#cluster-cidr", "10.253.0.0/16");
    await page.fill("#pod-cidr", "10.253.51.0/24");
    await page.fill("#service-cidr", "10.254.0.0/16");
    await page.click("#use-ip");
    await waitForAnswer(page, "loaded", 3);
    expect(await page.textContent("#node-summary caption")).toBe("Node k8s01");
    await page.selectOption("#preset", "outside");
    await page.fill("#dst", "172.16.1.10:32765");
    const before = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", before);
    // The page says which two commands ask the same; run them.
    const [nodeContext, trace] = (await page.textContent("#command"))!.split("\n");
    expect(nodeContext).toBe("kube-iptables-lab node-context --addr ip-addr.json --route ip-route.json --name k8s01 --cluster-cidr 10.253.0.0/16 --pod-cidr 10.253.51.0/24 --service-cidr 10.254.0.0/16 > node.json");
    expect(trace).toBe("kube-iptables-lab trace k8s01.txt --node node.json --src 172.16.1.100 --dst 172.16.1.10:32765 --in eth0 --json");
    const made = cli(...nodeContext.replace(/ > node\.json$/, "").split(" ").slice(1));
    expect(made.status).toBe(0);
    fs.writeFileSync(path.join(dir, "node.json"), made.stdout);
    const traced = cli(...trace.split(" ").slice(1));
    expect(traced.stderr).toBe("");
    expect(await page.textContent("#trace-json")).toBe(traced.stdout.trimEnd());
    await page.screenshot({ path: path.join(shotDir, "ip-json-node.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 60_000);

  it("reads a dump and a node of one's own from files, byte for byte, and agrees with the command line", async () => {
    const cluster = generateCluster({ services: 40, style: "modern", seed: 11, nodePorts: 5 });
    const dir = scratchDir("own-");
    fs.writeFileSync(path.join(dir, "my-node.txt"), cluster.text);
    fs.writeFileSync(path.join(dir, "my-node.json"), JSON.stringify(cluster.node));
    const service = cluster.services.find((s) => s.nodePort !== null && s.endpoints.length > 1)!;
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-dump summary");
    await page.setInputFiles("#dump-file", path.join(dir, "my-node.txt"));
    await waitForAnswer(page, "loaded", 1);
    await page.click("#own-node summary");
    await page.setInputFiles("#node-file", path.join(dir, "my-node.json"));
    await waitForAnswer(page, "loaded", 2);
    expect(await page.textContent("#status")).toContain("my-node.txt");
    await page.fill("#src", "192.0.2.7:41000");
    await page.fill("#dst", `${cluster.node.interfaces[1].addresses[0].split("/")[0]}:${service.nodePort}`);
    await page.selectOption("#in", cluster.node.interfaces[1].name);
    const before = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", before);
    const command = (await page.textContent("#command"))!;
    expect(command).toMatch(/^kube-iptables-lab trace my-node\.txt --node my-node\.json /);
    const cli = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), ...command.split(" ").slice(1)], { cwd: dir, encoding: "utf8" });
    expect(cli.stderr).toBe("");
    expect(await page.textContent("#trace-json")).toBe(cli.stdout.trimEnd());
    expect(await page.evaluate(() => location.hash)).not.toContain("dump=");
    expect(await page.textContent("#share-link")).toContain("your own dump is not in the link");
    expect(await seriousViolations(page)).toEqual([]);
    expect(watch).toEqual({ requests: [], errors: [], dialogs: [] });

    // A file with CR line ends gets the command line's verdict, not the text box's.
    const crlf = cluster.text.replace(/\n/g, "\r\n");
    fs.writeFileSync(path.join(dir, "windows.txt"), crlf);
    const cliCr = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), "parse", "windows.txt"], { cwd: dir, encoding: "utf8" });
    expect(cliCr.status).toBe(1);
    let loads = await answers(page, "loaded");
    await page.setInputFiles("#dump-file", path.join(dir, "windows.txt"));
    await waitForAnswer(page, "loaded", loads);
    const shownErrors = await page.$$eval("#diagnostics li code", (cs) => cs.map((c) => c.textContent));
    const cliErrors = cliCr.stderr.split("\n").filter((l) => /^windows\.txt:\d+:\d+: /.test(l));
    expect(cliErrors.length).toBeGreaterThan(0);
    expect(shownErrors.slice(0, cliErrors.length)).toEqual(cliErrors);
    expect(await page.getAttribute("#status", "class")).toBe("problem");
    expect(await seriousViolations(page)).toEqual([]);
    // The same text pasted: the text box turns CR LF into LF, so it is read without error, as the page warns.
    expect(await page.textContent("#own-dump")).toContain("turns CR line ends (a file saved on Windows) into LF");
    loads = await answers(page, "loaded");
    await page.fill("#dump-text", crlf);
    await page.click("#read-text");
    await waitForAnswer(page, "loaded", loads);
    expect(await page.getAttribute("#status", "class")).toBe("ok");
    expect(await page.textContent("#status")).toContain("pasted:");

    // Warnings are listed as the command line prints them: a comment longer than the kernel keeps.
    const long = cluster.text.replace(/(-A KUBE-SERVICES [^\n]*--comment ")([^"]*)"/, (_, head, comment) => `${head}${comment}${"x".repeat(300)}"`);
    expect(long).not.toBe(cluster.text);
    fs.writeFileSync(path.join(dir, "long-comment.txt"), long);
    const cliWarn = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), "parse", "long-comment.txt"], { cwd: dir, encoding: "utf8" });
    const cliWarnings = cliWarn.stderr.split("\n").filter((l) => /^long-comment\.txt:\d+:\d+: warning: /.test(l));
    expect(cliWarnings).toHaveLength(1);
    loads = await answers(page, "loaded");
    await page.setInputFiles("#dump-file", path.join(dir, "long-comment.txt"));
    await waitForAnswer(page, "loaded", loads);
    expect(await page.$$eval("#diagnostics li.warning code", (cs) => cs.map((c) => c.textContent))).toEqual(cliWarnings);
    expect(await page.textContent("#diagnostics li.warning pre")).toBe(long.split("\n")[Number(cliWarnings[0].split(":")[1]) - 1]);
    expect(await page.getAttribute("#status", "class")).toBe("ok");
    await page.screenshot({ path: path.join(shotDir, "warning.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 120_000);

  for (const file of ["explore.html", "zh-CN/explore.html"]) {
    it(`warns about a file's bytes that are not UTF-8 as the command line does (${file})`, async () => {
      const dir = scratchDir("latin1-");
      // The wordpress dump with a comment saved in Latin-1: "café" twice, byte 0xe9 each time.
      const text = fs.readFileSync(path.join(root, "data/wordpress/iptables-save.txt"), "latin1");
      const at = text.indexOf('--comment "') + '--comment "'.length;
      const bytes = Buffer.from(`${text.slice(0, at)}caf\u00e9 caf\u00e9 ${text.slice(at)}`, "latin1");
      fs.writeFileSync(path.join(dir, "latin1.txt"), bytes);
      const cli = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), "services", "latin1.txt"], { cwd: dir, encoding: "utf8" });
      expect(cli.status).toBe(0);
      const cliWarning = cli.stderr.split("\n")[0];
      expect(cliWarning).toMatch(/^latin1\.txt:\d+:\d+: warning: byte 0xe9 is not UTF-8 \(2 such bytes in the file\)/);
      const { page, watch } = await openExplorer(browser, "", { width: 1280, height: 900 }, file);
      await waitForAnswer(page, "loaded", 0);
      // Every text the status line shows while the file is read (each set of it replaces its text node).
      await page.evaluate(() => {
        const seen: string[] = ((window as unknown as { statusSeen: string[] }).statusSeen = []);
        new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) seen.push(n.textContent ?? ""); }).observe(document.getElementById("status")!, { childList: true });
      });
      const loads = await answers(page, "loaded");
      await page.setInputFiles("#dump-file", path.join(dir, "latin1.txt"));
      await waitForAnswer(page, "loaded", loads);
      // The progress names the size in a unit that fits it (it read "0.0 million characters" for any dump this small).
      const stages = new Set((await page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen)).map((s) => s.replace(/… [\d.]+ s$/, "")));
      const sizes = file === "explore.html" ? ["decoding latin1.txt (17 kB)", "parsing latin1.txt (17 thousand characters)"] : ["正在解码 latin1.txt（17 kB）", "正在解析 latin1.txt（17 千个字符）"];
      for (const stage of sizes) expect([...stages]).toContain(stage);
      // A warning, not an error: the dump is read and its Services listed.
      expect(await page.getAttribute("#status", "class")).toBe("ok");
      const shown = await page.$$eval("#diagnostics li.warning code", (cs) => cs.map((c) => c.textContent ?? ""));
      expect(shown).toHaveLength(1);
      const [where] = cliWarning.split(": warning: ");
      if (file === "explore.html") expect(shown[0]).toBe(cliWarning);
      else expect(shown[0]).toBe(`${where}: 警告：字节 0xe9 不是 UTF-8（文件中共有 2 个这样的字节）：它们被读作 U+FFFD，所以这段文字不能逐字节原样输出`);
      // The line as it was read: the bytes became U+FFFD.
      const line = Number(where.split(":")[1]);
      expect(await page.textContent("#diagnostics li.warning pre")).toBe(new TextDecoder().decode(bytes).split("\n")[line - 1]);
      expect(await page.textContent("#diagnostics li.warning pre")).toContain("caf\uFFFD caf\uFFFD");
      await (await page.$("#diagnostics"))!.screenshot({ path: path.join(shotDir, `not-utf8-${file.replace("/", "-")}.png`) });
      expect(await seriousViolations(page)).toEqual([]);
      await closeChecked(page, watch);
    }, 60_000);
  }

  it("shows a pasted dump's errors in the page's language, FILE:LINE:COL and the line as they are", async () => {
    const { page, watch } = await openExplorer(browser, "", { width: 1280, height: 900 }, "zh-CN/explore.html");
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-dump summary");
    await page.fill("#dump-text", "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j NOWHERE\nCOMMIT\n");
    await page.click("#read-text");
    await waitForAnswer(page, "loaded", 1);
    const items = await page.$$eval("#diagnostics li", (lis) => lis.map((li) => ({ code: li.querySelector("code")?.textContent, line: li.querySelector("pre")?.textContent })));
    expect(items[0].code).toBe("pasted:3:36: 错误：-j NOWHERE：表 nat 中在这一行之前没有声明名为 'NOWHERE' 的链，它也不是已知的目标（target）");
    expect(items[0].line).toBe("-A PREROUTING -p tcp --dport 80 -j NOWHERE");
    await page.screenshot({ path: path.join(shotDir, "pasted-error-zh-CN.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 60_000);

  it("shows a pasted dump's errors with their lines", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-dump summary");
    // An empty box is refused at once and the example stays loaded.
    await page.click("#read-text");
    expect(await page.textContent("#status")).toBe("The box is empty: paste the output of iptables-save (or iptables-legacy-save) into it first.");
    expect([await page.inputValue("#example"), await answers(page, "loaded")]).toEqual(["wordpress", 1]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("dump-text");
    await page.fill("#dump-text", "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j NOWHERE\nCOMMIT\n");
    await page.click("#read-text");
    await waitForAnswer(page, "loaded", 1);
    const items = await page.$$eval("#diagnostics li", (lis) => lis.map((li) => ({ code: li.querySelector("code")?.textContent, line: li.querySelector("pre")?.textContent })));
    expect(items.length).toBeGreaterThan(0);
    expect(items[0].code).toMatch(/^pasted:3:\d+: /);
    expect(items[0].line).toBe("-A PREROUTING -p tcp --dport 80 -j NOWHERE");
    expect(await page.getAttribute("#status", "class")).toBe("problem");
    await page.screenshot({ path: path.join(shotDir, "pasted-error.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 60_000);

  it("checks a node file with the command line's schema check: each problem at its line and column", async () => {
    const dir = scratchDir("bad-node-");
    const text = '{\n  "interfaces": [{ "name": "eth0", "addresses": [{ "address": "10.0.0.1/24", "scope": "galaxy" }] }],\n  "serviceCidr": "10.96.0.0/12"\n}\n';
    fs.writeFileSync(path.join(dir, "bad-node.json"), text);
    const cli = spawnSync(process.execPath, [path.join(root, "dist/cli/bin.js"), "trace", path.join(root, "data/wordpress/iptables-save.txt"), "--node", "bad-node.json", "-s", "10.0.0.9", "-d", "10.0.0.1:80"], { cwd: dir, encoding: "utf8" });
    expect(cli.status).toBe(1);
    const cliLines = cli.stderr.trimEnd().split("\n");
    expect(cliLines).toEqual([
      'bad-node.json:2:87: error: interfaces[0].addresses[0].scope: expected one of "global", "site", "link", "host" (as `ip addr` shows it; only global addresses are picked as a source), got "galaxy"',
      'bad-node.json:3:3: error: serviceCidr: unknown key "serviceCidr" (did you mean "serviceCIDR"?)',
    ]);
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-node summary");
    await page.setInputFiles("#node-file", path.join(dir, "bad-node.json"));
    await waitForAnswer(page, "loaded", 1);
    const shown = (await page.textContent("#node-summary"))!;
    for (const line of cliLines) expect(shown).toContain(line);
    await (await page.$("#node-summary"))!.screenshot({ path: path.join(shotDir, "bad-node.png") });
    await closeChecked(page, watch);
    // The Chinese page: the same lines, their wording in Chinese, file, place, path and values as they are.
    const zh = await openExplorer(browser, "", { width: 1280, height: 900 }, "zh-CN/explore.html");
    await waitForAnswer(zh.page, "loaded", 0);
    await zh.page.click("#own-node summary");
    await zh.page.setInputFiles("#node-file", path.join(dir, "bad-node.json"));
    await waitForAnswer(zh.page, "loaded", 1);
    const shownZh = (await zh.page.textContent("#node-summary"))!;
    expect(shownZh).toContain('bad-node.json:3:3: 错误：serviceCidr: 未知的键 "serviceCidr"（是不是想写 "serviceCIDR"？）');
    expect(shownZh).toContain('bad-node.json:2:87: 错误：interfaces[0].addresses[0].scope: 期望："global"、"site"、"link"、"host" 之一');
    expect(shownZh).not.toMatch(/unknown key|expected one of|error:/);
    await (await zh.page.$("#node-summary"))!.screenshot({ path: path.join(shotDir, "bad-node-zh-CN.png") });
    expect(await seriousViolations(zh.page)).toEqual([]);
    expect(zh.watch).toEqual({ requests: [], errors: [], dialogs: [] });
    await zh.page.context().close();
  }, 60_000);

  it("keeps hostile dumps as text: no script runs, no dialog opens, nothing is fetched", async () => {
    const extra = [
      `javascript:alert(1)`, `<a href="javascript:window.__pwned=5">x</a>`, `<svg onload="window.__pwned=6">`, `\u202Eevil\u202C`, "x".repeat(240),
      // Things that would fetch if they ever became markup: the test's network watch would see them.
      `<img src="https://attacker.invalid/pixel.png">`, `<link rel="stylesheet" href="https://attacker.invalid/x.css">`, `<iframe src="https://attacker.invalid/"></iframe>`,
    ];
    const text = hostileText.replace("COMMIT", extra.map((c) => `-A POSTROUTING -m comment --comment "${c.replace(/"/g, '\\"')}" -j RETURN`).join("\n") + "\nCOMMIT")
      + `# ${"<script>alert(2)</script>".repeat(400)}\n`;
    const dir = scratchDir("hostile-");
    fs.writeFileSync(path.join(dir, "hostile-node.json"), JSON.stringify({
      interfaces: [{ name: "lo", addresses: ["127.0.0.1/8"] }, { name: "eth0", addresses: ["192.168.1.10/24"] }, { name: "cni0", addresses: ["10.1.0.1/24"] }],
      routes: [{ dst: "default", via: "192.168.1.1", dev: "eth0" }, { dst: "10.1.0.0/24", dev: "cni0" }, { dst: "192.168.1.0/24", dev: "eth0" }],
    }));
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-node summary");
    await page.setInputFiles("#node-file", path.join(dir, "hostile-node.json"));
    await waitForAnswer(page, "loaded", 1);
    await page.click("#own-dump summary");
    await page.fill("#dump-text", text);
    await page.click("#read-text");
    await waitForAnswer(page, "loaded", 2);
    expect(await page.getAttribute("#status", "class")).toBe("ok");
    await page.fill("#src", "192.168.1.50");
    await page.fill("#dst", "10.96.0.10:80");
    const before = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", before);
    await page.selectOption("#service", { index: 0 });
    const facts = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      scripts: document.querySelectorAll("script").length,
      handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
      text: document.body.innerText,
    }));
    expect(facts.pwned).toBeUndefined();
    expect(facts.scripts).toBe(1);
    expect(facts.handlers).toBe(0);
    expect(facts.jsLinks).toBe(0);
    expect(facts.text).toContain("<script>window.__pwned=");
    await page.screenshot({ path: path.join(shotDir, "hostile.png"), fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    // A line of 200,000 characters, markup and a right-to-left override in it: refused as iptables-restore
    // would, and shown in the error list as text, wrapped, without widening the page.
    const longLine = `-A INPUT -m comment --comment "\u202E${"<b>long</b><img src=x onerror=window.__pwned=7>".repeat(4_300)}" -j ACCEPT`;
    expect(longLine.length).toBeGreaterThan(190_000);
    await page.fill("#dump-text", `*filter\n:INPUT ACCEPT [0:0]\n${longLine}\nCOMMIT\n`);
    await page.click("#read-text");
    await waitForAnswer(page, "loaded", 3);
    expect(await page.textContent("#diagnostics li.error code")).toMatch(/^pasted:3:1: error: line of \d+ bytes: iptables-restore reads at most 10239 bytes/);
    expect(await page.textContent("#diagnostics li.error pre")).toBe(longLine);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.$$eval("#diagnostics img, #diagnostics b", (es) => es.length)).toBe(0);
    await page.screenshot({ path: path.join(shotDir, "hostile-long-line.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 60_000);

  it("loads a 10,000-Service dump in its worker and answers a trace", async () => {
    const cluster = generateCluster({ services: 10_000, style: "modern", seed: 3, nodePorts: 100 });
    const dir = scratchDir("large-");
    fs.writeFileSync(path.join(dir, "large.txt"), cluster.text);
    fs.writeFileSync(path.join(dir, "large-node.json"), JSON.stringify(cluster.node));
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    await page.click("#own-node summary");
    await page.setInputFiles("#node-file", path.join(dir, "large-node.json"));
    await waitForAnswer(page, "loaded", 1);
    await page.click("#own-dump summary");
    await page.setInputFiles("#dump-file", path.join(dir, "large.txt"));
    // While the worker parses, the page answers and shows its progress.
    await page.waitForFunction(() => document.getElementById("status")?.className === "busy");
    expect(await page.evaluate(() => document.body.getAttribute("aria-busy"))).toBe("true");
    await waitForAnswer(page, "loaded", 2, 300_000);
    expect(await page.textContent("#status")).toMatch(/large\.txt: \d+ lines, \d+ rules, \d+ Service ports/);
    // The picker lists a first part and says so; a search finds any Service, and choosing it sets the destination.
    expect(await page.textContent("#service-count")).toBe("10000 of 10000 Service ports match; the first 300 are listed, type more to narrow them.");
    expect(await page.$$eval("#service option", (os) => os.length)).toBe(300);
    const last = cluster.services[cluster.services.length - 1];
    await page.fill("#service-search", `${last.namespace}/${last.name}`);
    const found = await page.$$eval("#service option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(found).toContain(last.id);
    await page.selectOption("#service", last.id);
    expect(await page.inputValue("#dst")).toBe(`${last.clusterIP}:${last.port}`);
    await page.selectOption("#preset", "outside");
    const before = await answers(page, "traced");
    await page.click("#trace");
    await waitForAnswer(page, "traced", before, 120_000);
    expect(JSON.parse((await page.textContent("#trace-json"))!).outcomes.length).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shotDir, "large-dump.png"), fullPage: false });
    await closeChecked(page, watch);
  }, 600_000);

  it("works from the keyboard alone: Tab reaches each control used, and a question is asked and answered without the mouse", async () => {
    const { page, watch } = await openExplorer(browser);
    await waitForAnswer(page, "loaded", 0);
    const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
    /** Press Tab until `id` has the focus (at most 40 times); the ids passed on the way. */
    const tabTo = async (id: string) => {
      const passed: string[] = [];
      for (let i = 0; i < 40 && (await focused()) !== id; i++) {
        await page.keyboard.press("Tab");
        passed.push(await focused());
      }
      expect(await focused(), `Tab reaches #${id} (passed ${passed.join(", ")})`).toBe(id);
    };
    await tabTo("example");
    let n = await answers(page, "loaded");
    await page.keyboard.press("ArrowDown");
    await waitForAnswer(page, "loaded", n);
    expect(await page.inputValue("#example")).toBe("wordpress-today");
    await tabTo("preset");
    // The lessons' first question is a machine outside; two kinds further down is a pod on this node.
    expect(await page.inputValue("#preset")).toBe("outside");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect([await page.inputValue("#preset"), await page.inputValue("#src")]).toEqual(["pod-here", "10.253.51.9"]);
    await tabTo("service-search");
    await page.keyboard.type("grafana");
    await tabTo("service");
    await page.keyboard.press("ArrowDown");
    expect(await page.inputValue("#dst")).toBe("10.254.167.37:80");
    await tabTo("trace");
    n = await answers(page, "traced");
    await page.keyboard.press("Enter");
    await waitForAnswer(page, "traced", n);
    expect(await page.textContent("#trace-json")).toBe(expectedJson("wordpress-today", { src: "10.253.51.9", dst: "10.254.167.37", dport: 80, from: { interface: "cni0" } }));
    // The JSON view opens with the keyboard.
    await page.focus("#json-view summary");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => (document.getElementById("json-view") as HTMLDetailsElement).open)).toBe(true);
    // The timeline: a time typed, the button pressed with Space.
    await tabTo("tl-time");
    await page.keyboard.press("ArrowUp");
    await tabTo("tl-add");
    n = await answers(page, "simulated");
    await page.keyboard.press(" ");
    await waitForAnswer(page, "simulated", n);
    expect(await page.$$eval("#tl-result table.timeline tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent))).toEqual(["1"]);
    await closeChecked(page, watch);
  }, 60_000);

  for (const file of ["explore.html", "zh-CN/explore.html"]) {
    it(`fits a 375 px phone without scrolling sideways, every part open, before and after an answer, its Sankey's labels readable (${file})`, async () => {
      const { page, watch } = await openExplorer(browser, "#v=1&dump=wordpress", { width: 375, height: 812 }, file);
      await waitForAnswer(page, "loaded", 0);
      // What sticks out past the screen's right edge: the page's width and the elements that end beyond it.
      const overflow = () => page.evaluate(() => {
        document.querySelectorAll("details").forEach((d) => (d.open = true));
        // An element inside a box that scrolls (a wide table, the JSON) may end further right: the box clips it.
        const clipped = (e: Element) => { for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return true; return false; };
        const outside = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 375.5 && !clipped(e));
        return { width: document.documentElement.scrollWidth, outside: outside.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}`) };
      });
      expect(await overflow()).toEqual({ width: 375, outside: [] });
      await page.fill("#src", "172.16.1.100");
      await page.fill("#dst", "10.254.42.62:80");
      await page.click("#trace");
      await waitForAnswer(page, "traced", 0);
      expect(await overflow()).toEqual({ width: 375, outside: [] });
      // The Sankey keeps the size it was drawn at, so its labels stay readable, and scrolls sideways
      // in its own box: a named region the keyboard reaches and scrolls.
      const sankey = await figureOnScreen(page, "#sankey");
      expect(sankey.smallestLabelPx).toBeGreaterThanOrEqual(SMALLEST_LABEL_PX);
      expect(sankey).toMatchObject({ boxScrolls: true, boxTabIndex: 0, boxRole: "region" });
      expect(sankey.boxName).not.toBe("");
      await page.locator("#sankey .kil-view").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shotDir, `phone-sankey-${file.replace("/", "-")}.png`), fullPage: false });
      await page.focus("#sankey .kil-view");
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => document.querySelector("#sankey .kil-view")!.scrollLeft > 0);
      // Large type zooms it further, in the same box, and the page still fits.
      await page.check("#large-type");
      expect((await figureOnScreen(page, "#sankey")).smallestLabelPx).toBeGreaterThanOrEqual(SMALLEST_LABEL_PX * 1.5);
      expect(await overflow()).toEqual({ width: 375, outside: [] });
      await page.uncheck("#large-type");
      await page.locator("#own-node").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shotDir, `phone-${file.replace("/", "-")}.png`), fullPage: false });
      await closeChecked(page, watch);
    }, 60_000);
  }

  it("reads on a projector: large type, and the first answer in a screenshot", async () => {
    const { page, watch } = await openExplorer(browser, "#v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp", { width: 1024, height: 768 });
    await waitForAnswer(page, "traced", 0);
    // How tall a Sankey label, a cell of the outcome table and a rule of the path are drawn on the screen.
    const drawn = () => page.evaluate(() => {
      const height = (selector: string) => document.querySelector(selector)!.getBoundingClientRect().height;
      return { sankey: height("#sankey svg text"), cell: height("#summary tbody td"), rule: height("#outcomes details[open] .kil-rule") };
    });
    const normal = await drawn();
    await page.check("#large-type");
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe("24px");
    // The library's views (sizes in px) and their charts grow too, instead of shrinking to the page's width.
    const large = await drawn();
    for (const part of ["sankey", "cell", "rule"] as const) expect(large[part] / normal[part], part).toBeGreaterThanOrEqual(1.4);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // What the class sees: the answer's top, in large type.
    await page.evaluate(() => document.getElementById("answer")!.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: path.join(shotDir, "large-type.png"), fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    // Keyboard: the button is reachable and works with Enter.
    await page.focus("#dst");
    await page.keyboard.press("Enter");
    await waitForAnswer(page, "traced", 1);
    expect(watch).toEqual({ requests: [], errors: [], dialogs: [] });
    await page.context().close();
  }, 60_000);

  it("follows the page's language: zh-CN/explore.html shows its labels and its answer in Chinese, the dump's text as it is", async () => {
    const hash = "#v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp";
    const { page, watch } = await openExplorer(browser, hash, { width: 1280, height: 900 }, "zh-CN/explore.html");
    await waitForAnswer(page, "traced", 0);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.textContent("h1")).toBe("探索器");
    expect(await page.textContent("#trace")).toBe("追踪这个连接");
    expect(await page.textContent("#status")).toMatch(/^已追踪：2 种结果。$/);
    // The answer: the library's views in Chinese, the addresses and chains from the dump unchanged.
    const summary = await page.textContent("#summary");
    expect(summary).toContain("连接的去向");
    expect(summary).toContain("裁决");
    expect(summary).toContain("10.253.25.4:80");
    expect(await page.textContent("#outcomes")).toContain("KUBE-SVC-QYS3VDMSAZUOTSWJ");
    // The engine's step texts and the lessons' questions in Chinese too.
    expect(await page.textContent("#outcomes")).toContain("跳转到 KUBE-SERVICES");
    expect(await page.textContent("#outcomes")).not.toMatch(/jump to|forward out of|global-scope address/);
    // The node's facts under its interface table, in Chinese around the node's own values.
    const facts = await page.textContent("#node-summary p.note");
    expect(facts).toBe("集群 CIDR 10.253.0.0/16；Pod CIDR 10.253.51.0/24；Service CIDR 10.254.0.0/16；4 条路由；对等节点：k8s02 (172.16.1.11)，k8s03 (172.16.1.12)。");
    const questions = await page.$$eval("#question-list option", (os) => os.map((o) => o.textContent ?? ""));
    expect(questions[0]).toBe("（选一个，或在下面自己构造）");
    expect(questions.slice(1).every((q) => /[\u4e00-\u9fff]/.test(q))).toBe(true);
    // The JSON is the command line's, whatever the page's language.
    expect(await page.textContent("#trace-json")).toBe(expectedJson("wordpress", { src: "172.16.1.100", dst: "10.254.42.62", dport: 80 }));
    await page.screenshot({ path: path.join(shotDir, "zh-CN.png"), fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    // The Service picker, the affinity timeline and the form's problems speak Chinese too.
    expect(await page.textContent("#service-count")).toBe("14 个 Service 端口（共 14 个）。");
    for (const time of ["0", "60"]) {
      const n = await answers(page, "simulated");
      await page.fill("#tl-time", time);
      await page.click("#tl-add");
      await waitForAnswer(page, "simulated", n);
    }
    expect(await page.$$eval("#tl-result table.timeline th", (ths) => ths.map((th) => th.textContent))).toEqual(["#", "时刻（秒）", "标签", "连接", "去向", "当时的概率", "之后的 recent 列表"]);
    const timeline = await page.innerText("#tl-result");
    expect(timeline).toContain("t=60 秒时的 recent 列表");
    expect(timeline).toMatch(/（共 2 种可能）/);
    expect(timeline).not.toMatch(/Each connection|possible|went to|The recent lists|empty/);
    await (await page.$("#timeline"))!.screenshot({ path: path.join(shotDir, "timeline-zh-CN.png") });
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill("#dst", "10.254.42.62");
    await page.click("#trace");
    expect(await page.textContent("#form-problem")).toBe("目的地址 '10.254.42.62'：应为 IP:PORT");
    await page.evaluate(() => (location.hash = "#v=9&proto=icmp&dump=nowhere"));
    await page.waitForFunction(() => document.getElementById("form-problem")!.textContent!.includes("v=9"));
    expect(await page.textContent("#form-problem")).toBe(
      "这个链接按 v=9 格式写成；本页面读取 v=1 格式，只使用它能理解的部分；proto=icmp：应为 tcp、udp 或 sctp；dump=nowhere：没有这个自带的示例（现有 wordpress, wordpress-today, wordpress-scaled, policies-today, link-scope-today）",
    );
    await closeChecked(page, watch);
    // The English page is still English, and each links to the other.
    const en = await openExplorer(browser, hash);
    await waitForAnswer(en.page, "traced", 0);
    expect(await en.page.textContent("h1")).toBe("Explorer");
    expect(await en.page.getAttribute("a.language-switch", "href")).toBe("zh-CN/explore.html");
    expect(await en.page.textContent("#summary")).toContain("verdict");
    await en.page.context().close();
  }, 60_000);
});
