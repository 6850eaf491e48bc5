/** Destination NAT of each outcome: before and after, and the rule (chain, line, hook) that rewrote it. */
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { matchedRuleHtml } from "./rule-text.js";
import { outcomeList, probabilityCell, type OutcomeSource } from "./outcomes.js";
import { t } from "../i18n/language.js";

/** Table of each outcome's destination NAT: before → after, the rule (chain, line, hook) that did it. */
export function dnatTable(source: OutcomeSource, options: ViewOptions = {}): string {
  const rows: Row[] = outcomeList(source).map((o, i) => {
    const d = o.dnat;
    const head = [{ content: i + 1, className: "kil-num" }, probabilityCell(o.probability)];
    if (!d) return [...head, codeText(`${o.before.dst}:${o.before.dport}`), markup(`<span class="kil-dim">${escapeHtml(t("not rewritten"))}</span>`), "", { content: "", className: "kil-num" }, ""];
    const by = d.target === "conntrack" ? t("conntrack (the connection's recorded NAT)") : `${d.target} ${t("in {}", d.chain ?? "?")} (nat ${d.hook})`;
    return [...head, codeText(d.from), codeText(d.to), by, { content: d.line ?? "", className: "kil-num" }, markup(matchedRuleHtml(o, d.line))];
  });
  const table = tableHtml({ head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), t("destination before"), t("after"), t("by"), { text: t("line"), className: "kil-num" }, t("rule")], rows });
  return viewHtml("dnat", table, { title: options.title ?? "Destination NAT", caption: options.caption });
}
