// A node file the explorer cannot use: its shape problems in zh-CN keep the file, the path, keys
// and values, and leave no wording (nor the schema's description of what was expected) in English.
import { afterEach, describe, expect, it } from "vitest";
import { loadNodeContext } from "../../lib/node/context.js";
import { problemsText, type ShapeProblem } from "../../lib/json/shape.js";
import { clearMissingPhrases, missingPhrases, setLanguage } from "../../lib/i18n/language.js";
import { shapeText } from "../../lib/views/shape-text.js";

/** The problems of a node description, as loadNodeContext reports them. */
function problemsOf(json: unknown): ShapeProblem[] {
  try {
    loadNodeContext(json, "my-node.json");
  } catch (e) {
    return (e as { problems: ShapeProblem[] }).problems;
  }
  throw new Error("the node description was accepted");
}

/** Two English words in a row outside quotes: wording left untranslated ("a list", "one of"). */
function englishLeft(zh: string): string | undefined {
  const unquoted = zh.replace(/"[^"]*"|`[^`]*`/g, " ");
  return /\b[A-Za-z]+ [a-z]{2,}\b/.exec(unquoted)?.[0];
}

const BAD_NODES: unknown[] = [
  { interfaces: [{ name: "eth0", adresses: ["10.0.0.1/24"] }], routes: [] },
  { interfaces: [{ name: "eth0", Addresses: ["10.0.0.1/24"] }], routes: [] },
  { interfaces: [{ name: "eth0", addresses: ["10.0.0.300/24", { address: "10.0.0.2/24", scope: "planet" }] }], routes: [{ dst: "nowhere" }], clusterCIDR: 7, ipForward: "yes", recentListSize: 0 },
  { routes: [] },
  { interfaces: "eth0", routes: [{ dst: "default", type: "bogus" }], otherNodes: [{ name: "k8s02" }] },
  [],
];

describe("a node file's shape problems in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("are in Chinese, one by one and as the explorer's one-line summary, and unchanged in English", () => {
    const lines = BAD_NODES.flatMap((json) => {
      const problems = problemsOf(json);
      return [problemsText("my-node.json", problems), ...problems.map((p) => problemsText("my-node.json", [p]))];
    });
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(shapeText(line)).toBe(line);
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    for (const line of lines) {
      const zh = shapeText(line);
      expect(zh.startsWith("my-node.json: "), zh).toBe(true);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(englishLeft(zh), `${line}\n${zh}`).toBeUndefined();
    }
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("keeps the suggested key and the path", () => {
    setLanguage("zh-CN");
    const line = problemsText("my-node.json", problemsOf(BAD_NODES[1]).filter((p) => p.key !== undefined));
    expect(shapeText(line)).toBe('my-node.json: interfaces[0].Addresses: 未知的键 "Addresses"（是不是想写 "addresses"？）');
  });

  it("reads the located lines the explorer lists for a node file, line by line", () => {
    const lines = [
      'bad-node.json:2:87: error: interfaces[0].addresses[0].scope: expected one of "global", "site", "link", "host" (as `ip addr` shows it; only global addresses are picked as a source), got "galaxy"',
      'bad-node.json:3:3: error: serviceCidr: unknown key "serviceCidr" (did you mean "serviceCIDR"?)',
    ].join("\n");
    expect(shapeText(lines)).toBe(lines);
    setLanguage("zh-CN");
    expect(shapeText(lines).split("\n")).toEqual([
      'bad-node.json:2:87: 错误：interfaces[0].addresses[0].scope: 期望："global"、"site"、"link"、"host" 之一（与 `ip addr` 的显示相同；只有 global 地址会被选作源地址）；实际："galaxy"',
      'bad-node.json:3:3: 错误：serviceCidr: 未知的键 "serviceCidr"（是不是想写 "serviceCIDR"？）',
    ]);
  });
});
