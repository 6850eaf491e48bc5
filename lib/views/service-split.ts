/**
 * One Service's traffic split: its entry points (ClusterIP, NodePort)
 * through KUBE-SERVICES / KUBE-NODEPORTS to its KUBE-SVC chain, then to each
 * KUBE-SEP chain and endpoint, with band widths equal to the exact
 * probabilities kube-proxy's statistic rules give. For ClientIP affinity,
 * returning clients get their own hatched bands.
 */
import type { Dump } from "../model/dump.js";
import { findChain, findTable, ruleAtLine } from "../model/predicates.js";
import type { KubeService } from "../services/catalog.js";
import { ONE, ZERO, add, formatFraction, formatPercent, fraction, multiply, subtract, type Fraction } from "../math/fraction.js";
import { FlowBuilder, type FlowGraph } from "./flow.js";
import { endpointRuleDetail, endpointRuleText, remainingBefore, serviceLabel } from "./labels.js";
import { renderSankey, type SankeyOptions } from "./sankey.js";
import { t } from "../i18n/language.js";

/** Options of the service split's layout. */
export interface ServiceSplitGraphOptions {
  /**
   * For a Service with ClientIP affinity: the share of connections drawn as
   * coming from returning clients (default 1/2, an illustration: the rules
   * do not say how many clients return). `0` leaves the affinity bands out.
   */
  returningShare?: Fraction;
  /** How the drawn traffic divides between the ClusterIP and the NodePort (default: equally; the split after KUBE-SVC is the same for both). */
  entryShares?: { clusterIP: Fraction; nodePort: Fraction };
  /** Draw at most this many endpoints (default 24); when there are more, the last box stands for the rest. */
  maxEndpoints?: number;
}

/** Options of `serviceSplitSankey`. */
export interface ServiceSplitOptions extends SankeyOptions, ServiceSplitGraphOptions {
  /** The dump the Service came from: adds rule text and line numbers to tooltips. */
  dump?: Dump;
}

function entryRule(dump: Dump | undefined, service: KubeService, chain: string): { line: number; raw: string } | null {
  if (!dump) return null;
  for (const line of service.entryLines) {
    const r = ruleAtLine(dump, line);
    if (r && r.chain === chain) return { line, raw: r.raw };
  }
  return null;
}

/** The KUBE-SERVICES rule that sends packets for the node's own addresses to KUBE-NODEPORTS. */
function nodePortsRule(dump: Dump | undefined): { line: number; raw: string } | null {
  const nat = dump ? findTable(dump, "nat") : undefined;
  const chain = nat ? findChain(nat, "KUBE-SERVICES") : undefined;
  const r = chain?.rules.find((x) => x.target?.kind === "jump" && x.target.chain === "KUBE-NODEPORTS");
  return r ? { line: r.line, raw: r.raw } : null;
}

