/**
 * The page's side of the worker: the library runs in a Web Worker (a large
 * dump takes seconds to parse, and the page must not freeze meanwhile),
 * started from a Blob URL because a page opened from file:// may start
 * workers no other way. Each question gets an id; its answer comes back
 * with that id, with progress reports in between.
 */
import type { Reply, Request } from "./protocol.js";
import { setProgressStage, setStatus, startProgress, stopProgress } from "./status.js";
import { language, t } from "../lib/i18n/language.js";

/** A request without its id (the id is added when it is sent). */
export type WorkerQuestion = Request extends infer R ? (R extends Request ? Omit<R, "id"> : never) : never;

let nextId = 1;
const waiting = new Map<number, { resolve(r: Reply): void; label: string }>();
let worker: Worker | null = null;

function startWorker(): Worker {
  const url = URL.createObjectURL(new Blob([__EXPLORER_WORKER__], { type: "text/javascript" }));
  const w = new Worker(url);
  w.onmessage = (event: MessageEvent<Reply>) => {
    const reply = event.data;
    if (reply.type === "progress") {
      setProgressStage(reply.stage);
      return;
    }
    const entry = waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) stopProgress();
    entry.resolve(reply);
  };
  w.onerror = (event) => {
    stopProgress();
    setStatus(t("The worker stopped: {}", event.message || t("unknown error")), "problem");
    // Every question still waiting gets an answer, so no caller waits for ever.
    for (const [id, entry] of waiting) entry.resolve({ type: "failed", id, message: "the worker stopped" });
    waiting.clear();
  };
  return w;
}

/** Send a question to the worker (started on the first one); `label` names the work in the status line until the answer comes. */
export function ask(request: WorkerQuestion, label: string, transfer: Transferable[] = []): Promise<Reply> {
  worker ??= startWorker();
  const id = nextId++;
  // The worker's views write in the page's language.
  const full = { ...request, id, lang: language() } as Request;
  startProgress(label);
  return new Promise((resolve) => {
    waiting.set(id, { resolve, label });
    worker!.postMessage(full, transfer);
  });
}

/** Why the worker did not give the answer asked for, in English (callers put it into the page's language). */
export function failureOf(reply: Reply): string {
  return reply.type === "failed" ? reply.message : "unexpected answer";
}
