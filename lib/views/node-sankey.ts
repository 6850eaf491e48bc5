/**
 * A whole node at a glance: every Service port kube-proxy programmed, from
 * the dispatch chains through its namespace and KUBE-SVC chain to its
 * endpoints. Each Service port is drawn with the same width (or a weight the
 * caller gives), split among its endpoints by the exact probabilities. Big
 * clusters are cut to the largest Services plus one aggregated "others".
 */
import type { KubeService } from "../services/catalog.js";
import { ZERO, add, formatFraction, formatPercent, fraction, multiply, toNumber, type Fraction } from "../math/fraction.js";
import { FlowBuilder, type FlowGraph } from "./flow.js";
import { endpointRuleDetail, remainingBefore, serviceLabel } from "./labels.js";
import { renderSankey, type SankeyOptions } from "./sankey.js";
import { t } from "../i18n/language.js";

/** Options of the whole-node layout. */
export interface NodeGraphOptions {
  /** `namespace`: a column of namespaces between the dispatch chains and the Services (default); `none`: no grouping. */
  groupBy?: "namespace" | "none";
  /** Draw at most this many Service ports (default 24); the rest are aggregated into one "others" band. */
  maxServices?: number;
  /** Draw at most this many endpoints per Service (default 8); the rest of a Service's endpoints are aggregated. */
  maxEndpoints?: number;
  /** Draw at most about this many endpoint boxes in all (default 48): with many Services each keeps fewer endpoints, at least one. */
  maxEndpointNodes?: number;
  /** Aggregate the Services beyond `maxServices` into one "others" band (default true); `false` leaves them out. */
  others?: boolean;
  /** Only the Services for which this returns true. */
  filter?: (service: KubeService) => boolean;
  /** A Service's share of the drawing (default 1 for each: equal shares); the largest weights are kept when cutting to `maxServices`. */
  weight?: (service: KubeService) => number;
  /**
   * Leave out what carries nothing new (default false): no dispatch column (every Service port starts
   * there), and a Service port with a single endpoint drawn as one box that names its endpoint.
   */
  compact?: boolean;
}

/** Options of `nodeSankey`. */
export interface NodeSankeyOptions extends SankeyOptions, NodeGraphOptions {}

