/**
 * The affinity timeline (section 5): connections from the form, each at a
 * chosen time, run in order by the library's simulateConnections, which
 * shows the endpoint each got and what the `recent` lists held.
 */
import { putViewHtml } from "./accessibility.js";
import { $, element } from "./dom.js";
import { page } from "./page-state.js";
import type { Simulated, TimedRequest } from "./protocol.js";
import { formState, setProblem } from "./question-form.js";
import { countAnswer, setStatus } from "./status.js";
import { connectionOfState } from "./url-state.js";
import { ask, failureOf } from "./worker-client.js";
import { t } from "../lib/i18n/language.js";

/** One connection of the list, as the reader wrote it: time, label, protocol, addresses and where it starts. */
function connectionText(c: TimedRequest): string {
  const origin = c.from === "local" ? ` (${t("from the node")})` : c.from ? ` (${t("on {}", c.from.interface)})` : "";
  return `${t("t={}s", c.time)} ${c.label ? `${c.label}: ` : ""}${c.protocol} ${c.src}${c.sport !== undefined ? `:${c.sport}` : ""} -> ${c.dst}:${c.dport}${origin}`;
}

function showTimeline(): void {
  $("tl-list").replaceChildren(...page.timeline.map((c) => element("li", connectionText(c))));
}

/** The timeline's warnings, each once with the connections it concerns; the list hides when there are none. */
function showWarnings(warnings: Simulated["warnings"]): void {
  const list = $("tl-warnings");
  list.replaceChildren(...warnings.map((w) => {
    const item = element("li", w.text);
    item.append(document.createElement("br"), element("span", w.connections, "note"));
    return item;
  }));
  list.hidden = warnings.length === 0;
}

/** Run the timeline's connections; `report` false leaves the status line to the caller. */
export async function runTimeline(report = true): Promise<void> {
  showTimeline();
  if (page.timeline.length === 0) {
    showWarnings([]);
    $("tl-result").replaceChildren();
    return;
  }
  const seed = Number($<HTMLInputElement>("tl-seed").value);
  const reply = await ask({ type: "simulate", connections: page.timeline, seed: Number.isInteger(seed) ? seed : 1 }, t("running the timeline"));
  if (reply.type !== "simulated") {
    showWarnings([]);
    $("tl-result").replaceChildren(element("p", t(failureOf(reply)), "problem"));
    countAnswer("simulated");
    return;
  }
  showWarnings(reply.simulated.warnings);
  putViewHtml($("tl-result"), reply.simulated.timelineHtml + reply.simulated.recentHtml + reply.simulated.sankeyHtml);
  if (report) setStatus(t(page.timeline.length === 1 ? "Timeline of {} connection." : "Timeline of {} connections.", page.timeline.length), "ok");
  countAnswer("simulated");
}

/** Add the form's connection at the chosen time (kept in time order), and run the timeline again. */
export function addToTimeline(): void {
  const asked = connectionOfState(formState());
  if ("problem" in asked) {
    setProblem(asked.problem);
    return;
  }
  const time = Number($<HTMLInputElement>("tl-time").value);
  if (!Number.isFinite(time) || time < 0) {
    setProblem("time: expected a number of seconds, 0 or more");
    return;
  }
  const label = $<HTMLInputElement>("tl-label").value.trim();
  page.timeline.push({ ...asked.connection, time, ...(label ? { label } : {}) });
  page.timeline.sort((a, b) => a.time - b.time);
  void runTimeline();
}

/** Empty the timeline. */
export function clearTimeline(): void {
  page.timeline = [];
  void runTimeline();
}
