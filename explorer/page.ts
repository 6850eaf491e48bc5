// The explorer page's script (bundled as one classic script, explore.js).
import { start } from "./main.js";
import { questionsFor } from "./questions.js";

start(questionsFor);
