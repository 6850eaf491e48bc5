/**
 * The client side of the question: the kinds of client the lessons teach
 * (presets.ts works out their addresses for this node and Service), and
 * where the packet starts (a process on the node, or an interface).
 */
import { $, option } from "./dom.js";
import { page } from "./page-state.js";
import { clientPresets } from "./presets.js";
import type { ConnectionRequest } from "./protocol.js";
import type { ExplorerState } from "./url-state.js";
import { t } from "../lib/i18n/language.js";

/** List the presets for the node and Service loaded; one that does not apply stays listed, disabled, so the reader sees it exists. */
export function fillPresets(): void {
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

/** Under the list: what the chosen preset stands for, or why it does not apply. */
function showPresetNote(): void {
  const p = page.presets.find((x) => x.id === $<HTMLSelectElement>("preset").value);
  $("preset-note").textContent = p ? t(p.note) : "";
}

/** Put a preset's source address and origin into the form. */
export function applyPreset(id: string): void {
  const p = page.presets.find((x) => x.id === id);
  showPresetNote();
  if (!p || !p.src) return;
  $<HTMLInputElement>("src").value = p.src;
  setOrigin(p.from);
}

/** Where the packet starts: a process on the node (then no interface applies), an interface, or inferred from the routes. */
export function setOrigin(from: ConnectionRequest["from"]): void {
  $<HTMLInputElement>("local").checked = from === "local";
  const inSelect = $<HTMLSelectElement>("in");
  inSelect.value = from && from !== "local" ? from.interface : "";
  inSelect.disabled = from === "local";
}

/** Show the kind of client the source and origin are, when they are one of the presets. */
export function selectPresetOf(state: ExplorerState): void {
  const src = state.src?.split(":")[0];
  const match = page.presets.find((p) => {
    if (p.src !== src) return false;
    if (state.local) return p.from === "local";
    return !state.in || (p.from !== undefined && p.from !== "local" && p.from.interface === state.in);
  });
  $<HTMLSelectElement>("preset").value = match?.id ?? "";
  showPresetNote();
}
