/**
 * Links into the explorer (site/explore.html): the question goes after `#`
 * in a versioned format, so a link on a slide or in a lesson keeps working
 * as the page grows.
 *
 *   explore.html#v=1&dump=wordpress&src=172.16.1.100&dst=10.254.42.62:80&proto=tcp
 *
 * `in=IFACE` or `local=1` say where the packet starts (inferred from the
 * node's routes when neither is given); `src=IP:PORT` sets the source port;
 * `node=ID` picks another bundled node than the example's own.
 */
import type { ConnectionSpec } from "../trace/packet.js";
import { escapeHtml } from "./escape.js";
import { t } from "../i18n/language.js";

/** The version of the address format written today. */
export const EXPLORER_FORMAT_VERSION = 1;

/** What an explorer address holds; every part may be missing. */
export interface ExplorerQuestion {
  /** A bundled example: wordpress, wordpress-today, wordpress-scaled, policies-today. */
  dump?: string | null;
  /** A bundled node, when not the example's own. */
  node?: string | null;
  /** `IP` or `IP:PORT`. */
  src?: string | null;
  /** `IP:PORT`. */
  dst?: string | null;
  proto?: "tcp" | "udp" | "sctp" | null;
  in?: string | null;
  local?: boolean;
}

/** The `#...` part of an explorer address, keys in a fixed order, empty parts left out. */
export function explorerHash(q: ExplorerQuestion): string {
  const parts: [string, string][] = [["v", String(EXPLORER_FORMAT_VERSION)]];
  if (q.dump) parts.push(["dump", q.dump]);
  if (q.node) parts.push(["node", q.node]);
  if (q.src) parts.push(["src", q.src]);
  if (q.dst) parts.push(["dst", q.dst]);
  if (q.proto) parts.push(["proto", q.proto]);
  if (q.local) parts.push(["local", "1"]);
  else if (q.in) parts.push(["in", q.in]);
  // Addresses keep their dots and colons, so a link reads as what it asks.
  return "#" + parts.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%3A/gi, ":")}`).join("&");
}

/** The explorer question for a connection on a bundled example. */
export function explorerQuestion(dump: string, spec: ConnectionSpec): ExplorerQuestion {
  return {
    dump,
    src: spec.sport !== undefined ? `${spec.src}:${spec.sport}` : spec.src,
    dst: `${spec.dst}:${spec.dport}`,
    proto: spec.protocol ?? "tcp",
    in: spec.from && spec.from !== "local" ? spec.from.interface : null,
    local: spec.from === "local",
  };
}

/** An HTML link that opens the explorer on this connection (`page` is the explorer's address relative to the linking page; the label is given in the current language). */
export function explorerLink(dump: string, spec: ConnectionSpec, label: string, page = "explore.html"): string {
  return `<a class="kil-explorer-link" href="${escapeHtml(page + explorerHash(explorerQuestion(dump, spec)))}">${escapeHtml(t(label))}</a>`;
}
