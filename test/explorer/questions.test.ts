// Every question the explorer's picker offers for a bundled example has a Chinese phrase that
// keeps the question's addresses, ports and chain names as they are.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../explorer/examples.js";
import { questionPhrasesZh, questionsFor } from "../../explorer/questions.js";
import { addPhrases, phraseIn } from "../../lib/i18n/language.js";

addPhrases("zh-CN", questionPhrasesZh(), "lesson 12's scenario questions");

/** The parts of a question that must reach the Chinese unchanged: addresses, ports, ranges, chain names. */
const VERBATIM = /\d+\.\d+\.\d+\.\d+(?::\d+|\/\d+)?|KUBE-[A-Z-]+|--[a-z-]+/g;

describe("the explorer's scenario questions in zh-CN", () => {
  for (const example of EXAMPLES) {
    it(`${example.id}: every question has a Chinese phrase`, () => {
      const questions = questionsFor(example.id);
      if (existsSync(`data/${example.id}/scenarios.json`)) expect(questions.length).toBeGreaterThan(0);
      const untranslated = questions.map((q) => q.question).filter((q) => !/[\u4e00-\u9fff]/.test(phraseIn("zh-CN", q)));
      expect(untranslated).toEqual([]);
      for (const q of questions) {
        const zh = phraseIn("zh-CN", q.question);
        for (const part of q.question.match(VERBATIM) ?? []) expect(zh, q.question).toContain(part);
      }
    });
  }
});
