// The views in Simplified Chinese: their own labels, legends and messages come from the zh-CN
// phrasebook (none left in English), while what comes from the dump (chain names, addresses,
// rule text) stays as the dump has it; English output is unchanged by the switch. The
// snapshots (test/views/__snapshots__/zh-CN/) show the Chinese views a reviewer reads.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addPhrases, affinityTable, diffDumps, diffTable, parseDump, nodeSankey, sourceRewriteChart, sampleSplit, sampledSplitSankey, simulationSankey, decisionTable, dnatTable, endpointTable, hookMap, markTable, outcomeTable, renderSankey, rulePathTable,
  serviceCatalogTable, serviceSplitSankey, setLanguage, snatTable, traceSankey, verdictTable,
} from "../../lib/index.js";
import { clearMissingPhrases, missingPhrases } from "../../lib/i18n/language.js";
import { FlowBuilder } from "../../lib/views/flow.js";
import { affinityEvents, wordpressCases } from "./gallery.js";
import { catalog, dump, heketi, node, root, wordpress } from "./support.js";
import { readFileSync } from "node:fs";

/** The Chinese views checked here, built while the language is zh-CN. */
function chineseViews() {
  const cases = wordpressCases();
  const outside = cases[0].trace;
  return [
    { name: "wordpress-split", html: serviceSplitSankey(wordpress, { dump, id: "zh-wordpress-split" }) },
    { name: "heketi-split", html: serviceSplitSankey(heketi, { dump, id: "zh-heketi-split" }) },
    { name: "trace", html: traceSankey(cases[1].trace, { services: catalog, id: "zh-trace-nodeport" }) },
    { name: "decisions", html: decisionTable(cases) },
    { name: "hook-map", html: hookMap({ dump, outcome: outside.outcomes[0], id: "zh-hooks" }) },
    { name: "rule-path", html: rulePathTable(outside.outcomes[0], { tables: ["nat"] }) },
    { name: "rule-path-runs", html: rulePathTable(outside.outcomes[0], { maxRun: 4 }) },
    { name: "outcomes", html: outcomeTable(outside) },
    { name: "verdicts", html: verdictTable(cases[3].trace) },
    { name: "catalog", html: serviceCatalogTable(catalog) },
    { name: "diff", html: diffTable(diffDumps(dump, parseDump(readFileSync(`${root}data/wordpress-scaled/iptables-save.txt`, "utf8")).dump)) },
    { name: "source-rewrite", html: sourceRewriteChart(cases, { id: "zh-source" }) },
    { name: "simulation", html: simulationSankey(affinityEvents(), { id: "zh-simulation" }) },
    { name: "sampled", html: sampledSplitSankey(sampleSplit(dump, node, { src: "172.16.1.100", dst: "10.254.112.177", dport: 1 }, 300, 7), { id: "zh-sampled" }) },
    { name: "whole-node", html: nodeSankey(catalog, { id: "zh-whole-node" }) },
    { name: "whole-node-compact", html: nodeSankey(catalog, { id: "zh-whole-node-compact", compact: true, maxServices: 5 }) },
    { name: "endpoints", html: endpointTable(wordpress) },
    { name: "marks", html: markTable(outside.outcomes[0], dump) },
    { name: "dnat", html: dnatTable(outside) },
    { name: "snat", html: snatTable(outside) },
    { name: "affinity", html: affinityTable(affinityEvents().at(-1)!.recent, 6000, { services: catalog }) },
  ];
}

// The case labels are the lesson's words: a lesson phrasebook (data/i18n/zh-CN/NN.json) translates them.
addPhrases("zh-CN", {
  "outside client → ClusterIP": "集群外的客户端 → ClusterIP",
  "outside client → NodePort": "集群外的客户端 → NodePort",
  "pod on this node → ClusterIP": "本节点的 Pod → ClusterIP",
  "outside client → kubernetes API": "集群外的客户端 → kubernetes API",
}, "test/views/zh-CN.test.ts");

const readable = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, "<style>/* views.css */</style>").replace(/></g, ">\n<") + "\n";

beforeEach(() => clearMissingPhrases("zh-CN"));
afterEach(() => setLanguage("en"));

describe("views in zh-CN", () => {
  it("every label, header, legend and message the views write has a phrase: none falls back to English", () => {
    setLanguage("zh-CN");
    chineseViews();
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("headers and legends are Chinese; chain names, addresses and rule text stay as the dump has them", () => {
    setLanguage("zh-CN");
    const views = Object.fromEntries(chineseViews().map((v) => [v.name, v.html]));
    expect(views.decisions).toContain("<th>接收方看到的源地址</th>");
    expect(views.decisions).toContain("逐个连接看裁决");
    expect(views["rule-path"]).toContain("<th>钩子</th>");
    expect(views["rule-path"]).toContain("-j KUBE-SERVICES");
    expect(views["rule-path-runs"]).toMatch(/KUBE-SERVICES 中另有 \d+ 条规则没有匹配（第 \d+ 到 \d+ 步）/);
    expect(views["hook-map"]).toContain(">路由决策</text>");
    expect(views["hook-map"]).toContain(">PREROUTING</text>");
    expect(views["wordpress-split"]).toContain("Service 链（KUBE-SVC-…）");
    expect(views["wordpress-split"]).toContain("KUBE-SVC-QYS3VDMSAZUOTSWJ");
    expect(views["wordpress-split"]).toContain("新连接：第 174 行：0.5 = 50%");
    expect(views.trace).toContain("172.16.1.100");
  });

  it("English output is the same before and after a switch to zh-CN and back", () => {
    const before = chineseViews().map((v) => v.html);
    setLanguage("zh-CN");
    chineseViews();
    setLanguage("en");
    expect(chineseViews().map((v) => v.html)).toEqual(before);
  });

  it("Sankey labels are measured in character cells, a Chinese character two: the columns make room for them", () => {
    const width = (label: string) => {
      const b = new FlowBuilder();
      b.node("a", "entry", [label]);
      b.node("b", "endpoint", ["x"]);
      b.link("a", "b", "flow", { value: 1 }, null, "");
      return Number(/<svg[^>]* width="(\d+)"/.exec(renderSankey(b.graph("count"), { width: 100, labelLength: 100, id: "w" }))![1]);
    };
    const ascii = width("a".repeat(40));
    // 40 Chinese characters are 80 cells: the first column's label lane grows by 40 cells more.
    expect(width("中".repeat(40)) - ascii).toBeGreaterThan(40 * 6);
    expect(width("中".repeat(20))).toBe(ascii);
  });

  it.each(["wordpress-split", "trace", "decisions", "hook-map", "rule-path"])("snapshot: %s", async (name) => {
    setLanguage("zh-CN");
    const view = chineseViews().find((v) => v.name === name)!;
    await expect(readable(view.html)).toMatchFileSnapshot(`./__snapshots__/zh-CN/${name}.html`);
  });
});
