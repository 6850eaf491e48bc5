/** Source NAT of each outcome: which rule, out of which interface, which address and why that one. */
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { matchedRuleHtml } from "./rule-text.js";
import { outcomeList, probabilityCell, type OutcomeSource } from "./outcomes.js";

/** Table of each outcome's source NAT: which rule, out of which interface, which address and why. */
export function snatTable(source: OutcomeSource, options: ViewOptions = {}): string {
  const rows: Row[] = outcomeList(source).map((o, i) => {
    const s = o.snat;
    const head = [{ content: i + 1, className: "kil-num" }, probabilityCell(o.probability)];
    if (!s) {
      const why = o.verdict === "accepted" ? `no SNAT or MASQUERADE rule matched: the receiver sees the client's own address ${o.after.src}` : "the packet did not get that far";
      return [...head, codeText(`${o.before.src}:${o.before.sport}`), markup(`<span class="kil-dim">not rewritten</span>`), "", o.outInterface ?? "", { content: "", className: "kil-num" }, why, ""];
    }
    const by = s.target === "conntrack" ? "conntrack" : `${s.target} in ${s.chain ?? "?"} (nat ${s.hook})`;
    return [...head, codeText(s.from), codeText(s.to), by, s.interface ?? "", { content: s.line ?? "", className: "kil-num" }, s.why, markup(matchedRuleHtml(o, s.line))];
  });
  const table = tableHtml({ head: [{ text: "outcome", className: "kil-num" }, "probability", "source before", "after", "by", "out of", { text: "line", className: "kil-num" }, "why this address", "rule"], rows });
  return viewHtml("snat", table, { title: options.title ?? "Source NAT", caption: options.caption });
}
