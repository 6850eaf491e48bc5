/**
 * Opening what the page address asks (on arrival and on every change of
 * the `#...` part): a lesson's or a teacher's link names an example, a
 * node and a question; the page loads what it needs and traces it.
 */
import { $ } from "./dom.js";
import { EXAMPLES, NODES, findExample } from "./examples.js";
import { loadExample, nodeSourceFor, reloadNode } from "./load.js";
import { page } from "./page-state.js";
import { applyState, putQuestion, setProblem } from "./question-form.js";
import { traceForm } from "./answer.js";
import { readState } from "./url-state.js";

/** Load the example and node the address names (only what is not loaded already), put its question in the form, and trace it when it is complete. */
export async function openFromAddress(): Promise<void> {
  const { state, problems } = readState(location.hash);
  const example = state.dump && findExample(state.dump) ? state.dump : page.example ?? EXAMPLES[0].id;
  if (state.dump && !findExample(state.dump)) problems.push(`dump=${state.dump}: no such bundled example (there are ${EXAMPLES.map((e) => e.id).join(", ")})`);
  setProblem(...problems);
  page.nodeOverride = state.node && NODES.some((n) => n.id === state.node) ? state.node : null;
  $<HTMLSelectElement>("node-choice").value = page.nodeOverride ?? "";
  const needLoad = page.example !== example || !page.loaded || (state.dump === null && page.example === null);
  // The same example with another node than the one loaded (node=ID, or its own after a node of one's own): the node is loaded again.
  const wanted = nodeSourceFor(example);
  const nodeChanged = wanted.kind === "example" && (page.node.kind !== "example" || page.node.id !== wanted.id);
  if (!needLoad && nodeChanged) await reloadNode(wanted);
  const ok = needLoad ? await loadExample(example) : true;
  if (!ok) return;
  applyState(state);
  if (state.src && state.dst) await traceForm();
  // A first visit: the lessons' first question is filled in, ready for the button.
  else if (!state.src && !state.dst && page.questions[0]) putQuestion(page.questions[0]);
}
