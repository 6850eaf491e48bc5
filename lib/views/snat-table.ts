/** Source NAT of each outcome: which rule, out of which interface, which address and why that one. */
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { matchedRuleHtml } from "./rule-text.js";
import { outcomeList, probabilityCell, type OutcomeSource } from "./outcomes.js";
import { t } from "../i18n/language.js";
import { engineText } from "./engine-text.js";

/** Table of each outcome's source NAT: which rule, out of which interface, which address and why. */
export function snatTable(source: OutcomeSource, options: ViewOptions = {}): string {
  const rows: Row[] = outcomeList(source).map((o, i) => {
    const s = o.snat;
    const head = [{ content: i + 1, className: "kil-num" }, probabilityCell(o.probability)];
    if (!s) {
      const why = o.verdict === "accepted" ? t("no SNAT or MASQUERADE rule matched: the receiver sees the client's own address {}", o.after.src) : t("the packet did not get that far");
      return [...head, codeText(`${o.before.src}:${o.before.sport}`), markup(`<span class="kil-dim">${escapeHtml(t("not rewritten"))}</span>`), "", o.outInterface ?? "", { content: "", className: "kil-num" }, why, ""];
    }
    const by = s.target === "conntrack" ? "conntrack" : `${s.target} ${t("in {}", s.chain ?? "?")} (nat ${s.hook})`;
    return [...head, codeText(s.from), codeText(s.to), by, s.interface ?? "", { content: s.line ?? "", className: "kil-num" }, engineText(s.why), markup(matchedRuleHtml(o, s.line))];
  });
  const table = tableHtml({ head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), t("source before"), t("after"), t("by"), t("out of"), { text: t("line"), className: "kil-num" }, t("why this address"), t("rule")], rows });
  return viewHtml("snat", table, { title: options.title ?? "Source NAT", caption: options.caption });
}
