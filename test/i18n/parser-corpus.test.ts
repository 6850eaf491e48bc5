// Every wording of the parser's diagnostics reads in Chinese in zh-CN: the refused-input corpus
// (test/fixtures/kernel/rejected.json), the kernel fixtures, and malformed rules generated from
// those fixtures (each value replaced by bad ones, each option repeated, cut short or negated),
// rendered as the explorer shows them, with no fixed part left in English.
import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDump } from "../../lib/index.js";
import { clearMissingPhrases, missingPhrases, setLanguage } from "../../lib/i18n/language.js";
import { diagnosticMessage } from "../../lib/views/engine-text.js";
import { englishPhraseLeft } from "./english-left.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const kernelDir = `${root}test/fixtures/kernel/`;

/** Values that no option takes, or takes only in range. */
const BAD_VALUES = ["x", "999999", "-1", "1.2.3.400/33", "a:b", "0x", "65536:1", ",", "!"];

/** Malformed variants of one rule line: each value replaced, each option repeated, the rule cut after each word, a `!` put before each option. */
function variants(rule: string): string[] {
  const words = rule.split(" ");
  const out: string[] = [];
  words.forEach((w, i) => {
    if (i < 2) return;
    if (!w.startsWith("-")) for (const bad of BAD_VALUES) out.push([...words.slice(0, i), bad, ...words.slice(i + 1)].join(" "));
    else {
      out.push([...words.slice(0, i + 1)].join(" "));
      const value = words[i + 1] && !words[i + 1].startsWith("-") ? [words[i + 1]] : [];
      out.push([...words.slice(0, i), w, ...value, ...words.slice(i)].join(" "));
      out.push([...words.slice(0, i), "!", ...words.slice(i)].join(" "));
    }
  });
  return out;
}

/** Every text to parse: the corpus, the fixtures, and one small dump per generated variant. */
function inputs(): string[] {
  const corpus = (JSON.parse(readFileSync(`${kernelDir}rejected.json`, "utf8")) as { input: string }[]).map((c) => c.input);
  const fixtures = readdirSync(kernelDir).filter((f) => f.endsWith(".rules")).map((f) => readFileSync(kernelDir + f, "utf8"));
  const generated: string[] = [];
  for (const text of fixtures) {
    let table = "filter";
    const declared = text.split("\n").filter((l) => l.startsWith(":"));
    for (const line of text.split("\n")) {
      if (line.startsWith("*")) table = line.slice(1);
      if (!line.startsWith("-A ")) continue;
      for (const v of variants(line)) generated.push(`*${table}\n${declared.join("\n")}\n${v}\nCOMMIT\n`);
    }
  }
  return [...corpus, ...fixtures, ...generated];
}

describe("the parser's diagnostics over the corpus and generated malformed rules, in zh-CN", () => {
  afterEach(() => setLanguage("en"));

  it("each distinct message reads in Chinese", () => {
    const messages = new Set<string>();
    for (const text of inputs()) {
      const r = parseDump(text, { file: "t.save" });
      for (const d of [...r.errors, ...r.warnings]) messages.add(d.message);
    }
    expect(messages.size).toBeGreaterThan(200);
    setLanguage("zh-CN");
    clearMissingPhrases("zh-CN");
    const left = [...messages].filter((m) => englishPhraseLeft(diagnosticMessage(m)) !== undefined || !/[\u4e00-\u9fff]/.test(diagnosticMessage(m)));
    // Reported once per wording: quoted values and the leading option or module name as {}.
    const wordings = [...new Set(left.map((m) => m.replace(/'[^']*'/g, "'{}'").replace(/^(?:[a-z0-9-]+|--?[A-Za-z0-9-]+): /, "{}: ")))];
    expect(wordings).toEqual([]);
    expect(missingPhrases("zh-CN")).toEqual([]);
  });
});