/** Layout data of a whole node: dispatch → namespace → Service → endpoint, each Service port an equal (or weighted) share. */
export function nodeGraph(services: readonly KubeService[], options: NodeGraphOptions = {}): FlowGraph {
  const chosen = services.filter(options.filter ?? (() => true));
  const weightOf = options.weight ?? (() => 1);
  const all = chosen.map((s, i) => ({ s, i, w: Math.max(0, weightOf(s)) }));
  const custom = options.weight !== undefined;
  const maxServices = Math.max(1, options.maxServices ?? 24);
  // The largest weights first; among equals, the Services with more endpoints, then dump order.
  const ranked = [...all].sort((a, b) => b.w - a.w || b.s.endpoints.length - a.s.endpoints.length || a.i - b.i);
  const kept = new Set(ranked.slice(0, maxServices).map((x) => x.i));
  const maxEndpoints = Math.max(1, Math.min(options.maxEndpoints ?? 8, Math.floor((options.maxEndpointNodes ?? 48) / Math.max(1, kept.size))));
  // Without "others", the cut Services are left out and the drawn ones share the whole width.
  const weighted = options.others === false ? all.filter((x) => kept.has(x.i)) : all;
  const left = all.length - weighted.length;
  const others = weighted.filter((x) => !kept.has(x.i));
  const total = weighted.reduce((a, x) => a + x.w, 0);
  const n = weighted.length;
  const b = new FlowBuilder();
  const notes: string[] = [];
  if (n === 0) return b.graph("probability", [t("No Services to draw.")]);
  const servicePorts = (k: number) => t(k === 1 ? "{} service port" : "{} service ports", k);

  const compact = options.compact === true;
  const root = compact ? null : b.node("dispatch", "dispatch", ["KUBE-SERVICES", "+ KUBE-NODEPORTS", servicePorts(n)]);
  // Each Service's share: exactly 1/n for equal shares, weight/total otherwise.
  const share = (w: number): { exact?: Fraction; value?: number } => (custom ? { value: total > 0 ? w / total : 0 } : { exact: fraction(1, n) });
  const scaled = (w: number, p: Fraction): { exact?: Fraction; value?: number } =>
    custom ? { value: total > 0 ? (w / total) * toNumber(p) : 0 } : { exact: multiply(fraction(1, n), p) };

  const byNamespace = options.groupBy !== "none";
  for (const { s, i, w } of weighted) {
    if (!kept.has(i)) continue;
    const label = serviceLabel(s);
    let parent = root;
    if (byNamespace) {
      const ns = s.namespace ?? "(no namespace: comments stripped)";
      const count = weighted.filter((x) => kept.has(x.i) && (x.s.namespace ?? "(no namespace: comments stripped)") === ns).length;
      parent = b.node(`ns:${ns}`, "group", [s.namespace ?? t(ns), servicePorts(count)]);
      if (root) b.link(root, parent, "flow", share(w), null, `namespace ${ns}`);
    }
    const where = [s.clusterIP !== null ? `${s.clusterIP}:${s.port}` : null, s.nodePort !== null ? `NodePort ${s.nodePort}` : null].filter((x) => x !== null).join(", ");
    const single = compact && s.endpoints.length === 1 ? s.endpoints[0] : null;
    const svcLines = compact ? [label] : [s.chain, `= ${label}`];
    if (where) svcLines.push(`${where}/${s.protocol}`);
    if (single) svcLines.push(`→ ${t("{} (its only endpoint)", `${single.ip}:${single.port}`)}`);
    const svc = b.node(`svc:${s.chain}`, "service", svcLines, [...svcLines, ...(compact ? [s.chain] : []), s.affinity ? t("ClientIP affinity {} s", s.affinity.timeoutSeconds) : t("no session affinity")].join("\n"));
    if (parent) b.link(parent, svc, "flow", share(w), s.entryLines[0] ?? null, t("{}: lines {}", label, s.entryLines.join(t(", ")) || t("none")));
    if (single) continue;
    const rests = remainingBefore(s.endpoints);
    // At most maxEndpoints boxes per Service: when there are more, the last box stands for the rest.
    const shown = s.endpoints.length > maxEndpoints ? maxEndpoints - 1 : s.endpoints.length;
    s.endpoints.forEach((ep, k) => {
      if (k >= shown) return;
      const id = `endpoint:${ep.ip}:${ep.port}/${s.protocol}`;
      b.node(id, "endpoint", [`${ep.ip}:${ep.port}/${s.protocol}`], `${ep.ip}:${ep.port}/${s.protocol} (${ep.chain})`);
      b.link(svc, id, "flow", scaled(w, ep.probability), ep.line, `${label} → ${ep.ip}:${ep.port}: ${formatFraction(ep.probability)} = ${formatPercent(ep.probability)} of its connections\n${endpointRuleDetail(ep, rests[k])}`);
    });
    if (shown < s.endpoints.length) {
      const rest = s.endpoints.slice(shown);
      const p = rest.reduce((acc, e) => add(acc, e.probability), ZERO);
      const text = shown === 0 ? t("{} endpoints", rest.length) : t("{} more endpoints", rest.length);
      const id = b.node(`more:${s.chain}`, "others", [text], `${text} of ${label}`);
      b.link(svc, id, "flow", scaled(w, p), null, `${text}: ${formatPercent(p)} of ${label}'s connections`);
    }
    if (s.endpoints.length === 0) {
      const id = b.node(`none:${s.chain}`, "others", [t("no endpoints")], t("{} has no endpoints in this dump", label));
      b.link(svc, id, "flow", share(w), null, `${label} has no endpoints`);
    }
  }
  if (others.length > 0) {
    const w = others.reduce((a, x) => a + x.w, 0);
    const amount = custom ? { value: total > 0 ? w / total : 0 } : { exact: fraction(others.length, n) };
    const endpoints = others.reduce((a, x) => a + x.s.endpoints.length, 0);
    let parent = root;
    if (byNamespace) {
      parent = b.node("ns:others", "others", [t("other namespaces"), t("(aggregated)")]);
      if (root) b.link(root, parent, "flow", amount, null, `${others.length} other service ports`);
    }
    const names = others.slice(0, 40).map((x) => serviceLabel(x.s));
    if (others.length > 40) names.push(`… and ${others.length - 40} more`);
    const svc = b.node("svc:others", "others", [t("{} other service ports", others.length)], names.join("\n"));
    if (parent) b.link(parent, svc, "flow", amount, null, `${others.length} other service ports`);
    const eps = b.node("endpoint:others", "others", [t("their {} endpoints", endpoints)]);
    b.link(svc, eps, "flow", amount, null, `${endpoints} endpoints of ${others.length} other service ports`);
    notes.push(t("Only the {} largest of {} service ports are drawn one by one (option maxServices); the other {} are aggregated.", kept.size, n, others.length));
  }
  if (left > 0) notes.push(t("Only the {} largest of {} service ports are drawn (option maxServices); the other {} are left out (option others: false).", kept.size, all.length, left));
  if (compact) notes.push(t("Every Service port is reached through KUBE-SERVICES (and KUBE-NODEPORTS for node ports); a Service port with one endpoint is one box that names it."));
  notes.push(custom ? t("Each Service port is drawn with the width of its weight; inside a Service the bands follow the exact endpoint probabilities.") : t("Each Service port is drawn as an equal share (1/{}); inside a Service the bands follow the exact endpoint probabilities.", n));
  return b.graph("probability", notes, { unitLabel: custom ? "band width = the Service's weight × endpoint probability" : "band width = 1/(number of service ports) × exact endpoint probability", legend: { group: "namespace" } });
}

/** Sankey diagram of every Service on a node, grouped by namespace, with top-N plus "others" for big clusters. */
export function nodeSankey(services: readonly KubeService[], options: NodeSankeyOptions = {}): string {
  const title = options.compact ? "Every Service on this node, by namespace, to its endpoints" : "Every Service on this node, from the dispatch chains to the endpoints";
  return renderSankey(nodeGraph(services, options), { title, ...(options.compact ? { labelLane: true } : {}), ...options });
}
