// JSON inputs the kit cannot use, in zh-CN: text that is not JSON (every reason the reader gives),
// `ip -j addr` / `ip -j route` output and scenario files of the wrong shape. The file, line, column,
// path, keys and values stay as they are; no wording (nor a schema's description) is left in English.
import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadJsonText, JsonInputError } from "../../lib/json/input.js";
import { checkIpJson, loadNodeContext } from "../../lib/node/context.js";
import { parseScenarioFile } from "../../lib/lab/scenarios.js";
import { clearMissingPhrases, hasPhrase, missingPhrases, setLanguage } from "../../lib/i18n/language.js";
import { englishPairLeft } from "./english-left.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The lines a JSON input's problems are reported in, as the explorer shows them. */
function reported(text: string, file: string, load: (value: unknown, file: string) => unknown): string {
  try {
    loadJsonText(text, file, load);
  } catch (e) {
    return e instanceof JsonInputError ? e.lines.join("\n") : (e as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

/** Text that is not JSON: one for each reason the reader can give. */
const NOT_JSON = [
  "", "[1] x", "[1, }", "{ 1: 2 }", '{ "a" 1 }', '{ "a": 1 ]', "[1 2]", '"open', '"a\tb"', '"\\u12"', '"\\q"', "-x", "[".repeat(70),
];

/** Every description in the input schemas, as a shape problem quotes it. */
function descriptions(schema: string): string[] {
  const out: string[] = [];
  (function walk(v: unknown) {
    if (v && typeof v === "object") {
      const d = (v as { description?: unknown }).description;
      if (typeof d === "string") out.push(d);
      Object.values(v).forEach(walk);
    }
  })(JSON.parse(readFileSync(`${root}schemas/${schema}`, "utf8")));
  return out;
}

const BAD_IP_ADDR = [
  { ifname: "eth0", addr_info: [{ family: "inet", local: "10.0.0.300", prefixlen: 40, scope: "galaxy", secondary: "no" }] },
  { addr_info: "none" }, 7,
];
const BAD_IP_ROUTE = [{ dst: "nowhere", gateway: 1, dev: 2, prefsrc: [], type: 3 }, { gateway: "10.0.0.1" }, null];
const BAD_SCENARIOS = {
  format: "kube-iptables-lab/scenarios@2", significance: 2,
  scenarios: [
    { id: "", question: "q", connect: { src: "10.0.0.1", dst: "x", dport: 0, protocol: "icmp", from: "there", timeoutMs: 5 } },
    { id: "s", question: "q", kind: "split", connections: 1, connect: { src: "10.0.0.1", dst: "10.0.0.2", dport: 80 } },
    { id: "q", question: "q", kind: "sequence", steps: [{ wait: 40 }, { connect: {}, label: 1 }], recentSeconds: 0 },
    { id: "k", question: "q", kind: "wrong" },
  ],
};

describe("JSON inputs that cannot be used, in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("every description of the input schemas has its phrase", () => {
    const all = ["node", "ip-addr", "ip-route", "scenarios", "connections"].flatMap((s) => descriptions(`${s}.schema.json`));
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter((d) => !hasPhrase("zh-CN", d))).toEqual([]);
  });

  it("text that is not JSON: every reason in Chinese, at its line and column, English unchanged", () => {
    const english = NOT_JSON.map((text) => reported(text, "bad.json", (v) => v));
    expect(english[1]).toBe("bad.json:1:5: error: not valid JSON: unexpected text after the JSON value");
    expect(english[4]).toBe("bad.json:1:7: error: not valid JSON: expected ':' after the key, found \"1\"");
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    NOT_JSON.forEach((text, i) => {
      const zh = reported(text, "bad.json", (v) => v);
      expect(zh.split(": ")[0], zh).toBe(english[i].split(": ")[0]);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(englishPairLeft(zh, true), `${english[i]}\n${zh}`).toBeUndefined();
    });
    expect(reported("[1] x", "bad.json", (v) => v)).toBe("bad.json:1:5: 错误：不是有效的 JSON：JSON 值之后还有多余的文本");
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("`ip -j addr`, `ip -j route`, a node and a scenario file of the wrong shape", () => {
    const cases: [string, unknown, (v: unknown, f: string) => unknown][] = [
      ["addr.json", BAD_IP_ADDR, (v, f) => checkIpJson("ipAddr", v, f)],
      ["route.json", BAD_IP_ROUTE, (v, f) => checkIpJson("ipRoute", v, f)],
      ["route.json", { routes: [] }, (v, f) => checkIpJson("ipRoute", v, f)],
      ["scenarios.json", BAD_SCENARIOS, (v, f) => parseScenarioFile(v, f)],
      ["scenarios.json", { scenarios: [{ id: "a", question: "q", connect: { src: "10.0.0.1", dst: "10.0.0.2", dport: 80 } }, { id: "a", question: "q", connect: { src: "10.0.0.1", dst: "10.0.0.2", dport: 80 } }] }, (v, f) => parseScenarioFile(v, f)],
      ["node.json", { interfaces: [{ name: "eth0", addresses: [] }], routes: [{ dst: "default", dev: "eth9" }, { dst: "default", type: "unicast" }] }, (v, f) => loadNodeContext(v, f)],
    ];
    const english = cases.map(([file, value, load]) => reported(JSON.stringify(value, null, 1), file, load));
    expect(english.join("\n").split("\n").length).toBeGreaterThan(20);
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    cases.forEach(([file, value, load], i) => {
      const zh = reported(JSON.stringify(value, null, 1), file, load).split("\n");
      const en = english[i].split("\n");
      expect(zh.length).toBe(en.length);
      zh.forEach((line, n) => {
        expect(line.split(" ")[0], line).toBe(en[n].split(" ")[0]);
        expect(line).toMatch(/[\u4e00-\u9fff]/);
        expect(englishPairLeft(line, true), `${en[n]}\n${line}`).toBeUndefined();
      });
    });
    expect(missingPhrases("zh-CN")).toEqual([]);
  });

  it("the bundled `ip -j` examples are accepted", () => {
    for (const f of readdirSync(`${root}data/bring-your-own`).filter((f) => f.endsWith(".json"))) {
      const kind = f.startsWith("ip-addr") ? "ipAddr" : "ipRoute";
      expect(() => checkIpJson(kind, JSON.parse(readFileSync(`${root}data/bring-your-own/${f}`, "utf8")), f)).not.toThrow();
    }
  });
});
