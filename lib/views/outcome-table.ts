/** Each way a connection can go, in one row: its chance, where it ends, both NAT rewrites, what the server sees and what the client gets back. */
import type { Trace } from "../trace/trace.js";
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { probabilityCell, verdictText } from "./outcomes.js";
import { t } from "../i18n/language.js";

/** A one-row-per-outcome answer to "where does this connection go?": probability, verdict, DNAT, SNAT, the server's view, the reply. */
export function outcomeTable(trace: Trace, options: ViewOptions = {}): string {
  const rows: Row[] = trace.outcomes.map((o, i) => {
    const cls = o.verdict === "accepted" ? "kil-yes" : o.verdict === "uncertain" ? "kil-warn" : "kil-no";
    const reply = o.followUp?.reply[0];
    const replyText = !o.followUp
      ? ""
      : reply
        ? `${reply.after.src}:${reply.after.sport} -> ${reply.after.dst}:${reply.after.dport} (${t(reply.verdict)})`
        : t("no reply traced");
    return [
      { content: i + 1, className: "kil-num" },
      probabilityCell(o.probability),
      markup(`<span class="${cls}">${escapeHtml(verdictText(o))}</span>`),
      o.dnat ? codeText(`${o.dnat.from} -> ${o.dnat.to}`) : markup(`<span class="kil-dim">${escapeHtml(t("none"))}</span>`),
      o.snat ? codeText(`${o.snat.from} -> ${o.snat.to} (${o.snat.target})`) : markup(`<span class="kil-dim">${escapeHtml(t("none"))}</span>`),
      o.verdict === "accepted" ? codeText(`${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`) : o.reason ?? "",
      replyText ? codeText(replyText) : "",
    ];
  });
  const table = tableHtml({
    head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), t("verdict"), "DNAT", "SNAT", t("the server sees (or why not)"), t("the client gets back")],
    rows,
  });
  return viewHtml("outcomes", table, { title: options.title ?? "Outcomes", caption: options.caption });
}
