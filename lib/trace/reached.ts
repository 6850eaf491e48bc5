/**
 * What an outcome reached: the Service port whose rules it went through (if
 * any), the next hop of a packet that leaves the node, and whether anything
 * can answer its destination. A cluster IP exists only in kube-proxy's
 * rules: a packet still addressed to one when it leaves the node (no rule
 * rewrote it) is going to an address that nothing on its path owns. Also
 * whether the connection could be made at all: a process on the node sends
 * only from the node's own addresses.
 */
import type { Dump } from "../model/dump.js";
import { cidrContains, formatCidr } from "../model/address.js";
import { isLocalAddress, lookupRoute, type NodeContext } from "../node/context.js";
import { services } from "../services/catalog.js";
import { ownersOf, rememberedOwners, type ServiceOwners } from "../services/owners.js";
import type { Outcome } from "./engine.js";

/** Per dump: the Service port id of every nat chain and filter rule line that belongs to one Service port. */
export type ServiceIndex = ServiceOwners;

/** The Service port of each chain and filter rule line, from the dump's catalog (read here unless its last reading is remembered). */
export function serviceIndex(dump: Dump): ServiceIndex {
  const known = rememberedOwners(dump);
  if (known) return known;
  // Reading the catalog remembers its owners for this dump.
  const list = services(dump);
  return rememberedOwners(dump) ?? ownersOf(list);
}

/** The Service port (kube-proxy's `namespace/name:port`) whose chains or filter rules an outcome went through, or null when no Service rule matched. */
export function reachedService(dump: Dump, o: Outcome): string | null {
  const matched = o.steps.filter((s) => s.kind === "rule" && s.matched);
  return serviceOfRules(dump, matched.map((s) => s.line), matched.map((s) => s.chain));
}

/** The Service port of the first of the rules met (their lines and chains, in order) that belongs to one, or null. */
export function serviceOfRules(dump: Dump, lines: readonly (number | null)[], chains: readonly (string | null)[]): string | null {
  const index = serviceIndex(dump);
  for (let i = 0; i < lines.length; i++) {
    const chain = chains[i], line = lines[i];
    const byChain = chain !== null ? index.chains.get(chain) : undefined;
    if (byChain) return byChain;
    const byLine = line !== null ? index.lines.get(line) : undefined;
    if (byLine) return byLine;
  }
  return null;
}

/** The gateway (or the destination itself, on a connected network) an accepted packet leaving the node is sent to; null otherwise. */
export function nextHopOf(node: NodeContext, o: Outcome): string | null {
  if (o.verdict !== "accepted" || o.delivery !== "out") return null;
  const r = lookupRoute(node, o.after.dst);
  return r.kind === "unicast" ? r.nextHop : null;
}

/**
 * Why nothing can answer an outcome, or null when something may: a packet
 * that leaves the node still addressed to the service range (no rule
 * rewrote its destination) goes to an address nobody owns.
 */
export function unownedDestination(node: NodeContext, o: Outcome): string | null {
  if (o.verdict !== "accepted" || o.delivery !== "out" || !node.serviceCIDR) return null;
  if (o.after.dst !== o.before.dst || !cidrContains(node.serviceCIDR, o.after.dst)) return null;
  const hop = nextHopOf(node, o);
  const toward = hop && hop !== o.after.dst ? ` toward ${hop}` : "";
  return `${o.after.protocol} ${o.after.dst}:${o.after.dport}: no Service rule rewrote this destination, and ${o.after.dst} is in the service range ${formatCidr(node.serviceCIDR)}. ` +
    `A cluster IP exists only in kube-proxy's rules; nothing on the path owns it, so the packet leaves ${o.outInterface ?? "the node"}${toward} and nobody answers (no reply is traced).`;
}

/**
 * Why a connection made by a process on the node could not have that source, or null when it could.
 * Linux lets a socket send only from an address the node has: bind() fails with EADDRNOTAVAIL
 * otherwise, unless net.ipv4.ip_nonlocal_bind is set or the socket is transparent (IP_TRANSPARENT,
 * as a transparent proxy's is). The trace still runs, so the rules can be read; the warning says
 * the question is one the node would not normally ask.
 */
export function unownedLocalSource(node: NodeContext, src: string, local: boolean): string | null {
  if (!local || isLocalAddress(node, src)) return null;
  return `source ${src}: node ${node.name} has no such address, so a process on it cannot normally send from it ` +
    `(bind() fails with EADDRNOTAVAIL unless net.ipv4.ip_nonlocal_bind is set or the socket is transparent). ` +
    `The connection is traced as if it could.`;
}
