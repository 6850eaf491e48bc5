/**
 * Loading the input (sections 1 and 2): a bundled example, a dump of one's
 * own (a file, read byte for byte as the command line reads it, or pasted
 * text), a bundled node, the kit's node JSON, or `ip -j addr` and
 * `ip -j route` output. The worker parses; the page shows what it read.
 */
import { $, element } from "./dom.js";
import { NODES, findExample } from "./examples.js";
import { showLoadStatus, showLoaded } from "./loaded-view.js";
import { page } from "./page-state.js";
import type { DumpSource, NodeSource } from "./protocol.js";
import { fillQuestions, fitFormToExample, formState, writeAddress } from "./question-form.js";
import { countAnswer, setStatus } from "./status.js";
import { runTimeline } from "./timeline.js";
import { ask, failureOf } from "./worker-client.js";
import { t } from "../lib/i18n/language.js";

/** The node to use with an example: the bundled node chosen instead, else the example's own. */
export function nodeSourceFor(example: string | null): NodeSource {
  if (page.nodeOverride) return { kind: "example", id: page.nodeOverride };
  const info = example ? findExample(example) : undefined;
  return { kind: "example", id: info?.node ?? NODES[0].id };
}

/** Have the worker read a dump and a node, and show what it read; true when a connection can be traced on them. */
async function load(dump: DumpSource, node: NodeSource, transfer: Transferable[] = []): Promise<boolean> {
  page.node = node;
  const reply = await ask({ type: "load", dump, node }, dump.kind === "example" ? t("loading the example {}", dump.id) : t("loading {}", dump.name), transfer);
  if (reply.type !== "loaded") {
    setStatus(t(failureOf(reply)), "problem");
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
export async function reloadNode(node: NodeSource): Promise<void> {
  const dump: DumpSource | null = page.example ? { kind: "example", id: page.example } : page.ownDump;
  if (!dump) {
    page.node = node;
    return;
  }
  await load(dump.kind === "file" ? { ...dump, bytes: dump.bytes.slice(0) } : dump, node);
}

/** Load a bundled example with its node, and offer its lessons' questions. */
export async function loadExample(id: string): Promise<boolean> {
  page.example = id;
  page.ownDump = null;
  $<HTMLSelectElement>("example").value = id;
  const ok = await load({ kind: "example", id }, nodeSourceFor(id));
  fillQuestions(page.loaded ? page.questionsOf(id) : []);
  return ok;
}

/** The example chosen in the list: load it, and keep the question if the new rules can answer it. */
export async function chooseExample(): Promise<void> {
  const id = $<HTMLSelectElement>("example").value;
  // The list's last line only says that one's own dump is loaded below.
  if (!id) return;
  if (await loadExample(id)) fitFormToExample();
  writeAddress(formState());
}

/** Another bundled node chosen (or the example's own again): reload it under the same dump. */
export async function chooseBundledNode(): Promise<void> {
  page.nodeOverride = $<HTMLSelectElement>("node-choice").value || null;
  await reloadNode(nodeSourceFor(page.example));
  writeAddress(formState());
}

/** Load one's own dump with the node in use; `kept` is what reloads it later with another node (a file's bytes go to the worker). */
async function loadOwnDump(dump: DumpSource, kept: DumpSource, transfer: Transferable[] = []): Promise<void> {
  page.example = null;
  $<HTMLSelectElement>("example").value = "";
  page.ownDump = kept;
  fillQuestions([]);
  await load(dump, page.node, transfer);
  writeAddress(formState());
}

/** The dump file chosen: its bytes go to the worker, which decodes them as the command line does. */
export async function openDumpFile(): Promise<void> {
  const file = await readFileBytes($<HTMLInputElement>("dump-file"));
  if (!file) return;
  await loadOwnDump({ kind: "file", name: file.name, bytes: file.bytes }, { kind: "file", name: file.name, bytes: file.bytes.slice(0) }, [file.bytes]);
}

/** Read the pasted text; an empty box is a slip, not an empty dump: the rules loaded stay. */
export async function readPastedDump(): Promise<void> {
  const text = $<HTMLTextAreaElement>("dump-text").value;
  if (text.trim() === "") {
    setStatus(t("The box is empty: paste the output of iptables-save (or iptables-legacy-save) into it first."), "problem");
    $<HTMLTextAreaElement>("dump-text").focus();
    return;
  }
  const pasted: DumpSource = { kind: "text", name: "pasted", text };
  await loadOwnDump(pasted, pasted);
}

/** Use a node of one's own instead of a bundled one. */
async function useOwnNode(node: NodeSource): Promise<void> {
  $<HTMLSelectElement>("node-choice").value = "";
  page.nodeOverride = null;
  await reloadNode(node);
}

/** The node file chosen (the kit's node JSON, as `trace --node` reads it). */
export async function openNodeFile(): Promise<void> {
  const file = await readFileText($<HTMLInputElement>("node-file"));
  if (!file) return;
  await useOwnNode({ kind: "json", name: file.name, text: file.text });
}

/** Build the node from `ip -j addr` and `ip -j route` output and the CIDRs typed, as `node-context` does. */
export async function useIpOutput(): Promise<void> {
  const addr = await readFileText($<HTMLInputElement>("addr-file"));
  const route = await readFileText($<HTMLInputElement>("route-file"));
  if (!addr || !route) {
    $("node-summary").replaceChildren(element("p", t("Choose both files: the output of ip -j addr and of ip -j route."), "problem"));
    return;
  }
  const value = (id: string) => $<HTMLInputElement>(id).value.trim() || undefined;
  await useOwnNode({
    kind: "ip", addr, route, name: value("node-name") ?? "node",
    clusterCIDR: value("cluster-cidr"), podCIDR: value("pod-cidr"), serviceCIDR: value("service-cidr"),
  });
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
