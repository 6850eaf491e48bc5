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
  if (service.affinity) svcLabel.push(`ClientIP affinity, ${service.affinity.timeoutSeconds} s`);
  const svc = `svc:${service.chain}`;
  const notes: string[] = [];

  // Entry points.
  const hasCluster = service.clusterIP !== null && service.port !== null;
  const hasNode = service.nodePort !== null;
  const entries = (hasCluster ? 1 : 0) + (hasNode ? 1 : 0);
  const shares = options.entryShares ?? { clusterIP: entries ? fraction(1, entries) : ZERO, nodePort: entries ? fraction(1, entries) : ZERO };
  if (hasCluster || hasNode) b.node("chain:KUBE-SERVICES", "dispatch", ["KUBE-SERVICES", "= service portals"]);
  if (hasCluster) {
    const e = b.node("entry:cluster-ip", "entry", [`ClusterIP ${service.clusterIP}:${service.port}/${proto}`]);
    const r = entryRule(dump, service, "KUBE-SERVICES");
    b.link(e, "chain:KUBE-SERVICES", "flow", { exact: shares.clusterIP }, r?.line ?? null, `new connections to ${service.clusterIP}:${service.port}/${proto} enter nat PREROUTING (from outside) or OUTPUT (from this node) and jump to KUBE-SERVICES`);
    b.node(svc, "service", svcLabel);
    b.link("chain:KUBE-SERVICES", svc, "flow", { exact: shares.clusterIP }, r?.line ?? null, r ? `line ${r.line}: ${r.raw}` : `the rule for ${service.clusterIP}:${service.port} jumps to ${service.chain}`);
  }
  if (hasNode) {
    const e = b.node("entry:node-port", "entry", [`NodePort :${service.nodePort}/${proto}`, "on the node's own addresses"]);
    const nr = nodePortsRule(dump);
    const r = entryRule(dump, service, "KUBE-NODEPORTS");
    b.link(e, "chain:KUBE-SERVICES", "flow", { exact: shares.nodePort }, null, `new connections to port ${service.nodePort} of a node address enter KUBE-SERVICES, match no ClusterIP rule and reach its last rule`);
    b.node("chain:KUBE-NODEPORTS", "dispatch", ["KUBE-NODEPORTS", "= NodePorts"]);
    b.link("chain:KUBE-SERVICES", "chain:KUBE-NODEPORTS", "flow", { exact: shares.nodePort }, nr?.line ?? null, nr ? `line ${nr.line}: ${nr.raw}` : "KUBE-SERVICES' last rule (-m addrtype --dst-type LOCAL) jumps to KUBE-NODEPORTS");
    b.node(svc, "service", svcLabel);
    b.link("chain:KUBE-NODEPORTS", svc, "flow", { exact: shares.nodePort }, r?.line ?? null, r ? `line ${r.line}: ${r.raw}` : `the rule for port ${service.nodePort} jumps to ${service.chain}`);
  }
  b.node(svc, "service", svcLabel);
  if (entries === 2 && !options.entryShares) notes.push("The ClusterIP and the NodePort are drawn as equal shares of the traffic (the rules do not say how clients divide between them); the split after the KUBE-SVC chain is the same for both.");

  // Endpoints, in rule order.
  const rests = remainingBefore(service.endpoints);
  const max = Math.max(1, options.maxEndpoints ?? 24);
  const shown = service.endpoints.length > max ? max - 1 : service.endpoints.length;
  service.endpoints.forEach((ep, i) => {
    if (i >= shown) return;
    const rest = rests[i];
    const sep = `sep:${ep.chain}`;
    const ruleText = endpointRuleText(ep, rest);
    const sepLabel = [ep.chain, `new: ${ruleText}`];
    if (affinity && ep.affinityLine !== null && returning.num > 0n) sepLabel.push(`returning: line ${ep.affinityLine} (xt_recent)`);
    const dnat = ep.dnatLine !== null ? `line ${ep.dnatLine}: DNAT to ${ep.ip}:${ep.port}` : `DNAT to ${ep.ip}:${ep.port}`;
    b.node(sep, "endpoint-chain", sepLabel, [...sepLabel, dnat, endpointRuleDetail(ep, rest)].join("\n"));
    const target = `endpoint:${ep.ip}:${ep.port}`;
    const who = affinity ? "of new clients" : "of connections";
    const pText = ep.probability.den === 1n ? formatPercent(ep.probability) : `${formatPercent(ep.probability)} = ${formatFraction(ep.probability)}`;
    b.node(target, "endpoint", [`${ep.ip}:${ep.port}`, pText], `${ep.ip}:${ep.port}\n${formatFraction(ep.probability)} = ${formatPercent(ep.probability)} ${who}`);
    const detail = endpointRuleDetail(ep, rest);
    b.link(svc, sep, "flow", { exact: multiply(fresh, ep.probability) }, ep.line, `${affinity ? "new client: " : ""}${ruleText}\n${detail}`);
    if (affinity && ep.affinityLine !== null && returning.num > 0n) {
      b.link(svc, sep, "affinity", { exact: multiply(returning, ep.probability) }, ep.affinityLine,
        `returning client: line ${ep.affinityLine} finds the client in list ${ep.recentList ?? ep.chain} (seen less than ${service.affinity!.timeoutSeconds} s ago) and sends it back to ${ep.chain}`);
    }
    b.link(sep, target, "flow", { exact: ep.probability }, ep.dnatLine, dnat);
  });
  if (shown < service.endpoints.length) {
    const more = service.endpoints.slice(shown);
    const p = more.reduce((acc, e) => add(acc, e.probability), ZERO);
    const label = [`${more.length} ${shown ? "more " : ""}endpoints`, `${formatPercent(p)} together`];
    const id = b.node("more-endpoints", "others", label, `${label.join(", ")}: ${more.map((e) => `${e.ip}:${e.port}`).slice(0, 40).join(", ")}${more.length > 40 ? ", …" : ""}`);
    b.link(svc, id, "flow", { exact: p }, null, `${more.length} endpoints drawn as one (option maxEndpoints): ${formatFraction(p)} = ${formatPercent(p)}`);
    notes.push(`${more.length} of ${service.endpoints.length} endpoints are drawn as one box (option maxEndpoints).`);
  }
  if (service.fallThrough.num > 0n) {
    const f = b.node("fall-through", "chain", ["no endpoint rule matched", "returns to KUBE-SERVICES, not DNATed"]);
    b.link(svc, f, "flow", { exact: service.fallThrough }, null, `${formatFraction(service.fallThrough)} of connections match no endpoint rule`);
  }
  if (service.endpoints.length === 0) notes.push(`${name} has no endpoints in this dump.`);
  if (affinity && returning.num > 0n) {
    notes.push(
      `Hatched bands: returning clients (ClientIP affinity), drawn as ${formatFraction(returning)} of the connections for illustration (option returningShare). ` +
        "A returning client goes back to the endpoint it was first sent to, so each endpoint still receives its share of new clients."
    );
  }
  return b.graph("probability", notes);
}

/** Sankey diagram of one Service's split, from its entry points to its endpoints, with exact probabilities. */
export function serviceSplitSankey(service: KubeService, options: ServiceSplitOptions = {}): string {
  return renderSankey(serviceSplitGraph(service, options.dump, options), { title: `How ${serviceLabel(service)} splits new connections`, ...options });
}
