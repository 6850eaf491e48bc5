/**
 * What the benchmark asks of the simulator: seeded connections to random
 * ClusterIPs and NodePorts, and the whole-node analysis (one trace per
 * Service port from a client outside the cluster: its split and its NAT).
 */
import type { Dump } from "../model/dump.js";
import type { NodeContext } from "../node/context.js";
import type { KubeService } from "../services/catalog.js";
import { add, equals, type Fraction } from "../math/fraction.js";
import type { ConnectionSpec, Protocol } from "../trace/packet.js";
import { createRandom } from "../math/random.js";
import { traceConnection, type TraceOptions } from "../trace/trace.js";

/** Service ports a client can reach: a ClusterIP and at least one endpoint. */
export function reachable(services: readonly KubeService[]): KubeService[] {
  return services.filter((s) => s.clusterIP !== null && s.port !== null && s.endpoints.length > 0);
}

/** `count` connections from clients outside the cluster (arriving on eth0): every other one to a NodePort, when there are any. */
export function benchConnections(services: readonly KubeService[], nodeIP: string, count: number, seed: number): ConnectionSpec[] {
  const random = createRandom(seed);
  const all = reachable(services);
  const withNodePort = all.filter((s) => s.nodePort !== null);
  if (all.length === 0) return [];
  const out: ConnectionSpec[] = [];
  for (let i = 0; i < count; i++) {
    const r = random.next32();
    const client = { src: `198.51.100.${1 + (r % 250)}`, sport: 30000 + ((r >>> 8) % 30000), from: { interface: "eth0" } };
    if (i % 2 === 1 && withNodePort.length > 0) {
      const s = withNodePort[random.next32() % withNodePort.length];
      out.push({ ...client, protocol: s.protocol as Protocol, dst: nodeIP, dport: s.nodePort! });
    } else {
      const s = all[random.next32() % all.length];
      out.push({ ...client, protocol: s.protocol as Protocol, dst: s.clusterIP!, dport: s.port! });
    }
  }
  return out;
}

/** One Service port's entry as the whole-node analysis found it. */
export interface ServiceDecision {
  service: string;
  entry: "cluster-ip" | "node-port";
  /** Where new connections go: DNAT destination (or `-` when not translated), the exact share, and the source seen there. */
  split: { to: string; probability: Fraction; verdict: string; source: string }[];
  /** Whether the shares per destination are exactly the endpoint probabilities services() read from the KUBE-SVC chain. */
  consistent: boolean;
}

/** A Service port's endpoints as the whole-node analysis compares them: by the DNAT `to` an outcome shows. */
export interface EndpointShares {
  list: { to: string; probability: Fraction }[];
  byTo: Map<string, Fraction>;
  /** Whether no two endpoints share an `ip:port`. */
  unique: boolean;
}

export function endpointShares(s: KubeService): EndpointShares {
  const list = s.endpoints.map((e) => ({ to: `${e.ip}:${e.port}`, probability: e.probability }));
  const byTo = new Map(list.map((e) => [e.to, e.probability]));
  return { list, byTo, unique: byTo.size === list.length };
}

/**
 * Whether the shares per destination are exactly the endpoints' probabilities (each destination once). Usually
 * every outcome goes to another endpoint: then each is compared with its endpoint directly; otherwise the shares
 * of a destination are summed first.
 */
export function sharesMatch(split: ServiceDecision["split"], endpoints: EndpointShares): boolean {
  if (!endpoints.unique || split.length !== endpoints.list.length) return summedSharesMatch(split, endpoints.list);
  for (let i = 0; i < split.length; i++) {
    const want = endpoints.byTo.get(split[i].to);
    if (want === undefined || !equals(want, split[i].probability)) return false;
    // A destination met twice leaves another endpoint without its share.
    for (let j = 0; j < i; j++) if (split[j].to === split[i].to) return false;
  }
  return true;
}

function summedSharesMatch(split: ServiceDecision["split"], endpoints: { to: string; probability: Fraction }[]): boolean {
  const shares = new Map<string, Fraction>();
  for (const x of split) {
    const before = shares.get(x.to);
    shares.set(x.to, before ? add(before, x.probability) : x.probability);
  }
  return shares.size === endpoints.length && endpoints.every((e) => {
    const got = shares.get(e.to);
    return got !== undefined && equals(got, e.probability);
  });
}

/** Trace every Service port's ClusterIP (and NodePort) once from a client outside the cluster. */
export function wholeNode(dump: Dump, node: NodeContext, services: readonly KubeService[], nodeIP: string, options: TraceOptions = {}): ServiceDecision[] {
  const out: ServiceDecision[] = [];
  const from = { interface: "eth0" };
  const traceOptions: TraceOptions = { explain: false, followUp: false, ...options };
  const decide = (s: KubeService, endpoints: EndpointShares, entry: ServiceDecision["entry"], dst: string, dport: number): ServiceDecision => {
    const t = traceConnection(dump, node, { src: "198.51.100.7", sport: 41000, from, protocol: s.protocol as Protocol, dst, dport }, traceOptions);
    // Both engines record a DNAT right after every change of the destination, so its `to` is the outcome's `after.dst:after.dport`.
    const split = t.outcomes.map((o) => ({ to: o.dnat ? o.dnat.to : "-", probability: o.probability, verdict: o.verdict, source: o.after.src }));
    return { service: s.id, entry, split, consistent: sharesMatch(split, endpoints) };
  };
  for (const s of reachable(services)) {
    // Per Service port, once for both of its entries.
    const endpoints = endpointShares(s);
    out.push(decide(s, endpoints, "cluster-ip", s.clusterIP!, s.port!));
    if (s.nodePort !== null) out.push(decide(s, endpoints, "node-port", nodeIP, s.nodePort));
  }
  return out;
}
