/** How each outcome ended: accepted (and where it went), dropped or rejected (where and why), the final packet and mark. */
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import type { TraceOutcome } from "../trace/trace.js";
import { outcomeList, probabilityCell, type OutcomeSource } from "./outcomes.js";

/** Table of each outcome's verdict: accepted (and where it went), dropped or rejected (where and why), the final packet and mark. */
export function verdictTable(source: OutcomeSource, options: ViewOptions = {}): string {
  const rows: Row[] = outcomeList(source).map((o, i) => {
    const verdict = o.verdict === "accepted" ? `<span class="kil-yes">accepted</span>` : o.verdict === "uncertain" ? `<span class="kil-warn">uncertain</span>` : `<span class="kil-no">${escapeHtml(o.verdict)}</span>`;
    // A traced outcome knows the Service port it reached and its next hop; a bare engine outcome does not.
    const traced = o as Partial<TraceOutcome>;
    const hop = traced.nextHop && traced.nextHop !== o.after.dst ? ` toward ${traced.nextHop}` : "";
    const where = o.verdict === "accepted" ? (o.delivery === "local" ? "delivered to a process on the node" : `sent out of ${o.outInterface ?? "?"}${hop}`) : o.rejectWith ? `answered with ${o.rejectWith}` : "";
    const service: string = traced.service === undefined ? "" : traced.service ?? "none: no Service rule matched";
    return [
      { content: i + 1, className: "kil-num" },
      probabilityCell(o.probability),
      markup(verdict),
      service,
      where,
      codeText(`${o.after.protocol} ${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`),
      codeText(`0x${o.mark.toString(16)}`),
      { content: o.line ?? "", className: "kil-num" },
      o.reason ?? "",
    ];
  });
  const table = tableHtml({ head: [{ text: "outcome", className: "kil-num" }, "probability", "verdict", "Service port", "where", "packet at the end", "mark", { text: "line", className: "kil-num" }, "why"], rows });
  return viewHtml("verdicts", table, { title: options.title ?? "Verdicts", caption: options.caption });
}
