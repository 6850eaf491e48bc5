// The explorer page's script (bundled as one classic script, explore.js).
import { start } from "./main.js";
import { questionPhrasesZh, questionsFor } from "./questions.js";
import { addPhrases } from "../lib/i18n/language.js";
import { EXPLORER_ZH_CN } from "./zh-CN.js";

addPhrases("zh-CN", questionPhrasesZh(), "data/i18n/zh-CN/12.json (the scenario questions)");
addPhrases("zh-CN", EXPLORER_ZH_CN, "explorer/zh-CN.ts");
start(questionsFor);
