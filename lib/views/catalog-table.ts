/** Every Service port recovered from the dump, one row each. */
import type { KubeService } from "../services/catalog.js";
import { formatPercent } from "../math/fraction.js";
import { codeText, lines, markup, shortText, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { escapeHtml } from "./escape.js";
import { serviceLabel } from "./labels.js";
import { t } from "../i18n/language.js";

/** Options of `serviceCatalogTable`. */
export interface CatalogTableOptions extends ViewOptions {
  /** Endpoints listed per Service before `+N more` (default 6). */
  maxEndpoints?: number;
  /** Longest Service name before it is shortened with `…` (default 60; the full name is in the tooltip). */
  nameLength?: number;
}

/** Table of every Service port: name, protocol, ClusterIP, NodePort, endpoints with shares, affinity, chain, lines, problems. */
export function serviceCatalogTable(services: readonly KubeService[], options: CatalogTableOptions = {}): string {
  const maxEp = options.maxEndpoints ?? 6;
  const rows: Row[] = services.map((s) => {
    const eps = s.endpoints.slice(0, maxEp).map((e) => `${e.ip}:${e.port} (${formatPercent(e.probability)})`);
    if (s.endpoints.length > maxEp) eps.push(`+${t("{} more", s.endpoints.length - maxEp)}`);
    return [
      shortText(serviceLabel(s), options.nameLength ?? 60),
      s.protocol,
      s.clusterIP !== null ? codeText(`${s.clusterIP}:${s.port}`) : "",
      { content: s.nodePort ?? "", className: "kil-num" },
      lines(eps.length ? eps.map((e) => codeText(e)) : [markup(`<span class="kil-dim">${escapeHtml(t("none"))}</span>`)]),
      s.affinity ? t("ClientIP, {} s", s.affinity.timeoutSeconds) : "",
      codeText(s.chain),
      { content: s.entryLines.join(", "), className: "kil-num" },
      s.problems.length ? markup(`<span class="kil-problems">${s.problems.map(escapeHtml).join("<br>")}</span>`) : "",
    ];
  });
  const table = tableHtml({
    head: [t("Service port"), t("protocol"), "ClusterIP", { text: "NodePort", className: "kil-num" }, t("endpoints (share of new clients)"), t("affinity"), t("chain"), { text: t("entry lines"), className: "kil-num" }, t("problems")],
    rows,
  });
  return viewHtml("catalog", table, { title: options.title ?? (services.length === 1 ? "1 Service port" : `${services.length} Service ports`), caption: options.caption });
}
