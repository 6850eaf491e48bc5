/** Each way a connection can go, in one row: its chance, where it ends, the Service port it reached, both NAT rewrites, what the server sees and what the client gets back. */
import type { Trace } from "../trace/outcome.js";
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { probabilityCell, serviceText, unownedText, verdictText } from "./outcomes.js";
import { t } from "../i18n/language.js";
import { engineText } from "./engine-text.js";

/** A one-row-per-outcome answer to "where does this connection go?": probability, verdict, Service port, DNAT, SNAT, the server's view, the reply. */
export function outcomeTable(trace: Trace, options: ViewOptions = {}): string {
  const rows: Row[] = trace.outcomes.map((o, i) => {
    const cls = o.verdict === "accepted" ? "kil-yes" : o.verdict === "uncertain" ? "kil-warn" : "kil-no";
    const reply = o.followUp?.reply[0];
    const unowned = unownedText(o);
    const replyCell = !o.followUp
      ? ""
      : reply
        ? codeText(`${reply.after.src}:${reply.after.sport} -> ${reply.after.dst}:${reply.after.dport} (${t(reply.verdict)})`)
        : unowned ? t("nothing: nobody answers") : t("no reply traced");
    return [
      { content: i + 1, className: "kil-num" },
      probabilityCell(o.probability),
      markup(`<span class="${cls}">${escapeHtml(verdictText(o))}</span>`),
      o.service ? codeText(o.service) : markup(`<span class="kil-dim">${escapeHtml(serviceText(o))}</span>`),
      o.dnat ? codeText(`${o.dnat.from} -> ${o.dnat.to}`) : markup(`<span class="kil-dim">${escapeHtml(t("none"))}</span>`),
      o.snat ? codeText(`${o.snat.from} -> ${o.snat.to} (${o.snat.target})`) : markup(`<span class="kil-dim">${escapeHtml(t("none"))}</span>`),
      unowned ? engineText(unowned) : o.verdict === "accepted" ? codeText(`${o.after.src}:${o.after.sport} -> ${o.after.dst}:${o.after.dport}`) : engineText(o.reason ?? ""),
      replyCell,
    ];
  });
  const table = tableHtml({
    head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), t("verdict"), t("Service port"), "DNAT", "SNAT", t("the server sees (or why not)"), t("the client gets back")],
    rows,
  });
  return viewHtml("outcomes", table, { title: options.title ?? "Outcomes", caption: options.caption });
}