/** Layout data of one Service's split: nodes and bands with exact probabilities (the dump adds rule text to tooltips). */
export function serviceSplitGraph(service: KubeService, dump?: Dump, options: ServiceSplitGraphOptions = {}): FlowGraph {
  const b = new FlowBuilder();
  const name = serviceLabel(service);
  const proto = service.protocol;
  const affinity = service.affinity !== null && service.endpoints.some((e) => e.affinityLine !== null);
  const returning = affinity ? options.returningShare ?? fraction(1, 2) : ZERO;
  const fresh = subtract(ONE, returning);
  const svcLabel = [service.chain, `= ${name}`];
  if (service.affinity) svcLabel.push(t("ClientIP affinity, {} s", service.affinity.timeoutSeconds));
  const svc = `svc:${service.chain}`;
  const notes: string[] = [];

  // Entry points.
  const hasCluster = service.clusterIP !== null && service.port !== null;
  const hasNode = service.nodePort !== null;
  const entries = (hasCluster ? 1 : 0) + (hasNode ? 1 : 0);
  const shares = options.entryShares ?? { clusterIP: entries ? fraction(1, entries) : ZERO, nodePort: entries ? fraction(1, entries) : ZERO };
  if (hasCluster || hasNode) b.node("chain:KUBE-SERVICES", "dispatch", ["KUBE-SERVICES", `= ${t("service portals")}`]);
  if (hasCluster) {
    const e = b.node("entry:cluster-ip", "entry", [`ClusterIP ${service.clusterIP}:${service.port}/${proto}`]);
    const r = entryRule(dump, service, "KUBE-SERVICES");
    b.link(e, "chain:KUBE-SERVICES", "flow", { exact: shares.clusterIP }, r?.line ?? null, t("new connections to {} enter nat PREROUTING (from outside) or OUTPUT (from this node) and jump to KUBE-SERVICES", `${service.clusterIP}:${service.port}/${proto}`));
    b.node(svc, "service", svcLabel);
    b.link("chain:KUBE-SERVICES", svc, "flow", { exact: shares.clusterIP }, r?.line ?? null, r ? t("line {}: {}", r.line, r.raw) : t("the rule for {} jumps to {}", `${service.clusterIP}:${service.port}`, service.chain));
  }
  if (hasNode) {
    const e = b.node("entry:node-port", "entry", [`NodePort :${service.nodePort}/${proto}`, t("on the node's own addresses")]);
    const nr = nodePortsRule(dump);
    const r = entryRule(dump, service, "KUBE-NODEPORTS");
    b.link(e, "chain:KUBE-SERVICES", "flow", { exact: shares.nodePort }, null, t("new connections to port {} of a node address enter KUBE-SERVICES, match no ClusterIP rule and reach its last rule", service.nodePort!));
    b.node("chain:KUBE-NODEPORTS", "dispatch", ["KUBE-NODEPORTS", `= ${t("NodePorts")}`]);
    b.link("chain:KUBE-SERVICES", "chain:KUBE-NODEPORTS", "flow", { exact: shares.nodePort }, nr?.line ?? null, nr ? t("line {}: {}", nr.line, nr.raw) : t("KUBE-SERVICES' last rule (-m addrtype --dst-type LOCAL) jumps to KUBE-NODEPORTS"));
    b.node(svc, "service", svcLabel);
    b.link("chain:KUBE-NODEPORTS", svc, "flow", { exact: shares.nodePort }, r?.line ?? null, r ? t("line {}: {}", r.line, r.raw) : t("the rule for port {} jumps to {}", service.nodePort!, service.chain));
  }
  b.node(svc, "service", svcLabel);
  if (entries === 2 && !options.entryShares) notes.push(t("The ClusterIP and the NodePort are drawn as equal shares of the traffic (the rules do not say how clients divide between them); the split after the KUBE-SVC chain is the same for both."));

  // Endpoints, in rule order.
  const rests = remainingBefore(service.endpoints);
  const max = Math.max(1, options.maxEndpoints ?? 24);
  const shown = service.endpoints.length > max ? max - 1 : service.endpoints.length;
  service.endpoints.forEach((ep, i) => {
    if (i >= shown) return;
    const rest = rests[i];
    const sep = `sep:${ep.chain}`;
    const ruleText = endpointRuleText(ep, rest);
    const sepLabel = [ep.chain, t("new: {}", ruleText)];
    if (affinity && ep.affinityLine !== null && returning.num > 0n) sepLabel.push(t("returning: line {} (xt_recent)", ep.affinityLine));
    const dnatTo = t("DNAT to {}", `${ep.ip}:${ep.port}`);
    const dnat = ep.dnatLine !== null ? t("line {}: {}", ep.dnatLine, dnatTo) : dnatTo;
    b.node(sep, "endpoint-chain", sepLabel, [...sepLabel, dnat, endpointRuleDetail(ep, rest)].join("\n"));
    const target = `endpoint:${ep.ip}:${ep.port}`;
    const who = affinity ? t("of new clients") : t("of connections");
    const pText = ep.probability.den === 1n ? formatPercent(ep.probability) : `${formatPercent(ep.probability)} = ${formatFraction(ep.probability)}`;
    b.node(target, "endpoint", [`${ep.ip}:${ep.port}`, pText], `${ep.ip}:${ep.port}\n${formatFraction(ep.probability)} = ${formatPercent(ep.probability)} ${who}`);
    const detail = endpointRuleDetail(ep, rest);
    b.link(svc, sep, "flow", { exact: multiply(fresh, ep.probability) }, ep.line, `${affinity ? t("new client: ") : ""}${ruleText}\n${detail}`);
    if (affinity && ep.affinityLine !== null && returning.num > 0n) {
      b.link(svc, sep, "affinity", { exact: multiply(returning, ep.probability) }, ep.affinityLine,
        t("returning client: line {} finds the client in list {} (seen less than {} s ago) and sends it back to {}", ep.affinityLine, ep.recentList ?? ep.chain, service.affinity!.timeoutSeconds, ep.chain));
    }
    b.link(sep, target, "flow", { exact: ep.probability }, ep.dnatLine, dnat);
  });
  if (shown < service.endpoints.length) {
    const more = service.endpoints.slice(shown);
    const p = more.reduce((acc, e) => add(acc, e.probability), ZERO);
    const label = [shown ? t("{} more endpoints", more.length) : t("{} endpoints", more.length), t("{} together", formatPercent(p))];
    const id = b.node("more-endpoints", "others", label, `${label.join(", ")}: ${more.map((e) => `${e.ip}:${e.port}`).slice(0, 40).join(", ")}${more.length > 40 ? ", …" : ""}`);
    b.link(svc, id, "flow", { exact: p }, null, t("{} endpoints drawn as one (option maxEndpoints): {}", more.length, `${formatFraction(p)} = ${formatPercent(p)}`));
    notes.push(t("{} of {} endpoints are drawn as one box (option maxEndpoints).", more.length, service.endpoints.length));
  }
  if (service.fallThrough.num > 0n) {
    const f = b.node("fall-through", "chain", [t("no endpoint rule matched"), t("returns to KUBE-SERVICES, not DNATed")]);
    b.link(svc, f, "flow", { exact: service.fallThrough }, null, t("{} of connections match no endpoint rule", formatFraction(service.fallThrough)));
  }
  if (service.endpoints.length === 0) notes.push(t("{} has no endpoints in this dump.", name));
  if (affinity && returning.num > 0n) {
    notes.push(
      `${t("Hatched bands: returning clients (ClientIP affinity), drawn as {} of the connections for illustration (option returningShare).", formatFraction(returning))} ` +
        t("A returning client goes back to the endpoint it was first sent to, so each endpoint still receives its share of new clients.")
    );
  }
  return b.graph("probability", notes);
}

/** Sankey diagram of one Service's split, from its entry points to its endpoints, with exact probabilities. */
export function serviceSplitSankey(service: KubeService, options: ServiceSplitOptions = {}): string {
  return renderSankey(serviceSplitGraph(service, options.dump, options), { title: `How ${serviceLabel(service)} splits new connections`, ...options });
}
