// A node file the explorer cannot use: its shape problems, written by lib/json/shape.ts in the
// current language, keep in zh-CN the file, the path, keys and values, and leave no wording (nor the
// schema's description of what was expected) in English.
import { afterEach, describe, expect, it } from "vitest";
import { loadNodeContext } from "../../lib/node/context.js";
import { problemsText, type ShapeProblem } from "../../lib/json/shape.js";
import { clearMissingPhrases, missingPhrases, setLanguage, t } from "../../lib/i18n/language.js";
import { loadJsonText } from "../../lib/json/input.js";
import { englishPairLeft } from "./english-left.js";

/** The problems of a node description, as loadNodeContext reports them. */
function problemsOf(json: unknown): ShapeProblem[] {
  try {
    loadNodeContext(json, "my-node.json");
  } catch (e) {
    return (e as { problems: ShapeProblem[] }).problems;
  }
  throw new Error("the node description was accepted");
}

const BAD_NODES: unknown[] = [
  { interfaces: [{ name: "eth0", adresses: ["10.0.0.1/24"] }], routes: [] },
  { interfaces: [{ name: "eth0", Addresses: ["10.0.0.1/24"] }], routes: [] },
  { interfaces: [{ name: "eth0", addresses: ["10.0.0.300/24", { address: "10.0.0.2/24", scope: "planet" }] }], routes: [{ dst: "nowhere" }], clusterCIDR: 7, ipForward: "yes", recentListSize: 0 },
  { routes: [] },
  { interfaces: "eth0", routes: [{ dst: "default", type: "bogus" }], otherNodes: [{ name: "k8s02" }] },
  [],
];

/** The problems of each bad node: the one-line summary and each problem alone, as the current language writes them. */
function linesOf(): string[] {
  return BAD_NODES.flatMap((json) => {
    const problems = problemsOf(json);
    return [problemsText("my-node.json", problems), ...problems.map((p) => problemsText("my-node.json", [p]))];
  });
}

/** The located lines the explorer and the CLI list for a node file's text. */
function locatedLines(text: string): string[] {
  try {
    loadJsonText(text, "bad-node.json", loadNodeContext);
  } catch (e) {
    return (e as Error).message.split("\n");
  }
  throw new Error("the node file was accepted");
}

const BAD_NODE_TEXT = '{ "interfaces": [{ "name": "eth0", "addresses": [{ "address": "10.0.0.1/24", "scope": "galaxy" }] }], "routes": [],\n  "serviceCidr": null }\n';

describe("a node file's shape problems in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("are in Chinese, one by one and as the one-line summary, with the same file, paths, keys and values as in English", () => {
    const english = linesOf();
    expect(english.length).toBeGreaterThan(10);
    expect(english.join("\n")).not.toMatch(/[\u3400-\u9fff]/);
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    const chinese = linesOf();
    expect(chinese.length).toBe(english.length);
    chinese.forEach((zh, i) => {
      expect(zh.startsWith("my-node.json: "), zh).toBe(true);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(englishPairLeft(zh, false), `${english[i]}\n${zh}`).toBeUndefined();
      expect(zh.match(/"[^"]*"/g) ?? [], zh).toEqual(expect.arrayContaining((english[i].match(/"[^"]*"/g) ?? []).filter((q) => !/ /.test(q))));
    });
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("keeps the suggested key and the path", () => {
    setLanguage("zh-CN");
    const line = problemsText("my-node.json", problemsOf(BAD_NODES[1]).filter((p) => p.key !== undefined));
    expect(line).toBe('my-node.json: interfaces[0].Addresses: 未知的键 "Addresses"（是不是想写 "addresses"？）');
  });

  it("the located lines the explorer lists for a node file, line by line", () => {
    expect(locatedLines(BAD_NODE_TEXT)).toEqual([
      'bad-node.json:1:87: error: interfaces[0].addresses[0].scope: expected one of "global", "site", "link", "host" (as `ip addr` shows it; only global addresses are picked as a source), got "galaxy"',
      'bad-node.json:2:3: error: serviceCidr: unknown key "serviceCidr" (did you mean "serviceCIDR"?)',
    ]);
    setLanguage("zh-CN");
    expect(locatedLines(BAD_NODE_TEXT)).toEqual([
      'bad-node.json:1:87: 错误：interfaces[0].addresses[0].scope: 期望："global"、"site"、"link"、"host" 之一（与 `ip addr` 的显示相同；只有 global 地址会被选作源地址）；实际："galaxy"',
      'bad-node.json:2:3: 错误：serviceCidr: 未知的键 "serviceCidr"（是不是想写 "serviceCIDR"？）',
    ]);
  });

  it("a template is filled, never matched against a whole sentence: a text without a phrase of its own stays as it is", () => {
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    expect(t("expected {}, got {}", "a list", "7")).toBe("期望：a list；实际：7");
    for (const text of ["expected a cat, got a dog", "to the moon", "missing \"x\": expected a dog", "one of the kind", "a list of at least three reasons", "in time", "Plan (a)"]) {
      expect(t(text)).toBe(text);
    }
    expect(missingPhrases("zh-CN").length).toBe(7);
  });
});

describe("the phrasebooks' whole-sentence patterns", () => {
  it("each has words of its own around its placeholders; broader ones are templates (ZH_CN_TEMPLATES)", async () => {
    const { ZH_CN } = await import("../../lib/i18n/zh-CN.js");
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../../data/i18n/zh-CN/", import.meta.url);
    const lessons = readdirSync(dir).flatMap((f) => Object.keys((JSON.parse(readFileSync(new URL(f, dir), "utf8")) as { phrases: Record<string, string> }).phrases));
    const letters = (key: string) => key.split("{}").join("").replace(/[^A-Za-z]/g, "").length;
    const broad = [...Object.keys(ZH_CN), ...lessons].filter((k) => k.includes("{}") && letters(k) < 4);
    expect(broad).toEqual([]);
  });
});
