/**
 * What was read: the dump's errors and warnings in the command line's
 * `FILE:LINE:COL` form with the offending line, the status line's summary,
 * the node's interfaces and facts, and the Service catalog.
 */
import { reachableByKeyboard, setViewHtml } from "./accessibility.js";
import { $, element, option } from "./dom.js";
import type { Loaded, NodeBrief } from "./protocol.js";
import { fillServices } from "./service-picker.js";
import { setStatus } from "./status.js";
import { language, t } from "../lib/i18n/language.js";
import { diagnosticMessage } from "../lib/views/engine-text.js";

/** Show a new dump (or node): its problems, the status line, the node, the Services. */
export function showLoaded(l: Loaded): void {
  showDiagnostics(l);
  // A new dump (or node) makes the last answer stale.
  $("answer").hidden = true;
  $("tl-result").replaceChildren();
  showLoadStatus(l);
  showNode(l.node, l.nodeError);
  fillServices(l.services ?? []);
  setViewHtml("catalog", l.services === null ? "" : l.catalogHtml || `<p class="note">${t("{} Service ports: too many to list here; find them with the search in section 3.", l.services.length)}</p>`);
}

/** A parser diagnostic in the page's language: FILE:LINE:COL and quoted rule text stay; "error"/"warning" and the message are translated. */
function diagnosticText(text: string): string {
  const m = /^(.*?:\d+:\d+): (error|warning): ([\s\S]*)$/.exec(text);
  if (!m || language() === "en") return text;
  return `${m[1]}: ${t(m[2])}${t(": ")}${diagnosticMessage(m[3])}`;
}

/** The dump's errors, then its warnings, each with its line; a count above them, and how many more there were than listed. */
function showDiagnostics(l: Loaded): void {
  const diagnostics = $("diagnostics");
  diagnostics.replaceChildren();
  if (l.errors.length === 0 && l.warnings.length === 0) return;
  const list = element("ul", undefined, "diagnostics");
  // A long list (or a long line) scrolls inside its box.
  reachableByKeyboard(list, t("the errors and warnings, each with its line"));
  for (const [items, kind] of [[l.errors, "error"], [l.warnings, "warning"]] as const) {
    for (const d of items) {
      const li = element("li", undefined, kind);
      li.append(element("code", diagnosticText(d.text)));
      if (d.line) li.append(element("pre", d.line));
      list.append(li);
    }
  }
  const errorCount = l.errors.length + l.moreErrors, warningCount = l.warnings.length + l.moreWarnings;
  diagnostics.append(element("h3", `${t(errorCount === 1 ? "{} error" : "{} errors", errorCount)}${t(", ")}${t(warningCount === 1 ? "{} warning" : "{} warnings", warningCount)}`));
  diagnostics.append(list);
  if (l.moreErrors || l.moreWarnings) diagnostics.append(element("p", t("… and {} more errors and {} more warnings not listed.", l.moreErrors, l.moreWarnings), "note"));
}

/** The status line after a load: what was read, or that it has errors. */
export function showLoadStatus(l: Loaded): void {
  const seconds = ((l.timings.decode + l.timings.parse + l.timings.services) / 1000).toFixed(2);
  if (l.services === null) {
    const errors = l.errors.length + l.moreErrors;
    setStatus(t(errors === 1 ? "{}: {} error; nothing can be traced until it is fixed ({} lines read in {} s)." : "{}: {} errors; nothing can be traced until they are fixed ({} lines read in {} s).", l.file, errors, l.lines, seconds), "problem");
  } else {
    setStatus(t("{}: {} lines, {} rules, {} Service ports, read in {} s.", l.file, l.lines, l.rules, l.services.length, seconds), "ok");
  }
}

/** The node's interfaces and addresses as a table, its CIDRs, routes and peers in a line; its interfaces become the form's choices. */
function showNode(node: NodeBrief | null, error: string | null): void {
  const box = $("node-summary");
  box.replaceChildren();
  const inSelect = $<HTMLSelectElement>("in");
  const keep = inSelect.value;
  inSelect.replaceChildren(option("", t("(inferred from the routes)")));
  if (!node) {
    box.append(element("p", error ? t("The node cannot be used: {}", error) : t("No node description yet."), "problem"));
    return;
  }
  for (const i of node.interfaces) inSelect.append(option(i.name, i.name, i.name === keep));
  box.append(interfaceTable(node));
  box.append(element("p", nodeFacts(node).join(t("; ")) + t("."), "note"));
}

function interfaceTable(node: NodeBrief): HTMLTableElement {
  const table = element("table");
  table.append(element("caption", t("Node {}", node.name)));
  const head = element("tr");
  head.append(element("th", t("interface")), element("th", t("addresses")));
  table.append(head);
  for (const i of node.interfaces) {
    const row = element("tr");
    row.append(element("td", i.name), element("td", i.addresses.join(", ")));
    table.append(row);
  }
  return table;
}

function nodeFacts(node: NodeBrief): string[] {
  return [
    node.clusterCIDR ? t("cluster CIDR {}", node.clusterCIDR) : t("no cluster CIDR"),
    node.podCIDR ? t("pod CIDR {}", node.podCIDR) : t("no pod CIDR"),
    node.serviceCIDR ? t("service CIDR {}", node.serviceCIDR) : t("no service CIDR"),
    t(node.routes.length === 1 ? "{} route" : "{} routes", node.routes.length),
    node.peers.length ? t("peers {}", node.peers.map((p) => `${p.name} (${p.address})`).join(t(", "))) : t("no peers"),
  ];
}
