/**
 * The question in the form (section 3): read it as an ExplorerState, put a
 * state into it (from a link, a lesson's question, a preset), say what is
 * wrong with it, and keep the page address and the share link showing it.
 */
import { $, option } from "./dom.js";
import { selectPresetOf, setOrigin } from "./client-picker.js";
import { page } from "./page-state.js";
import type { ConnectionRequest } from "./protocol.js";
import type { Question } from "./questions.js";
import { selectServiceOf, serviceOfDestination } from "./service-picker.js";
import { writeState, type ExplorerState } from "./url-state.js";
import { t } from "../lib/i18n/language.js";

/** The question the form asks now, with the example and node loaded. */
export function formState(): ExplorerState {
  const local = $<HTMLInputElement>("local").checked;
  return {
    dump: page.example,
    node: page.nodeOverride,
    src: $<HTMLInputElement>("src").value.trim() || null,
    dst: $<HTMLInputElement>("dst").value.trim() || null,
    proto: $<HTMLSelectElement>("proto").value as ExplorerState["proto"],
    in: local ? null : $<HTMLSelectElement>("in").value || null,
    local,
  };
}

/** Put a question into the form, and show the Service and the kind of client it is, when it is one. */
export function applyState(state: ExplorerState): void {
  if (state.src !== null) $<HTMLInputElement>("src").value = state.src;
  if (state.dst !== null) $<HTMLInputElement>("dst").value = state.dst;
  $<HTMLSelectElement>("proto").value = state.proto ?? "tcp";
  setOrigin(state.local ? "local" : state.in ? { interface: state.in } : undefined);
  if (state.in && ![...$<HTMLSelectElement>("in").options].some((o) => o.value === state.in)) {
    // An interface the node does not have: keep it, so the trace says so.
    $<HTMLSelectElement>("in").append(option(state.in, t("{} (not an interface of this node)", state.in), true));
  }
  selectServiceOf(state.dst, state.proto ?? "tcp");
  selectPresetOf(state);
}

/** Say what is wrong with the form or the link, in the page's language (the messages are English sentences with values in them). */
export function setProblem(...problems: string[]): void {
  $("form-problem").textContent = problems.map((p) => t(p)).join(t("; "));
}

/** Show the question in the page address (replacing it, so Back leaves the page rather than stepping through questions) and in the share link. */
export function writeAddress(state: ExplorerState): void {
  const hash = writeState(state);
  if (location.hash !== hash) history.replaceState(null, "", hash);
  const link = $<HTMLAnchorElement>("share-link");
  link.href = hash;
  link.textContent = state.dump ? `explore.html${hash}` : t("{} (your own dump is not in the link: whoever opens it must load it too)", `explore.html${hash}`);
}

// ---- the lessons' questions ----------------------------------------------------

/** A lesson's connection as a state of the form, on the example and node loaded. */
function questionState(c: ConnectionRequest): ExplorerState {
  return {
    dump: page.example, node: page.nodeOverride,
    src: c.sport !== undefined ? `${c.src}:${c.sport}` : c.src, dst: `${c.dst}:${c.dport}`, proto: c.protocol,
    in: c.from && c.from !== "local" ? c.from.interface : null, local: c.from === "local",
  };
}

/** Offer these questions in the list (none for one's own dump). */
export function fillQuestions(questions: Question[]): void {
  page.questions = questions;
  const select = $<HTMLSelectElement>("question-list");
  select.replaceChildren(option("", t(questions.length ? "(choose one, or build your own below)" : "(none for this dump)")));
  for (const q of questions) select.append(option(q.id, t(q.question)));
}

/** Select a question in the list and put it into the form. */
export function putQuestion(q: Question): void {
  $<HTMLSelectElement>("question-list").value = q.id;
  applyState(questionState(q.connection));
}

/** Put the question with this id into the form; false when there is none (the list's first line). */
export function applyQuestion(id: string): boolean {
  const q = page.questions.find((x) => x.id === id);
  if (!q) return false;
  applyState(questionState(q.connection));
  return true;
}

/**
 * After the user picks another example: the question in the form is kept when its destination is
 * one of this dump's Services (2018 and today side by side), otherwise the example's first question
 * is put in, so the form never asks about an address the new dump does not have.
 */
export function fitFormToExample(): void {
  const state = formState();
  const known = serviceOfDestination(state.dst, state.proto ?? "tcp") !== undefined;
  const first = page.questions[0];
  if (known || !first) {
    applyState(state);
    return;
  }
  putQuestion(first);
}
