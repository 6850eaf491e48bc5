/**
 * The explorer page, wired together. Each part lives in its own file:
 *
 *   load.ts             sections 1 and 2: reading a dump and a node (example, file, paste, ip -j)
 *   loaded-view.ts      what was read: errors and warnings with their lines, the node, the catalog
 *   service-picker.ts   section 3, the destination: the Service picker and its ways in
 *   client-picker.ts    section 3, the client: the presets and where the packet starts
 *   question-form.ts    the question as a whole, in the form and in the page address
 *   answer.ts           section 4: asking the question, showing the answer
 *   timeline.ts         section 5: the affinity timeline
 *   open-address.ts     what a link (the `#...` part of the address) asks
 *   worker-client.ts    questions to the worker, which runs the library (worker.ts)
 *   status.ts           the status line and the count of finished answers
 *   page-state.ts       what the page holds between events
 *   accessibility.ts    keyboard and reading helpers; dom.ts small DOM helpers
 *
 * The worker answers with plain data and with HTML the library's views
 * made, every dump text in it escaped. What the parts use: protocol.ts (the
 * messages to and from the worker), url-state.ts (the address format),
 * examples.ts and questions.ts (the bundled dumps, nodes and the lessons'
 * questions), presets.ts (the ready-made clients and ways in),
 * command-line.ts (the same question as a command), translate-page.ts and
 * zh-CN.ts (the page in Chinese). page.ts is the script's entry.
 */
import { onEnter, wireLargeType } from "./accessibility.js";
import { copyJson, traceForm } from "./answer.js";
import { applyPreset } from "./client-picker.js";
import { $, option } from "./dom.js";
import { EXAMPLES, NODES } from "./examples.js";
import { chooseBundledNode, chooseExample, openDumpFile, openNodeFile, readPastedDump, useIpOutput } from "./load.js";
import { openFromAddress } from "./open-address.js";
import { page } from "./page-state.js";
import type { Question } from "./questions.js";
import { applyQuestion } from "./question-form.js";
import { applyDestination, chooseService, filterServices } from "./service-picker.js";
import { addToTimeline, clearTimeline, runTimeline } from "./timeline.js";
import { followPageLanguage } from "./translate-page.js";
import { t } from "../lib/i18n/language.js";

/** The fixed choices: the bundled examples and nodes. */
function fillChoices(): void {
  const exampleSelect = $<HTMLSelectElement>("example");
  exampleSelect.append(...EXAMPLES.map((e) => option(e.id, t(e.title))));
  exampleSelect.append(option("", t("(your own dump, loaded below)")));
  const nodeSelect = $<HTMLSelectElement>("node-choice");
  nodeSelect.append(option("", t("the example's own node")), ...NODES.map((n) => option(n.id, `${n.title} (${n.path})`)));
}

/** Each control to the part that handles it. */
function wire(): void {
  // Sections 1 and 2: the rules and the node.
  $("example").addEventListener("change", () => void chooseExample());
  $("node-choice").addEventListener("change", () => void chooseBundledNode());
  $("dump-file").addEventListener("change", () => void openDumpFile());
  $("read-text").addEventListener("click", () => void readPastedDump());
  $("node-file").addEventListener("change", () => void openNodeFile());
  $("use-ip").addEventListener("click", () => void useIpOutput());
  // Section 3: the question.
  $("service-search").addEventListener("input", filterServices);
  $<HTMLSelectElement>("service").addEventListener("change", () => chooseService($<HTMLSelectElement>("service").value, true));
  $<HTMLSelectElement>("target").addEventListener("change", () => {
    const [protocol, dst] = $<HTMLSelectElement>("target").value.split(" ");
    applyDestination(dst, protocol);
  });
  $<HTMLSelectElement>("preset").addEventListener("change", () => applyPreset($<HTMLSelectElement>("preset").value));
  $<HTMLInputElement>("local").addEventListener("change", () => {
    // A process on the node sends from OUTPUT: no interface applies.
    $<HTMLSelectElement>("in").disabled = $<HTMLInputElement>("local").checked;
  });
  $<HTMLSelectElement>("question-list").addEventListener("change", () => {
    if (applyQuestion($<HTMLSelectElement>("question-list").value)) void traceForm();
  });
  $("trace").addEventListener("click", () => void traceForm());
  onEnter(["src", "dst"], () => void traceForm());
  // Section 4: the answer; section 5: the timeline.
  $("copy-json").addEventListener("click", () => void copyJson());
  $("tl-add").addEventListener("click", addToTimeline);
  $("tl-clear").addEventListener("click", clearTimeline);
  $("tl-seed").addEventListener("change", () => void runTimeline());
  wireLargeType();
  window.addEventListener("hashchange", () => void openFromAddress());
}

/** Start the page: the questions bundled with it, the page's language, the form, then what the address asks. */
export function start(questions: (example: string) => Question[]): void {
  page.questionsOf = questions;
  followPageLanguage();
  fillChoices();
  wire();
  void openFromAddress();
}
