/**
 * Asking the form's question and showing the answer (section 4): the
 * outcomes with their chances, the warnings, the Sankey, each outcome's
 * rules, marks, NAT and later packets (HTML from the library's views), the
 * JSON the command line prints and the command that prints it.
 */
import { putViewHtml, setViewHtml } from "./accessibility.js";
import { $, element } from "./dom.js";
import { page } from "./page-state.js";
import type { ConnectionRequest, Traced } from "./protocol.js";
import { formState, setProblem, writeAddress } from "./question-form.js";
import { countAnswer, setStatus } from "./status.js";
import { connectionOfState } from "./url-state.js";
import { ask, failureOf } from "./worker-client.js";
import { t } from "../lib/i18n/language.js";
import { engineText } from "../lib/views/engine-text.js";

/** The number of the latest question asked: an answer to an older one (the user asked again meanwhile) is dropped. */
let traceRun = 0;

/** Trace the connection the form describes, or say what is missing. */
export async function traceForm(): Promise<void> {
  const state = formState();
  const asked = connectionOfState(state);
  if ("problem" in asked) {
    setProblem(asked.problem);
    return;
  }
  if (!page.loaded?.services) {
    setProblem("load a dump without errors first (section 1)");
    return;
  }
  if (!page.loaded.node) {
    setProblem("choose or load a node description first (section 2)");
    return;
  }
  setProblem("");
  const run = ++traceRun;
  writeAddress(state);
  const reply = await ask({ type: "trace", connection: asked.connection }, t("tracing the connection"));
  if (run !== traceRun) return;
  if (reply.type !== "traced") {
    setProblem(failureOf(reply));
    $("answer").hidden = true;
    setStatus(t("The connection could not be traced."), "problem");
    countAnswer("traced");
    return;
  }
  showAnswer(reply.traced, asked.connection);
  countAnswer("traced");
}

function showAnswer(traced: Traced, c: ConnectionRequest): void {
  const answer = $("answer");
  answer.hidden = false;
  const n = traced.outcomes.length;
  $("answer-lead").textContent = `${c.protocol} ${c.src} -> ${c.dst}:${c.dport}: ${t(n === 1 ? "{} possible outcome, traced in {} ms." : "{} possible outcomes, traced in {} ms.", n, traced.milliseconds.toFixed(1))}`;
  showWarnings(traced.warnings);
  setViewHtml("summary", traced.summaryHtml);
  setViewHtml("sankey", traced.sankeyHtml);
  $("outcomes").replaceChildren(...traced.outcomes.map(outcomeDetails));
  $("trace-json").textContent = traced.json;
  answer.scrollIntoView({ block: "start" });
  $("command").textContent = traced.command;
  setStatus(t(n === 1 ? "Traced: {} outcome." : "Traced: {} outcomes.", n), "ok");
}

/** The trace's warnings (a destination nothing owns, a source the node does not have, ...) in the page's language; the list hides when there are none. */
function showWarnings(warnings: readonly string[]): void {
  const list = $("warnings");
  list.replaceChildren(...warnings.map((w) => element("li", engineText(w))));
  list.hidden = warnings.length === 0;
}

/** One outcome's views, folded under its title; the first is open, the others open on a click. */
function outcomeDetails(o: Traced["outcomes"][number], i: number): HTMLDetailsElement {
  const details = element("details", undefined, "outcome");
  if (i === 0) details.open = true;
  details.append(element("summary", t("Outcome {}: the hooks, every rule, marks, NAT and later packets", o.title)));
  for (const html of [o.hooksHtml, o.pathHtml, o.markHtml, o.natHtml, o.followUpHtml]) {
    const part = element("div");
    putViewHtml(part, html);
    details.append(part);
  }
  return details;
}

/** Copy the JSON to the clipboard; where the browser refuses, select it for Ctrl+C. */
export async function copyJson(): Promise<void> {
  try {
    await navigator.clipboard.writeText($("trace-json").textContent ?? "");
    $("copy-status").textContent = t("copied");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("trace-json"));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    $("copy-status").textContent = t("selected: press Ctrl+C (or ⌘C) to copy");
  }
}
