// The explorer page's script (bundled as one classic script, explore.js).
import { start } from "./main.js";
import { questionPhrasesZh, questionsFor } from "./questions.js";
import { addPhrases } from "../lib/i18n/language.js";

addPhrases("zh-CN", questionPhrasesZh(), "data/i18n/zh-CN/12.json (the scenario questions)");
start(questionsFor);
