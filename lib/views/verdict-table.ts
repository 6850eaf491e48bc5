/** How each outcome ended: accepted (and where it went), dropped or rejected (where and why), the final packet and mark. */
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import type { TraceOutcome } from "../trace/outcome.js";
import { outcomeList, probabilityCell, serviceText, type OutcomeSource } from "./outcomes.js";
import { t } from "../i18n/language.js";
import { engineText } from "./engine-text.js";

/** Table of each outcome's verdict: accepted (and where it went), dropped or rejected (where and why), the final packet and mark. */
export function verdictTable(source: OutcomeSource, options: ViewOptions = {}): string {
  const rows: Row[] = outcomeList(source).map((o, i) => {
    const cls = o.verdict === "accepted" ? "kil-yes" : o.verdict === "uncertain" ? "kil-warn" : "kil-no";
    const verdict = `<span class="${cls}">${escapeHtml(t(o.verdict))}</span>`;
    // A traced outcome knows its next hop; a bare engine outcome does not.
    const traced = o as Partial<TraceOutcome>;
    const out = o.outInterface ?? "?";
    const sent = traced.nextHop && traced.nextHop !== o.after.dst ? t("sent out of {} toward {}", out, traced.nextHop) : t("sent out of {}", out);
    const where = o.verdict === "accepted" ? (o.delivery === "local" ? t("delivered to a process on the node") : sent) : o.rejectWith ? t("answered with {}", o.rejectWith) : "";
    return [
      { content: i + 1, className: "kil-num" },
      probabilityCell(o.probability),
      markup(verdict),
      serviceText(o),
      where,
      codeText(`${o.after.protocol} ${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`),
      codeText(`0x${o.mark.toString(16)}`),
      { content: o.line ?? "", className: "kil-num" },
      engineText(o.reason ?? ""),
    ];
  });
  const table = tableHtml({ head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), t("verdict"), t("Service port"), t("where"), t("packet at the end"), t("mark"), { text: t("line"), className: "kil-num" }, t("why")], rows });
  return viewHtml("verdicts", table, { title: options.title ?? "Verdicts", caption: options.caption });
}
