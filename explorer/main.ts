/**
 * The explorer page: reads the form and the page address, sends questions
 * to the worker, and puts the answers (HTML the library's views made, with
 * every dump text escaped) into the page.
 */
import { EXAMPLES, NODES, findExample } from "./examples.js";
import { clientPresets, serviceDestinations, type ClientPreset } from "./presets.js";
import type { ConnectionRequest, DumpSource, Loaded, NodeBrief, NodeSource, Reply, Request, ServiceBrief, TimedRequest, Traced } from "./protocol.js";
import { connectionOfState, readState, writeState, type ExplorerState } from "./url-state.js";
import { followPageLanguage } from "./translate-page.js";
import { language, t } from "../lib/i18n/language.js";
import { diagnosticMessage, engineText } from "../lib/views/engine-text.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** At most this many Services are listed in the picker at once; a search narrows them. */
const PICKER_LIMIT = 300;

interface PageState {
  /** The bundled example loaded, or null for the user's own dump. */
  example: string | null;
  /** The bundled node chosen instead of the example's own, if any. */
  nodeOverride: string | null;
  loaded: Loaded | null;
  /** The Service chosen in the picker (by id). */
  service: ServiceBrief | null;
  presets: ClientPreset[];
  timeline: TimedRequest[];
  /** Questions of the kernel lab for this example. */
  questions: { id: string; question: string; connection: ConnectionRequest }[];
}

const page: PageState = { example: null, nodeOverride: null, loaded: null, service: null, presets: [], timeline: [], questions: [] };

// ---- the worker -----------------------------------------------------------

let nextId = 1;
const waiting = new Map<number, { resolve(r: Reply): void; label: string }>();
let worker: Worker | null = null;
let progressTimer: number | undefined;
let progressStart = 0;
let progressStage = "";

