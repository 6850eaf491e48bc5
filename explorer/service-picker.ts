/**
 * The destination side of the question: the Service picker (searchable,
 * since a large dump has thousands of Service ports) and the ways to reach
 * the chosen one (cluster IP, node port, external IPs: presets.ts).
 */
import { $, option } from "./dom.js";
import { fillPresets } from "./client-picker.js";
import { page } from "./page-state.js";
import { serviceDestinations } from "./presets.js";
import type { ServiceBrief } from "./protocol.js";
import { t } from "../lib/i18n/language.js";

/** At most this many Services are listed in the picker at once; a search narrows them. */
const PICKER_LIMIT = 300;

/** Fill the picker with a new dump's Services; a chosen Service the dump does not have is forgotten. */
export function fillServices(list: readonly ServiceBrief[]): void {
  filterServices();
  if (page.service && !list.some((s) => s.id === page.service!.id)) page.service = null;
  fillPresets();
}

/** A Service port as the picker shows it (and as the search reads it). */
function serviceText(s: ServiceBrief): string {
  const where = [s.clusterIP && s.port !== null ? `${s.clusterIP}:${s.port}` : null, s.nodePort !== null ? t("node port {}", s.nodePort) : null].filter(Boolean).join(t(", "));
  return `${s.label} ${s.protocol}${where ? ` (${where})` : ""}`;
}

/** List the Services whose text holds every word of the search, and say how many match. */
export function filterServices(): void {
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

/** Choose a Service: list its ways in, and (when `setDestination`) put the first into the form. The presets follow (the hairpin client is one of its endpoints). */
export function chooseService(id: string, setDestination: boolean): void {
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

/** Put a destination (`IP:PORT`) and its protocol into the form. */
export function applyDestination(dst: string, protocol: string): void {
  $<HTMLInputElement>("dst").value = dst;
  $<HTMLSelectElement>("proto").value = protocol;
}

/** The loaded Service port that a destination (`IP:PORT`, protocol) reaches by one of its ways in, if any. */
export function serviceOfDestination(dst: string | null, proto: string): ServiceBrief | undefined {
  if (!dst) return undefined;
  const node = page.loaded?.node ?? null;
  return (page.loaded?.services ?? []).find((s) => s.protocol === proto && serviceDestinations(s, node).some((d) => d.dst === dst));
}

/** Select the Service a destination belongs to, if any, so the picker shows it. */
export function selectServiceOf(dst: string | null, proto: string): void {
  const hit = serviceOfDestination(dst, proto);
  if (hit) {
    page.service = hit;
    filterServices();
    chooseService(hit.id, false);
    $<HTMLSelectElement>("target").value = `${proto} ${dst}`;
  }
}
