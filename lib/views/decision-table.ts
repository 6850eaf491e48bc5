/**
 * Several connections compared: one row per way each connection can go,
 * with the Service port it reached (or none), the endpoint, the destination
 * and source rewrites, the address the receiver sees, the mark and the verdict.
 */
import type { Trace } from "../trace/outcome.js";
import { tupleText } from "../trace/packet.js";
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { probabilityCell, serviceText, unownedText, verdictText } from "./outcomes.js";
import { t } from "../i18n/language.js";

/** One connection to compare: a trace, with a label such as `outside client → ClusterIP`. */
export type DecisionCase = Trace | { label: string; trace: Trace };

function caseOf(c: DecisionCase): { label: string; trace: Trace } {
  if ("trace" in c) return { label: t(c.label), trace: c.trace };
  const from = c.origin.local ? t("from this node") : t("in on {}", c.origin.interface ?? "?");
  return { label: `${tupleText(c.packet)} (${from})`, trace: c };
}

/** Table comparing connections: per outcome the Service port reached, the endpoint, DNAT, SNAT, the source the receiver sees, the mark and the verdict. */
export function decisionTable(cases: readonly DecisionCase[], options: ViewOptions = {}): string {
  const rows: Row[] = [];
  for (const c of cases.map(caseOf)) {
    const outcomes = c.trace.outcomes;
    if (outcomes.length === 0) {
      rows.push({ className: "kil-group", cells: [c.label, { content: t("no outcome"), colSpan: 8 }] });
      continue;
    }
    outcomes.forEach((o, k) => {
      const accepted = o.verdict === "accepted";
      // A packet for an address nothing owns has no endpoint and no receiver, though it leaves the node.
      const unowned = unownedText(o);
      const dnat = o.dnat ? `${o.dnat.from} → ${o.dnat.to} (${o.dnat.line !== null ? t("line {}", o.dnat.line) : o.dnat.target})` : t("none");
      const snatWhere = [o.snat?.line != null ? t("line {}", o.snat.line) : "", o.snat?.interface ? t("out of {}", o.snat.interface) : ""].filter(Boolean).join(t(", "));
      const snat = o.snat ? `${o.snat.target} → ${o.snat.to} (${snatWhere})` : t("none");
      const verdict = accepted ? `<span class="kil-yes">${escapeHtml(verdictText(o))}</span>` : o.verdict === "uncertain" ? `<span class="kil-warn">${escapeHtml(verdictText(o))}</span>` : `<span class="kil-no">${escapeHtml(verdictText(o))}</span>`;
      const cells: Row = [
        probabilityCell(o.probability),
        o.service ? codeText(o.service) : serviceText(o),
        unowned ?? (accepted ? codeText(`${o.after.dst}:${o.after.dport}`) : "—"),
        dnat,
        snat,
        accepted && !unowned ? codeText(`${o.after.src}:${o.after.sport}`) : "—",
        codeText(`0x${o.mark.toString(16)}`),
        markup(verdict),
      ];
      if (k === 0) cells.unshift({ content: c.label, rowSpan: outcomes.length });
      rows.push({ className: k === 0 ? "kil-group" : undefined, cells });
    });
  }
  const table = tableHtml({ head: [t("case"), t("probability"), t("Service port"), t("endpoint"), "DNAT", "SNAT", t("source the receiver sees"), t("mark"), t("verdict")], rows });
  return viewHtml("decisions", table, { title: options.title ?? "Decisions, connection by connection", caption: options.caption });
}
