/**
 * What the page says it is doing: the status line (busy with a running
 * clock while the worker works, then what was done, or a problem), and the
 * count of finished answers that scripts and tests wait for.
 */
import { $ } from "./dom.js";

let progressTimer: number | undefined;
let progressStart = 0;
let progressStage = "";

/** Put a line in the status box; its class colours it. */
export function setStatus(text: string, kind: "busy" | "ok" | "problem"): void {
  const status = $("status");
  status.textContent = text;
  status.className = kind;
}

/** Name the work in progress (the worker reports its stages as it goes) and show it. */
export function setProgressStage(stage: string): void {
  progressStage = stage;
  showProgress();
}

/** Start the clock in the status line and mark the page busy (screen readers announce it), unless it is already running. */
export function startProgress(stage: string): void {
  progressStage = stage;
  if (progressTimer !== undefined) return;
  progressStart = performance.now();
  document.body.setAttribute("aria-busy", "true");
  showProgress();
  progressTimer = window.setInterval(showProgress, 250);
}

function showProgress(): void {
  const seconds = ((performance.now() - progressStart) / 1000).toFixed(1);
  setStatus(`${progressStage}… ${seconds} s`, "busy");
}

/** Stop the clock; the caller then says what came of the work. */
export function stopProgress(): void {
  if (progressTimer !== undefined) window.clearInterval(progressTimer);
  progressTimer = undefined;
  document.body.removeAttribute("aria-busy");
}

/** Count a finished answer on <body data-NAME="n">, so scripts and tests can wait for it instead of guessing a delay. */
export function countAnswer(name: "loaded" | "traced" | "simulated"): void {
  document.body.dataset[name] = String(Number(document.body.dataset[name] ?? "0") + 1);
}
