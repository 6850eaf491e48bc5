// The language of the labels: setLanguage/language/t, the placeholder phrases, the lesson
// phrasebooks openLesson loads from data/i18n/LANG/, and KIL_LANG.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addPhrases, fill, language, missingPhrases, phraseIn, setLanguage, t } from "../../lib/i18n/language.js";
import { ZH_CN } from "../../lib/i18n/zh-CN.js";
import { dataPath, languageFromEnvironment, readLessonPhrases } from "../../lib/lessons/open.js";
import { checkAnswer, exerciseHtml } from "../../lib/lessons/exercise.js";
import { lessonTable } from "../../lib/lessons/html.js";

afterEach(() => setLanguage("en"));

describe("language and t", () => {
  it("is English by default, where t gives the text itself, values filled in", () => {
    expect(language()).toBe("en");
    expect(t("verdict")).toBe("verdict");
    expect(t("Endpoints of {}", "default/web")).toBe("Endpoints of default/web");
  });

  it("switches to zh-CN and back; an unknown language is refused by name", () => {
    expect(setLanguage("zh-CN")).toBe("zh-CN");
    expect(t("Not quite.")).toBe("还不对。");
    setLanguage("en");
    expect(t("Not quite.")).toBe("Not quite.");
    expect(() => setLanguage("fr")).toThrow(/'fr' is not a language of the kit \(en, zh-CN\)/);
  });

  it("matches a whole sentence against placeholder phrases, the most specific first, and fills them in order or by number", () => {
    addPhrases("zh-CN", { "{} rules": "{} 条规则", "{} more rules of {}": "{2} 中另有 {1} 条规则" }, "test");
    setLanguage("zh-CN");
    expect(t("7 more rules of KUBE-SERVICES")).toBe("KUBE-SERVICES 中另有 7 条规则");
    expect(t("12 rules")).toBe("12 条规则");
    expect(t("{} more rules of {}", 3, "KUBE-NODEPORTS")).toBe("KUBE-NODEPORTS 中另有 3 条规则");
    // A value is put in as it is: a "{}" inside it is not filled again.
    expect(fill("{} and {}", ["{}", "x"])).toBe("{} and x");
  });

  it("records a text without a phrase, and gives the English text for it", () => {
    expect(phraseIn("zh-CN", "a sentence nobody translated")).toBe("a sentence nobody translated");
    expect(missingPhrases("zh-CN")).toContain("a sentence nobody translated");
  });

  it("refuses a phrase whose placeholders do not match its key, naming the source and the key", () => {
    expect(() => addPhrases("zh-CN", { "Endpoints of {}": "端点" }, "data/i18n/zh-CN/99.json")).toThrow(
      'data/i18n/zh-CN/99.json: "Endpoints of {}" has 1 placeholder ({}), its phrase "端点" has 0'
    );
    expect(() => addPhrases("zh-CN", { "{} of {}": "{3} 的 {1}" }, "x.json")).toThrow(/names \{3\}/);
    expect(() => addPhrases("zh-CN", { " {} ": "（{}）" }, "x.json")).toThrow('x.json: the key " {} " has no text besides its placeholders; it would match every text');
  });

  it("the library's phrasebook: every phrase uses its key's placeholders, and none is left in English", () => {
    expect(() => addPhrases("zh-CN", ZH_CN, "lib/i18n/zh-CN.ts")).not.toThrow();
    const untranslated = Object.entries(ZH_CN).filter(([k, v]) => v === k && /[a-z]{3}/.test(k));
    expect(untranslated).toEqual([]);
  });
});

describe("the lesson helpers follow the language", () => {
  it("checkAnswer and exerciseHtml: the library's words and the lesson's phrases in zh-CN", () => {
    addPhrases("zh-CN", { "Count the rules.": "数一数规则。", "Three rules match.": "有三条规则匹配。" }, "test");
    setLanguage("zh-CN");
    const unanswered = checkAnswer<number>(null, 3, { hint: "Count the rules.", why: "Three rules match." });
    expect(unanswered.message).toBe("还没有作答：把 null 换成你的答案，再运行这个单元格。");
    expect(unanswered.answer).toBe("3。有三条规则匹配。");
    const html = exerciseHtml(unanswered);
    expect(html).toContain("<strong>提示：</strong> 数一数规则。");
    expect(html).toContain("<summary>答案（先自己试一试，再展开）</summary>");
    expect(checkAnswer(3, 3, { hint: "Count the rules.", why: "Three rules match." }).message).toBe("答对了。有三条规则匹配。");
  });

  it("lessonTable translates the header and caption, never the cells", () => {
    addPhrases("zh-CN", { chain: "链", "The chains": "这些链" }, "test");
    setLanguage("zh-CN");
    const html = lessonTable(["chain"], [["chain"]], "The chains");
    expect(html).toContain("<caption>这些链</caption>");
    expect(html).toContain("<th>链</th>");
    expect(html).toContain("<td>chain</td>");
  });
});

describe("KIL_LANG and the lesson phrasebooks", () => {
  it("KIL_LANG=zh-CN sets the language; unset leaves it; an unknown one is a clear error", () => {
    expect(languageFromEnvironment({})).toBeNull();
    expect(language()).toBe("en");
    expect(languageFromEnvironment({ KIL_LANG: "zh-CN" })).toBe("zh-CN");
    expect(language()).toBe("zh-CN");
    expect(() => languageFromEnvironment({ KIL_LANG: "de" })).toThrow("openLesson: KIL_LANG=de is not a language of the kit (en, zh-CN)");
  });

  it("a phrasebook that is not { phrases: { text: text } } is refused with its file (and line for bad JSON)", () => {
    expect(() => readLessonPhrases("data/i18n/zh-CN/01.json", '{\n  "phrases": {\n    "a": "b",\n  }\n}')).toThrow(/^data\/i18n\/zh-CN\/01\.json:4:\d+: not valid JSON/);
    expect(() => readLessonPhrases("f.json", '{ "a": "b" }')).toThrow('f.json: expected { "phrases": { "English text": "translation", ... } }');
    expect(() => readLessonPhrases("f.json", '{ "phrases": { "a": 1 } }')).toThrow('f.json: the phrase for "a" is a number, expected a string');
  });

  it("every committed lesson phrasebook reads and its phrases fit their keys", () => {
    const dir = dataPath("i18n/zh-CN/");
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    for (const f of files) {
      const file = `data/i18n/zh-CN/${f}`;
      expect(() => addPhrases("zh-CN", readLessonPhrases(file, fs.readFileSync(path.join(dir, f), "utf8")), file)).not.toThrow();
    }
  });
});