function startWorker(): Worker {
  const url = URL.createObjectURL(new Blob([__EXPLORER_WORKER__], { type: "text/javascript" }));
  const w = new Worker(url);
  w.onmessage = (event: MessageEvent<Reply>) => {
    const reply = event.data;
    if (reply.type === "progress") {
      progressStage = reply.stage;
      showProgress();
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
    for (const [id, entry] of waiting) entry.resolve({ type: "failed", id, message: "the worker stopped" });
    waiting.clear();
  };
  return w;
}

/** A request without its id (the id is added when it is sent). */
type Question = Request extends infer R ? (R extends Request ? Omit<R, "id"> : never) : never;

function ask(request: Question, label: string, transfer: Transferable[] = []): Promise<Reply> {
  worker ??= startWorker();
  const id = nextId++;
  // The worker's views write in the page's language.
  const full = { ...request, id, lang: language() } as Request;
  progressStage = label;
  startProgress();
  return new Promise((resolve) => {
    waiting.set(id, { resolve, label });
    worker!.postMessage(full, transfer);
  });
}

function startProgress(): void {
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

function stopProgress(): void {
  if (progressTimer !== undefined) window.clearInterval(progressTimer);
  progressTimer = undefined;
  document.body.removeAttribute("aria-busy");
}

function setStatus(text: string, kind: "busy" | "ok" | "problem"): void {
  const status = $("status");
  status.textContent = text;
  status.className = kind;
}

// ---- small DOM helpers ----------------------------------------------------

/** Count a finished answer on <body data-NAME="n">, so scripts and tests can wait for it instead of guessing a delay. */
function countAnswer(name: "loaded" | "traced" | "simulated"): void {
  document.body.dataset[name] = String(Number(document.body.dataset[name] ?? "0") + 1);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function option(value: string, text: string, selected = false): HTMLOptionElement {
  const o = new Option(text, value, selected, selected);
  return o;
}

/** Put HTML the library's views made into an element (they escape every text from the dump). */
function setViewHtml(id: string, html: string): void {
  putViewHtml($(id), html);
}

function putViewHtml(target: HTMLElement, html: string): void {
  target.innerHTML = html;
  // A wide view scrolls inside its box: make the box reachable with the keyboard, and name it.
  for (const view of target.querySelectorAll<HTMLElement>(".kil-view")) {
    view.tabIndex = 0;
    view.setAttribute("role", "region");
    view.setAttribute("aria-label", view.querySelector(".kil-title")?.textContent || "a view of the trace");
  }
}

// ---- loading a dump and a node -----------------------------------------------

function nodeSourceFor(example: string | null): NodeSource {
  if (page.nodeOverride) return { kind: "example", id: page.nodeOverride };
  const info = example ? findExample(example) : undefined;
  return { kind: "example", id: info?.node ?? NODES[0].id };
}

let currentNode: NodeSource = { kind: "example", id: NODES[0].id };

async function load(dump: DumpSource, node: NodeSource, transfer: Transferable[] = []): Promise<boolean> {
  currentNode = node;
  const reply = await ask({ type: "load", dump, node }, dump.kind === "example" ? t("loading the example {}", dump.id) : t("loading {}", dump.name), transfer);
  if (reply.type !== "loaded") {
    setStatus(t(reply.type === "failed" ? reply.message : "unexpected answer"), "problem");
    countAnswer("loaded");
    return false;
  }
  page.loaded = reply.loaded;
  showLoaded(reply.loaded);
  const usable = reply.loaded.services !== null && reply.loaded.node !== null;
  // The timeline's connections stay listed: run them again on the new rules (or node), then say what was read.
  if (usable && page.timeline.length > 0) {
    await runTimeline(false);
    showLoadStatus(reply.loaded);
  }
  countAnswer("loaded");
  return usable;
}

/** Reload only the node, keeping the dump: the worker parses the dump again only for a new dump. */
async function reloadNode(node: NodeSource): Promise<void> {
  const dump: DumpSource | null = page.example ? { kind: "example", id: page.example } : lastOwnDump;
  if (!dump) {
    currentNode = node;
    return;
  }
  await load(dump.kind === "file" ? { ...dump, bytes: dump.bytes.slice(0) } : dump, node);
}

/** The user's own dump, kept to reload it with another node. */
let lastOwnDump: DumpSource | null = null;

/** A parser diagnostic in the page's language: FILE:LINE:COL and quoted rule text stay; "error"/"warning" and the message are translated. */
function diagnosticText(text: string): string {
  const m = /^(.*?:\d+:\d+): (error|warning): ([\s\S]*)$/.exec(text);
  if (!m || language() === "en") return text;
  return `${m[1]}: ${t(m[2])}${t(": ")}${diagnosticMessage(m[3])}`;
}

function showLoaded(l: Loaded): void {
  const diagnostics = $("diagnostics");
  diagnostics.replaceChildren();
  if (l.errors.length > 0 || l.warnings.length > 0) {
    const list = element("ul", undefined, "diagnostics");
    // A long list (or a long line) scrolls inside its box: reachable with the keyboard, and named.
    list.tabIndex = 0;
    list.setAttribute("aria-label", t("the errors and warnings, each with its line"));
    for (const [items, kind] of [[l.errors, "error"], [l.warnings, "warning"]] as const) {
      for (const d of items) {
        const li = element("li", undefined, kind);
        li.append(element("code", diagnosticText(d.text)));
        if (d.line) li.append(element("pre", d.line));
        list.append(li);
      }
    }
    const errorCount = l.errors.length + l.moreErrors, warningCount = l.warnings.length + l.moreWarnings;
    diagnostics.append(element("h3", `${t(errorCount === 1 ? "{} error" : "{} errors", errorCount)}${t(", ")}${t(warningCount === 1 ? "{} warning" : "{} warnings", warningCount)}`));
    diagnostics.append(list);
    if (l.moreErrors || l.moreWarnings) diagnostics.append(element("p", t("… and {} more errors and {} more warnings not listed.", l.moreErrors, l.moreWarnings), "note"));
  }
  // A new dump (or node) makes the last answer stale.
  $("answer").hidden = true;
  $("tl-result").replaceChildren();
  showLoadStatus(l);
  showNode(l.node, l.nodeError);
  fillServices(l.services ?? []);
  setViewHtml("catalog", l.services === null ? "" : l.catalogHtml || `<p class="note">${t("{} Service ports: too many to list here; find them with the search in section 3.", l.services.length)}</p>`);
}

/** The status line after a load: what was read, or that it has errors. */
function showLoadStatus(l: Loaded): void {
  const seconds = ((l.timings.decode + l.timings.parse + l.timings.services) / 1000).toFixed(2);
  if (l.services === null) {
    const errors = l.errors.length + l.moreErrors;
    setStatus(t(errors === 1 ? "{}: {} error; nothing can be traced until it is fixed ({} lines read in {} s)." : "{}: {} errors; nothing can be traced until they are fixed ({} lines read in {} s).", l.file, errors, l.lines, seconds), "problem");
  } else {
    setStatus(t("{}: {} lines, {} rules, {} Service ports, read in {} s.", l.file, l.lines, l.rules, l.services.length, seconds), "ok");
  }
}

function showNode(node: NodeBrief | null, error: string | null): void {
  const box = $("node-summary");
  box.replaceChildren();
  const inSelect = $<HTMLSelectElement>("in");
  const keep = inSelect.value;
  inSelect.replaceChildren(option("", t("(inferred from the routes)")));
  if (!node) {
    box.append(element("p", error ? t("The node cannot be used: {}", error) : t("No node description yet."), "problem"));
    return;
  }
  for (const i of node.interfaces) inSelect.append(option(i.name, i.name, i.name === keep));
  const table = element("table");
  table.append(element("caption", t("Node {}", node.name)));
  const head = element("tr");
  head.append(element("th", t("interface")), element("th", t("addresses")));
  table.append(head);
  for (const i of node.interfaces) {
    const row = element("tr");
    row.append(element("td", i.name), element("td", i.addresses.join(", ")));
    table.append(row);
  }
  box.append(table);
  const facts = [
    node.clusterCIDR ? t("cluster CIDR {}", node.clusterCIDR) : t("no cluster CIDR"),
    node.podCIDR ? t("pod CIDR {}", node.podCIDR) : t("no pod CIDR"),
    node.serviceCIDR ? t("service CIDR {}", node.serviceCIDR) : t("no service CIDR"),
    t(node.routes.length === 1 ? "{} route" : "{} routes", node.routes.length),
    node.peers.length ? t("peers {}", node.peers.map((p) => `${p.name} (${p.address})`).join(t(", "))) : t("no peers"),
  ];
  box.append(element("p", facts.join(t("; ")) + t("."), "note"));
}

// ---- the Service picker and the presets -----------------------------------------

function fillServices(list: readonly ServiceBrief[]): void {
  filterServices();
  if (page.service && !list.some((s) => s.id === page.service!.id)) page.service = null;
  fillPresets();
}

function serviceText(s: ServiceBrief): string {
  const where = [s.clusterIP && s.port !== null ? `${s.clusterIP}:${s.port}` : null, s.nodePort !== null ? t("node port {}", s.nodePort) : null].filter(Boolean).join(t(", "));
  return `${s.label} ${s.protocol}${where ? ` (${where})` : ""}`;
}

function filterServices(): void {
  const list = page.loaded?.services ?? [];
  const words = $<HTMLInputElement>("service-search").value.toLowerCase().split(/\s+/).filter(Boolean);
  const select = $<HTMLSelectElement>("service");
  const matching = list.filter((s) => {
    const text = `${serviceText(s)} ${s.id}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  select.replaceChildren(...matching.slice(0, PICKER_LIMIT).map((s) => option(s.id, serviceText(s), s.id === page.service?.id)));
  $("service-count").textContent =
    matching.length > PICKER_LIMIT
      ? t("{} of {} Service ports match; the first {} are listed, type more to narrow them.", matching.length, list.length, PICKER_LIMIT)
      : t("{} of {} Service ports.", matching.length, list.length);
}

function chooseService(id: string, setDestination: boolean): void {
  page.service = page.loaded?.services?.find((s) => s.id === id) ?? null;
  const target = $<HTMLSelectElement>("target");
  target.replaceChildren();
  if (page.service) {
    const destinations = serviceDestinations(page.service, page.loaded?.node ?? null);
    target.append(...destinations.map((d) => option(`${d.protocol} ${d.dst}`, t(d.label))));
    if (setDestination && destinations[0]) applyDestination(destinations[0].dst, destinations[0].protocol);
  }
  fillPresets();
}

function applyDestination(dst: string, protocol: string): void {
  $<HTMLInputElement>("dst").value = dst;
  $<HTMLSelectElement>("proto").value = protocol;
}

function fillPresets(): void {
  const node = page.loaded?.node;
  const select = $<HTMLSelectElement>("preset");
  const keep = select.value;
  page.presets = node ? clientPresets(node, page.service) : [];
  select.replaceChildren(option("", t("(choose a kind of client)")));
  for (const p of page.presets) {
    const o = option(p.id, p.src ? `${t(p.label)}${t(": ")}${p.src}` : t("{} (does not apply here)", t(p.label)), p.id === keep);
    o.disabled = p.src === null;
    select.append(o);
  }
  showPresetNote();
}

function showPresetNote(): void {
  const p = page.presets.find((x) => x.id === $<HTMLSelectElement>("preset").value);
  $("preset-note").textContent = p ? t(p.note) : "";
}

function applyPreset(id: string): void {
  const p = page.presets.find((x) => x.id === id);
  showPresetNote();
  if (!p || !p.src) return;
  $<HTMLInputElement>("src").value = p.src;
  setOrigin(p.from);
}

function setOrigin(from: ConnectionRequest["from"]): void {
  $<HTMLInputElement>("local").checked = from === "local";
  const inSelect = $<HTMLSelectElement>("in");
  inSelect.value = from && from !== "local" ? from.interface : "";
  inSelect.disabled = from === "local";
}

// ---- the question, the answer, the address ---------------------------------------

function formState(): ExplorerState {
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

function applyState(state: ExplorerState): void {
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

/** Show the kind of client the source and origin are, when they are one of the presets. */
function selectPresetOf(state: ExplorerState): void {
  const src = state.src?.split(":")[0];
  const match = page.presets.find((p) => {
    if (p.src !== src) return false;
    if (state.local) return p.from === "local";
    return !state.in || (p.from !== undefined && p.from !== "local" && p.from.interface === state.in);
  });
  $<HTMLSelectElement>("preset").value = match?.id ?? "";
  showPresetNote();
}

/** Select the Service a destination belongs to, if any, so the picker shows it. */
function selectServiceOf(dst: string | null, proto: string): void {
  if (!dst) return;
  const list = page.loaded?.services ?? [];
  const node = page.loaded?.node ?? null;
  const hit = list.find((s) => s.protocol === proto && serviceDestinations(s, node).some((d) => d.dst === dst));
  if (hit) {
    page.service = hit;
    filterServices();
    chooseService(hit.id, false);
    $<HTMLSelectElement>("target").value = `${proto} ${dst}`;
  }
}

/** Say what is wrong with the form or the link, in the page's language (the messages are English sentences with values in them). */
function setProblem(...problems: string[]): void {
  $("form-problem").textContent = problems.map((p) => t(p)).join(t("; "));
}

let traceRun = 0;

async function traceForm(): Promise<void> {
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
    setProblem(reply.type === "failed" ? reply.message : "unexpected answer");
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
  const warnings = $("warnings");
  warnings.replaceChildren(...traced.warnings.map((w) => element("li", engineText(w))));
  warnings.hidden = traced.warnings.length === 0;
  setViewHtml("summary", traced.summaryHtml);
  setViewHtml("sankey", traced.sankeyHtml);
  const box = $("outcomes");
  box.replaceChildren();
  traced.outcomes.forEach((o, i) => {
    const details = element("details", undefined, "outcome");
    if (i === 0) details.open = true;
    details.append(element("summary", t("Outcome {}: the hooks, every rule, marks, NAT and later packets", o.title)));
    for (const html of [o.hooksHtml, o.pathHtml, o.markHtml, o.natHtml, o.followUpHtml]) {
      const part = element("div");
      putViewHtml(part, html);
      details.append(part);
    }
    box.append(details);
  });
  $("trace-json").textContent = traced.json;
  answer.scrollIntoView({ block: "start" });
  $("command").textContent = traced.command;
  setStatus(t(n === 1 ? "Traced: {} outcome." : "Traced: {} outcomes.", n), "ok");
}

function writeAddress(state: ExplorerState): void {
  const hash = writeState(state);
  if (location.hash !== hash) history.replaceState(null, "", hash);
  const link = $<HTMLAnchorElement>("share-link");
  link.href = hash;
  link.textContent = state.dump ? `explore.html${hash}` : t("{} (your own dump is not in the link: whoever opens it must load it too)", `explore.html${hash}`);
}

// ---- the affinity timeline ------------------------------------------------------

function showTimeline(): void {
  const list = $("tl-list");
  list.replaceChildren(
    ...page.timeline.map((c) => element("li", `${t("t={}s", c.time)} ${c.label ? `${c.label}: ` : ""}${c.protocol} ${c.src}${c.sport !== undefined ? `:${c.sport}` : ""} -> ${c.dst}:${c.dport}${c.from === "local" ? ` (${t("from the node")})` : c.from ? ` (${t("on {}", c.from.interface)})` : ""}`)),
  );
}

/** Run the timeline's connections; `report` false leaves the status line to the caller. */
async function runTimeline(report = true): Promise<void> {
  showTimeline();
  if (page.timeline.length === 0) {
    $("tl-result").replaceChildren();
    return;
  }
  const seed = Number($<HTMLInputElement>("tl-seed").value);
  const reply = await ask({ type: "simulate", connections: page.timeline, seed: Number.isInteger(seed) ? seed : 1 }, t("running the timeline"));
  if (reply.type !== "simulated") {
    $("tl-result").replaceChildren(element("p", t(reply.type === "failed" ? reply.message : "unexpected answer"), "problem"));
    countAnswer("simulated");
    return;
  }
  putViewHtml($("tl-result"), reply.simulated.timelineHtml + reply.simulated.recentHtml + reply.simulated.sankeyHtml);
  if (report) setStatus(t(page.timeline.length === 1 ? "Timeline of {} connection." : "Timeline of {} connections.", page.timeline.length), "ok");
  countAnswer("simulated");
}

function addToTimeline(): void {
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

// ---- the lessons' questions ----------------------------------------------------

function fillQuestions(questions: PageState["questions"]): void {
  page.questions = questions;
  const select = $<HTMLSelectElement>("question-list");
  select.replaceChildren(option("", t(questions.length ? "(choose one, or build your own below)" : "(none for this dump)")));
  for (const q of questions) select.append(option(q.id, t(q.question)));
}

function applyQuestion(id: string): void {
  const q = page.questions.find((x) => x.id === id);
  if (!q) return;
  applyState(questionState(q.connection));
  void traceForm();
}

// ---- wiring -------------------------------------------------------------------

async function loadExample(id: string): Promise<boolean> {
  page.example = id;
  lastOwnDump = null;
  $<HTMLSelectElement>("example").value = id;
  const ok = await load({ kind: "example", id }, nodeSourceFor(id));
  fillQuestions(page.loaded ? QUESTIONS_OF(id) : []);
  return ok;
}

/**
 * After the user picks another example: the question in the form is kept when its destination is
 * one of this dump's Services (2018 and today side by side), otherwise the example's first question
 * is put in, so the form never asks about an address the new dump does not have.
 */
function fitFormToExample(): void {
  const state = formState();
  const node = page.loaded?.node ?? null;
  const known = (page.loaded?.services ?? []).some((s) => s.protocol === (state.proto ?? "tcp") && serviceDestinations(s, node).some((d) => d.dst === state.dst));
  const first = page.questions[0];
  if (known || !first) {
    applyState(state);
    return;
  }
  $<HTMLSelectElement>("question-list").value = first.id;
  applyState(questionState(first.connection));
}

/** Questions come with the page (they are small), by example id. */
let QUESTIONS_OF: (id: string) => PageState["questions"] = () => [];

async function openFromAddress(): Promise<void> {
  const { state, problems } = readState(location.hash);
  const example = state.dump && findExample(state.dump) ? state.dump : page.example ?? EXAMPLES[0].id;
  if (state.dump && !findExample(state.dump)) problems.push(`dump=${state.dump}: no such bundled example (there are ${EXAMPLES.map((e) => e.id).join(", ")})`);
  setProblem(...problems);
  page.nodeOverride = state.node && NODES.some((n) => n.id === state.node) ? state.node : null;
  $<HTMLSelectElement>("node-choice").value = page.nodeOverride ?? "";
  const needLoad = page.example !== example || !page.loaded || (state.dump === null && page.example === null);
  // The same example with another node than the one loaded (node=ID, or its own after a node of one's own): the node is loaded again.
  const wanted = nodeSourceFor(example);
  const nodeChanged = wanted.kind === "example" && (currentNode.kind !== "example" || currentNode.id !== wanted.id);
  if (!needLoad && nodeChanged) await reloadNode(wanted);
  const ok = needLoad ? await loadExample(example) : true;
  if (!ok) return;
  applyState(state);
  if (state.src && state.dst) await traceForm();
  else if (!state.src && !state.dst && page.questions[0]) {
    // A first visit: the lessons' first question is filled in, ready for the button.
    const q = page.questions[0];
    $<HTMLSelectElement>("question-list").value = q.id;
    applyState({ ...questionState(q.connection), dump: page.example, node: page.nodeOverride });
  }
}

function questionState(c: ConnectionRequest): ExplorerState {
  return {
    dump: page.example, node: page.nodeOverride,
    src: c.sport !== undefined ? `${c.src}:${c.sport}` : c.src, dst: `${c.dst}:${c.dport}`, proto: c.protocol,
    in: c.from && c.from !== "local" ? c.from.interface : null, local: c.from === "local",
  };
}

async function readFileBytes(input: HTMLInputElement): Promise<{ name: string; bytes: ArrayBuffer } | null> {
  const file = input.files?.[0];
  if (!file) return null;
  return { name: file.name, bytes: await file.arrayBuffer() };
}

async function readFileText(input: HTMLInputElement): Promise<{ name: string; text: string } | null> {
  const file = await readFileBytes(input);
  // Decoded as the command line reads a file: UTF-8, a byte order mark kept (JSON.parse then refuses it, as there).
  return file && { name: file.name, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(file.bytes) };
}

function wire(): void {
  const exampleSelect = $<HTMLSelectElement>("example");
  exampleSelect.append(...EXAMPLES.map((e) => option(e.id, t(e.title))));
  exampleSelect.append(option("", t("(your own dump, loaded below)")));
  exampleSelect.addEventListener("change", async () => {
    if (!exampleSelect.value) return;
    if (await loadExample(exampleSelect.value)) fitFormToExample();
    writeAddress(formState());
  });
  const nodeSelect = $<HTMLSelectElement>("node-choice");
  nodeSelect.append(option("", t("the example's own node")), ...NODES.map((n) => option(n.id, `${n.title} (${n.path})`)));
  nodeSelect.addEventListener("change", async () => {
    page.nodeOverride = nodeSelect.value || null;
    await reloadNode(nodeSourceFor(page.example));
    writeAddress(formState());
  });

  $<HTMLInputElement>("dump-file").addEventListener("change", async () => {
    const file = await readFileBytes($<HTMLInputElement>("dump-file"));
    if (!file) return;
    page.example = null;
    exampleSelect.value = "";
    lastOwnDump = { kind: "file", name: file.name, bytes: file.bytes.slice(0) };
    fillQuestions([]);
    await load({ kind: "file", name: file.name, bytes: file.bytes }, page.example ? nodeSourceFor(null) : currentNode, [file.bytes]);
    writeAddress(formState());
  });
  $("read-text").addEventListener("click", async () => {
    const text = $<HTMLTextAreaElement>("dump-text").value;
    if (text.trim() === "") {
      // An empty box is a slip, not an empty dump: the rules loaded stay.
      setStatus(t("The box is empty: paste the output of iptables-save (or iptables-legacy-save) into it first."), "problem");
      $<HTMLTextAreaElement>("dump-text").focus();
      return;
    }
    page.example = null;
    exampleSelect.value = "";
    lastOwnDump = { kind: "text", name: "pasted", text };
    fillQuestions([]);
    await load(lastOwnDump, currentNode);
    writeAddress(formState());
  });
  $<HTMLInputElement>("node-file").addEventListener("change", async () => {
    const file = await readFileText($<HTMLInputElement>("node-file"));
    if (!file) return;
    nodeSelect.value = "";
    page.nodeOverride = null;
    await reloadNode({ kind: "json", name: file.name, text: file.text });
  });
  $("use-ip").addEventListener("click", async () => {
    const addr = await readFileText($<HTMLInputElement>("addr-file"));
    const route = await readFileText($<HTMLInputElement>("route-file"));
    if (!addr || !route) {
      $("node-summary").replaceChildren(element("p", t("Choose both files: the output of ip -j addr and of ip -j route."), "problem"));
      return;
    }
    const value = (id: string) => $<HTMLInputElement>(id).value.trim() || undefined;
    nodeSelect.value = "";
    page.nodeOverride = null;
    await reloadNode({
      kind: "ip", addr, route, name: value("node-name") ?? "node",
      clusterCIDR: value("cluster-cidr"), podCIDR: value("pod-cidr"), serviceCIDR: value("service-cidr"),
    });
  });

  $("service-search").addEventListener("input", filterServices);
  $<HTMLSelectElement>("service").addEventListener("change", () => chooseService($<HTMLSelectElement>("service").value, true));
  $<HTMLSelectElement>("target").addEventListener("change", () => {
    const [protocol, dst] = $<HTMLSelectElement>("target").value.split(" ");
    applyDestination(dst, protocol);
  });
  $<HTMLSelectElement>("preset").addEventListener("change", () => applyPreset($<HTMLSelectElement>("preset").value));
  $<HTMLInputElement>("local").addEventListener("change", () => {
    $<HTMLSelectElement>("in").disabled = $<HTMLInputElement>("local").checked;
  });
  $<HTMLSelectElement>("question-list").addEventListener("change", () => applyQuestion($<HTMLSelectElement>("question-list").value));
  $("trace").addEventListener("click", () => void traceForm());
  for (const id of ["src", "dst"]) {
    $(id).addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") void traceForm();
    });
  }
  $("tl-add").addEventListener("click", addToTimeline);
  $("tl-clear").addEventListener("click", () => {
    page.timeline = [];
    void runTimeline();
  });
  $("tl-seed").addEventListener("change", () => void runTimeline());
  $("copy-json").addEventListener("click", async () => {
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
  });
  const large = $<HTMLInputElement>("large-type");
  large.checked = localStorage.getItem("kil-large-type") === "1";
  document.documentElement.classList.toggle("large-type", large.checked);
  large.addEventListener("change", () => {
    document.documentElement.classList.toggle("large-type", large.checked);
    try {
      localStorage.setItem("kil-large-type", large.checked ? "1" : "0");
    } catch {
      // Storage can be off for pages opened from disk; the toggle still works for this visit.
    }
  });
  window.addEventListener("hashchange", () => void openFromAddress());
}

/** Start the page: the questions bundled with it, the form, then what the address asks. */
export function start(questions: (id: string) => PageState["questions"]): void {
  QUESTIONS_OF = questions;
  followPageLanguage();
  wire();
  void openFromAddress();
}
