/**
 * One Service's endpoints with their probabilities, both as the rule states
 * them (printed text, the kernel's n/2^31) and as they work out (the share
 * of new connections that reach the rule, and the effective probability).
 */
import type { KubeService } from "../services/catalog.js";
import { formatFraction, formatPercent } from "../math/fraction.js";
import { escapeHtml } from "./escape.js";
import { codeText, markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { remainingBefore, ruleFraction, serviceLabel } from "./labels.js";
import { t } from "../i18n/language.js";

/** Table of a Service's endpoints: per-rule and effective probability (exact fraction, percent, the kernel's n/2^31) and the rule lines. */
export function endpointTable(service: KubeService, options: ViewOptions = {}): string {
  const rests = remainingBefore(service.endpoints);
  const rows: Row[] = service.endpoints.map((e, i) => {
    const rp = e.ruleProbability;
    const rule = ruleFraction(e);
    return [
      { content: i + 1, className: "kil-num" },
      codeText(`${e.ip}:${e.port}`),
      codeText(e.chain),
      { content: e.line ?? "", className: "kil-num" },
      rp ? codeText(rp.printed) : markup(`<span class="kil-dim">${escapeHtml(t("none: takes the rest"))}</span>`),
      { content: rp ? `${rp.kernel} / 2^31` : "", className: "kil-num" },
      { content: rp ? formatFraction(rule) : "1", className: "kil-num" },
      { content: `${formatFraction(rests[i])} (${formatPercent(rests[i])})`, className: "kil-num" },
      { content: formatFraction(e.probability), className: "kil-num" },
      { content: formatPercent(e.probability), className: "kil-num" },
      { content: e.affinityLine ?? "", className: "kil-num" },
      { content: e.dnatLine ?? "", className: "kil-num" },
    ];
  });
  if (service.fallThrough.num > 0n) {
    rows.push({ className: "kil-group", cells: ["", markup(`<span class="kil-warn">${escapeHtml(t("no endpoint rule matched"))}</span>`), "", "", "", "", "", "", { content: formatFraction(service.fallThrough), className: "kil-num" }, { content: formatPercent(service.fallThrough), className: "kil-num" }, "", ""] });
  }
  const table = tableHtml({
    head: [
      { text: "#", className: "kil-num" }, t("endpoint"), t("chain"), { text: t("rule line"), className: "kil-num" }, t("rule says"),
      { text: t("kernel keeps"), className: "kil-num", title: t("round(p × 2^31): the rule matches when a random 31-bit number is below it") },
      { text: t("rule's share"), className: "kil-num", title: t("of the connections that reach this rule") },
      { text: t("reaches the rule"), className: "kil-num", title: t("share of new connections not taken by the rules above") },
      { text: t("effective (exact)"), className: "kil-num" }, { text: t("effective"), className: "kil-num" },
      { text: t("affinity line"), className: "kil-num" }, { text: t("DNAT line"), className: "kil-num" },
    ],
    rows,
  });
  const affinityNote = service.affinity ? ` ${t("These are the shares of new clients; a returning client (seen less than {} s ago) goes back to its endpoint by the affinity line.", service.affinity.timeoutSeconds)}` : "";
  const note = `<p class="kil-note">${escapeHtml(`${t("effective = rule's share × reaches the rule; a rule without a statistic match takes every connection that reaches it.")}${affinityNote}`)}</p>`;
  return viewHtml("endpoints", table + note, { title: options.title ?? `Endpoints of ${serviceLabel(service)}`, caption: options.caption });
}
