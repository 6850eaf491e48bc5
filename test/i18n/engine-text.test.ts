// The texts the trace engine writes (step actions, why a condition failed, drop reasons, why
// MASQUERADE chose its address, warnings) reach the zh-CN views in Chinese: every trace the lessons
// and the scenario files ask for (outside, pod, node, NodePort, hairpin, no match, rejected,
// dropped, later packets) is rendered, and no text may fall back to English.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  decisionTable, loadNodeContext, outcomeTable, parseDump, rulePathTable, setLanguage, snatTable, traceConnection, traceSankey, verdictTable,
  type ConnectionSpec, type Dump, type NodeContext, type Trace,
} from "../../lib/index.js";
import { clearMissingPhrases, missingPhrases } from "../../lib/i18n/language.js";
import { engineText } from "../../lib/views/engine-text.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const inputs = new Map<string, { dump: Dump; node: NodeContext }>();

function input(name: string) {
  let found = inputs.get(name);
  if (!found) {
    const nodeDir = existsSync(`${root}data/${name}/node.json`) ? name : "wordpress"; // wordpress-scaled is the wordpress node
    found = {
      dump: parseDump(readFileSync(`${root}data/${name}/iptables-save.txt`, "utf8")).dump,
      node: loadNodeContext(JSON.parse(readFileSync(`${root}data/${nodeDir}/node.json`, "utf8"))),
    };
    inputs.set(name, found);
  }
  return found;
}

/** Every connection of explorer/lesson-cases.json and of the examples' scenario files, traced. */
function traces(): Trace[] {
  const specs: [string, ConnectionSpec][] = [];
  const lessons = JSON.parse(readFileSync(`${root}explorer/lesson-cases.json`, "utf8")).lessons as Record<string, (ConnectionSpec & { dump: string })[]>;
  for (const cases of Object.values(lessons)) for (const c of cases) specs.push([c.dump, c]);
  for (const name of ["wordpress", "wordpress-today", "policies-today", "link-scope-today"]) {
    for (const s of JSON.parse(readFileSync(`${root}data/${name}/scenarios.json`, "utf8")).scenarios) if (s.connect) specs.push([name, s.connect]);
  }
  return specs.map(([name, spec]) => traceConnection(input(name).dump, input(name).node, spec));
}

/** Every view that shows the engine's texts, for every outcome and its later packets. */
function render(all: Trace[]): string {
  let html = decisionTable(all.map((trace, i) => ({ label: `情形 ${i + 1}`, trace })));
  for (const trace of all) {
    html += outcomeTable(trace) + verdictTable(trace) + snatTable(trace) + traceSankey(trace);
    for (const o of trace.outcomes) {
      html += rulePathTable(o);
      for (const later of [...(o.followUp?.original ?? []), ...(o.followUp?.reply ?? [])]) html += rulePathTable(later);
    }
  }
  return html;
}

beforeEach(() => clearMissingPhrases("zh-CN"));
afterEach(() => setLanguage("en"));

describe("the engine's texts in zh-CN", () => {
  it("covers every kind of trace the lessons show", () => {
    const verdicts = new Set(traces().flatMap((tr) => tr.outcomes.map((o) => o.verdict)));
    expect([...verdicts].sort()).toEqual(["accepted", "dropped", "rejected"]);
  });

  it("every step action, failed condition, reason and warning has a phrase: none falls back to English", () => {
    const all = traces();
    setLanguage("zh-CN");
    const html = render(all);
    expect(missingPhrases("zh-CN")).toEqual([]);
    expect(html).toContain("跳转到 KUBE-SERVICES");
    expect(html).toContain("转发：从 flannel.1 发出（FORWARD）");
    expect(html).toContain("随机数落在这个概率之内");
    expect(html).toContain("从 flannel.1 送出");
    expect(html).not.toMatch(/jump to|forward out of|first global-scope address|rewrites the (source|destination)|the random draw/);
  });

  it("keeps rule text, chains, addresses and interfaces as they are", () => {
    setLanguage("zh-CN");
    expect(engineText("MASQUERADE 172.16.1.100:40000 -> 10.253.51.0:40000 (first global-scope address of flannel.1 for next hop 10.253.84.4; --random-fully: the kernel picks the source port at random (shown here as the client's))"))
      .toBe("MASQUERADE 172.16.1.100:40000 -> 10.253.51.0:40000（flannel.1 的第一个全局范围（global scope）地址，下一跳 10.253.84.4；--random-fully：内核随机选择源端口（这里显示的是客户端的端口））");
    expect(engineText("-m mark --mark 0x4000/0x4000: mark is 0x0 (0x0 & 0x4000 = 0x0); ! -s 10.253.0.0/16: source 10.253.51.9 is in 10.253.0.0/16"))
      .toBe("-m mark --mark 0x4000/0x4000：标记是 0x0（0x0 & 0x4000 = 0x0）；! -s 10.253.0.0/16：源地址 10.253.51.9 在 10.253.0.0/16 之内");
    expect(engineText("line 12: -m set --match-set X src: ipset X's members are not in an iptables dump")).toBe("第 12 行：-m set --match-set X src：iptables 的 dump 里没有 ipset X 的成员");
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("leaves English text byte for byte as the engine wrote it", () => {
    const text = "forward out of eth0 via 172.16.1.1 (FORWARD); {} x";
    expect(engineText(text)).toBe(text);
  });
});
