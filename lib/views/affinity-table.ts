/** ClientIP affinity state: the xt_recent lists of a simulation, with each address's age and time left. */
import type { RecentLists } from "../trace/state.js";
import type { KubeService } from "../services/catalog.js";
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type CellContent, type Row, type ViewOptions } from "./html.js";
import { serviceLabel } from "./labels.js";
import { t } from "../i18n/language.js";

/** Options of `affinityTable`. */
export interface AffinityTableOptions extends ViewOptions {
  /** Services of the dump: name each list's endpoint and use each Service's affinity timeout. */
  services?: readonly KubeService[];
  /** Timeout for lists no Service explains (default 10800 s, kube-proxy's default). */
  timeoutSeconds?: number;
}

/** The endpoint cell of a list no Service explains: unknown without the Services, else no Service's. */
function unexplained(services: readonly KubeService[] | undefined): CellContent {
  const text = services === undefined ? t("unknown without the Services") : t("no Service endpoint uses this list");
  return markup(`<span class="kil-dim">${escapeHtml(text)}</span>`);
}

/** Table of xt_recent lists at time `now` (seconds): list, address, last seen, age, expires in. */
export function affinityTable(recentLists: RecentLists, now: number, options: AffinityTableOptions = {}): string {
  const meaning = new Map<string, { text: string; timeout: number }>();
  for (const s of options.services ?? [])
    for (const e of s.endpoints)
      if (e.recentList) meaning.set(e.recentList, { text: `${serviceLabel(s)} → ${e.ip}:${e.port}`, timeout: s.affinity?.timeoutSeconds ?? options.timeoutSeconds ?? 10800 });
  const rows: Row[] = [];
  const names = [...recentLists.keys()].sort();
  for (const name of names) {
    const entries = recentLists.get(name) ?? [];
    const m = meaning.get(name);
    const timeout = m?.timeout ?? options.timeoutSeconds ?? 10800;
    entries.forEach((e, k) => {
      const last = e.stamps[e.stamps.length - 1];
      const age = now - last;
      const left = timeout - age;
      const cells: Row = [
        codeText(e.address),
        { content: last, className: "kil-num" },
        { content: `${age} s`, className: "kil-num" },
        { content: left >= 0 ? `${left} s` : "", className: "kil-num" },
        left >= 0 ? markup(`<span class="kil-yes">${escapeHtml(t("sticks"))}</span>`) : markup(`<span class="kil-no">${escapeHtml(t("expired {} s ago", -left))}</span>`),
        { content: e.stamps.length, className: "kil-num" },
      ];
      if (k === 0) cells.unshift({ content: codeText(name), rowSpan: entries.length }, { content: m?.text ?? unexplained(options.services), rowSpan: entries.length });
      rows.push({ className: k === 0 ? "kil-group" : undefined, cells });
    });
  }
  if (rows.length === 0) rows.push([{ content: t("The lists are empty: no client has been recorded yet."), colSpan: 8 }]);
  const table = tableHtml({
    head: [t("list"), t("endpoint"), t("address"), { text: t("last seen (s)"), className: "kil-num" }, { text: t("age"), className: "kil-num" }, { text: t("expires in"), className: "kil-num" }, t("state"), { text: t("hits"), className: "kil-num" }],
    rows,
  });
  const timeouts = options.services?.length ? t("each Service's timeout") : `${options.timeoutSeconds ?? 10800} s`;
  const without = options.services === undefined && rows.length > 0 && names.length > 0
    ? ` ${t("Without the Services the endpoint of each list is unknown: pass them, affinityTable(lists, now, { services: services(dump) }).")}` : "";
  const note = `<p class="kil-note">${escapeHtml(t("At t = {} s. A client sticks while its age is below the rule's --seconds ({}); hits counts the stamps kept (at most 20).", now, timeouts) + without)}</p>`;
  return viewHtml("affinity", table + note, { title: options.title ?? "ClientIP affinity lists (xt_recent)", caption: options.caption });
}
