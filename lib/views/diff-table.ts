/**
 * Two dumps side by side: the Services that appeared, disappeared or
 * changed, every endpoint's exact share before and after, and the rules
 * behind it, chain by chain.
 */
import type { DumpDiff } from "../compare/diff.js";
import { formatFraction, formatPercent } from "../math/fraction.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { escapeHtml } from "./escape.js";
import { t } from "../i18n/language.js";

/** Options of the diff view. */
export interface DiffTableOptions extends ViewOptions {
  /** Also list the rules added and removed, chain by chain (default true). */
  rules?: boolean;
  /** Longest rule list shown per chain before "... and N more" (default 12). */
  maxRulesPerChain?: number;
}

function share(f: { num: bigint; den: bigint }): string {
  return f.num === 0n ? "—" : `${formatPercent(f)} (${formatFraction(f)})`;
}

/** Table of what changed between two dumps: Services, endpoint shares before → after, and the rule-level diff. */
export function diffTable(diff: DumpDiff, options: DiffTableOptions = {}): string {
  const rows: Row[] = [];
  for (const s of diff.added) rows.push([markup(`<strong class="kil-yes">${escapeHtml(t("added"))}</strong>`), codeText(s.id), `${s.clusterIP ?? "-"}:${s.port ?? "-"}`, s.endpoints.map((e) => `${e.ip}:${e.port} ${formatPercent(e.probability)}`).join(", "), "", ""]);
  for (const s of diff.removed) rows.push([markup(`<strong class="kil-warn">${escapeHtml(t("removed"))}</strong>`), codeText(s.id), `${s.clusterIP ?? "-"}:${s.port ?? "-"}`, s.endpoints.map((e) => `${e.ip}:${e.port} ${formatPercent(e.probability)}`).join(", "), "", ""]);
  for (const c of diff.changed) {
    c.endpoints.forEach((e, i) => {
      rows.push([
        i === 0 ? { content: markup(`<strong>${escapeHtml(t("changed"))}</strong>: ${escapeHtml(c.fields.join(", "))}`), rowSpan: c.endpoints.length } : null,
        i === 0 ? { content: codeText(c.after.id), rowSpan: c.endpoints.length } : null,
        i === 0 ? { content: `${c.after.clusterIP ?? "-"}:${c.after.port ?? "-"}`, rowSpan: c.endpoints.length } : null,
        codeText(e.endpoint),
        { content: share(e.before), className: "kil-num" },
        { content: share(e.after), className: "kil-num" },
      ].filter((x) => x !== null));
    });
  }
  let html = rows.length
    ? tableHtml({ head: ["", t("service port"), "ClusterIP", t("endpoint"), { text: t("share before"), className: "kil-num" }, { text: t("share after"), className: "kil-num" }], rows })
    : `<p class="kil-note">${escapeHtml(t("No Service differs."))}</p>`;
  html += `<p class="kil-note">${escapeHtml(t("{} added, {} removed, {} changed, {} unchanged service ports.", diff.added.length, diff.removed.length, diff.changed.length, diff.unchanged))}</p>`;
  if (options.rules !== false && diff.rules.length) {
    const max = options.maxRulesPerChain ?? 12;
    const ruleRows: Row[] = [];
    for (const c of diff.rules) {
      const list = [...c.removed.map((r) => ({ sign: "−", ...r })), ...c.added.map((r) => ({ sign: "+", ...r }))];
      list.slice(0, max).forEach((r) => ruleRows.push([codeText(`${c.table} ${c.chain}`), markup(`<strong class="${r.sign === "+" ? "kil-yes" : "kil-warn"}">${r.sign}</strong>`), { content: r.line, className: "kil-num" }, codeText(r.text)]));
      if (list.length > max) ruleRows.push([codeText(`${c.table} ${c.chain}`), "", "", t("... and {} more", list.length - max)]);
    }
    html += tableHtml({ caption: t("Rules only in one of the dumps (− old, + new; line numbers of that dump)"), head: [t("chain"), "", { text: t("line"), className: "kil-num" }, t("rule")], rows: ruleRows });
  }
  return viewHtml("diff", html, { title: options.title ?? "What changed between the two dumps", caption: options.caption });
}
