/**
 * Recovers the Kubernetes Services from kube-proxy's chains: which cluster
 * IP, NodePort, external IPs and load balancer IPs lead to which service
 * chain, which endpoints it balances over with what exact probability,
 * whether it keeps ClientIP affinity, and, in today's shapes, the traffic
 * policies (KUBE-SVL: endpoints on this node), the external-traffic chain
 * (KUBE-EXT), loadBalancerSourceRanges (KUBE-FW and filter
 * KUBE-PROXY-FIREWALL), and the filter rules kube-proxy writes for Services
 * without (local) endpoints. The recovery follows the chain structure, so a
 * dump whose comments were stripped still works; comments only supply the
 * names (and tell external IPs from load balancer IPs).
 */
import type { Chain, Dump, Rule, Table } from "../model/dump.js";
import type { KernelProbability } from "../model/matches.js";
import { formatCidr } from "../model/address.js";
import { findChain, findTable, ruleComment } from "../model/predicates.js";
import { ONE, ZERO, fraction, multiply, subtract, type Fraction } from "../math/fraction.js";
import { endpointChainName, serviceChainName } from "./chain-names.js";
import { rememberOwners } from "./owners.js";

/** One endpoint of a Service port, as its KUBE-SEP chain describes it. */
export interface KubeEndpoint {
  ip: string;
  port: number;
  /** The KUBE-SEP chain. */
  chain: string;
  /** Exact probability that a new client (no affinity entry yet) is sent here by the service chain (`chain` of the Service). */
  probability: Fraction;
  /** The statistic probability on this endpoint's rule, as printed and as the kernel keeps it; `null` for the rule that takes the rest. */
  ruleProbability: KernelProbability | null;
  /** Line of the service chain's rule that picks this endpoint at random (or unconditionally). */
  line: number | null;
  /** Line of the service chain's rule that sends returning clients here (ClientIP affinity). */
  affinityLine: number | null;
  /** Line of the DNAT rule in the KUBE-SEP chain. */
  dnatLine: number | null;
  /** Line of the hairpin rule (`-s <endpoint>/32 -j KUBE-MARK-MASQ`). */
  hairpinLine: number | null;
  /** The xt_recent list the KUBE-SEP chain records clients in, for affinity. */
  recentList: string | null;
  /**
   * Whether the endpoint runs on this node: `true` when the Service's KUBE-SVL chain (Local traffic
   * policy) picks it, `false` when the Service has a Local policy and KUBE-SVL does not pick it,
   * `null` when the dump cannot tell (no Local policy).
   */
  local: boolean | null;
  /** Exact probability that KUBE-SVL sends a new client here (0 when it never does); `null` without a KUBE-SVL chain. */
  localProbability: Fraction | null;
  /** Line of the KUBE-SVL rule that picks this endpoint. */
  localLine: number | null;
}

/** A rule that marks a Service's packets for masquerading, and why. */
export interface MasqueradeRule {
  line: number;
  chain: string;
  /**
   * `cluster-ip`: off-cluster source to the cluster IP (2018: in KUBE-SERVICES); `node-port`: any
   * NodePort traffic (2018: in KUBE-NODEPORTS); `hairpin`: an endpoint calling its own Service;
   * `service`: today's rule at the top of KUBE-SVC (or KUBE-SVL) for off-cluster sources;
   * `external`: today's KUBE-EXT rule (NodePort, external IP and load balancer traffic, or with
   * externalTrafficPolicy Local only the node's own traffic).
   */
  reason: "cluster-ip" | "node-port" | "hairpin" | "service" | "external";
}

/** A filter rule kube-proxy writes to stop a Service's traffic. */
export interface ServiceFilterRule {
  line: number;
  /** KUBE-SERVICES, KUBE-EXTERNAL-SERVICES or KUBE-PROXY-FIREWALL. */
  chain: string;
  target: "REJECT" | "DROP";
  /** REJECT's answer (`icmp-port-unreachable`); `null` for DROP. */
  rejectWith: string | null;
  /** Which traffic it stops: to the cluster IP, an external IP, a load balancer IP, the NodePort, or (a Service without endpoints, whose external and load balancer IPs the dump does not tell apart) `external`. */
  traffic: "cluster-ip" | "external-ip" | "load-balancer" | "node-port" | "external";
  /** The address it matches (`null` for the NodePort rule, which matches any local address). */
  ip: string | null;
  port: number | null;
  /** `no-endpoints`: none anywhere (REJECT); `no-local-endpoints`: a Local traffic policy and none on this node (DROP); `source-range`: load balancer traffic from outside loadBalancerSourceRanges. */
  reason: "no-endpoints" | "no-local-endpoints" | "source-range";
}

/** Traffic policies as the chains show them. */
export interface TrafficPolicy {
  /** internalTrafficPolicy: `Local` when the cluster IP leads to KUBE-SVL (or is dropped for lack of local endpoints). */
  internal: "Cluster" | "Local";
  /** externalTrafficPolicy: `Local` when KUBE-EXT keeps external clients on KUBE-SVL; `null` for a Service with no external traffic. */
  external: "Cluster" | "Local" | null;
}

/** One Service port as kube-proxy programmed it. */
export interface KubeService {
  /** kube-proxy's service port name, `namespace/name:port` (`default/wordpress-01-svc:` for an unnamed port in 2018, `default/wordpress-01-svc` today), or the chain name when the dump has no comments. */
  id: string;
  namespace: string | null;
  name: string | null;
  /** Port name (`""` for an unnamed port); `null` when unknown. */
  portName: string | null;
  protocol: "tcp" | "udp" | "sctp";
  clusterIP: string | null;
  port: number | null;
  nodePort: number | null;
  /**
   * The service chain: KUBE-SVC (every endpoint), or KUBE-SVL when that is the only one
   * (internalTrafficPolicy Local, no external traffic). For a Service without nat chains (no
   * endpoints, or none on this node for its Local policy) the KUBE-SVC name kube-proxy would use,
   * which the dump does not declare.
   */
  chain: string;
  endpoints: KubeEndpoint[];
  /** Exact probability that a new connection falls through every endpoint rule of `chain` (0 for a well-formed chain and for a Service without nat chains). */
  fallThrough: Fraction;
  /** ClientIP session affinity, when the service chain checks xt_recent lists. */
  affinity: { timeoutSeconds: number } | null;
  masquerade: MasqueradeRule[];
  /** Lines of the KUBE-SERVICES and KUBE-NODEPORTS rules that lead here. */
  entryLines: number[];
  /** Anything that does not fit kube-proxy's usual shape, such as a chain name that does not match its hash. */
  problems: string[];
  /** The KUBE-SVL chain (only the endpoints on this node, for the Local traffic policies), or null. */
  localChain: string | null;
  /** The KUBE-EXT chain NodePort, external IP and load balancer traffic goes through, or null. */
  externalChain: string | null;
  /** The KUBE-FW chain that checks loadBalancerSourceRanges, or null. */
  firewallChain: string | null;
  /** spec.externalIPs, from KUBE-SERVICES' "external IP" rules. */
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs, from KUBE-SERVICES' "loadbalancer IP" rules. */
  loadBalancerIPs: string[];
  /** loadBalancerSourceRanges: the sources KUBE-FW lets on to KUBE-EXT (without the load balancer IPs kube-proxy adds when a range holds the node's own address). */
  sourceRanges: string[];
  trafficPolicy: TrafficPolicy;
  /** The filter REJECT rules of a Service without endpoints, and the DROP rules for traffic whose Local policy finds no endpoint on this node; empty otherwise. */
  noEndpoints: ServiceFilterRule[];
  /** KUBE-PROXY-FIREWALL's DROP rules for load balancer traffic from outside sourceRanges. */
  firewall: ServiceFilterRule[];
}

const NOT_SERVICE = new Set(["KUBE-MARK-MASQ", "KUBE-MARK-DROP", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]);

type EntryKind = "cluster-ip" | "node-port" | "external-ip" | "load-balancer";

interface Entry {
  kind: EntryKind;
  rule: Rule;
  /** The chain the entry rule jumps to. */
  target: string;
  ip: string | null;
  port: number | null;
  protocol: string | null;
}

function dport(rule: Rule): number | null {
  for (const m of rule.matches) if ((m.kind === "tcp" || m.kind === "udp" || m.kind === "sctp") && m.dport && !m.dport.invert) return m.dport.value.min;
  return null;
}

function jumpTarget(rule: Rule): string | null {
  return rule.target?.kind === "jump" ? rule.target.chain : null;
}

function hostDestination(rule: Rule): string | null {
  const d = rule.ip.destination;
  return d && !d.invert && d.value.prefix === 32 ? d.value.address : null;
}

/** Split kube-proxy's comment `ns/name:port[ cluster IP| -> ip:port|...]` into its parts. */
export function parseServicePortName(comment: string): { id: string; namespace: string; name: string; portName: string } | null {
  // kube-proxy since about 1.11 writes an unnamed port without the colon (`ns/name`); older ones wrote `ns/name:`.
  const m = /^([^/\s]+)\/([^:\s]+)(?::(\S*))?/.exec(comment);
  if (!m) return null;
  const id = m[3] === undefined ? `${m[1]}/${m[2]}` : `${m[1]}/${m[2]}:${m[3]}`;
  return { id, namespace: m[1], name: m[2], portName: m[3] ?? "" };
}

/** What a KUBE-MARK-MASQ rule and the entry rule it goes with share: destination, port and protocol. */
function entryKey(r: Rule): string {
  return `${r.ip.destination?.value.address}|${dport(r)}|${r.ip.protocol?.value}`;
}

/** The KUBE-MARK-MASQ rules of KUBE-SERVICES and KUBE-NODEPORTS by entryKey (2018's shape), found in one pass (not one pass per Service). */
function masqueradeRules(nat: Table): Map<string, { rule: Rule; chain: string }[]> {
  const out = new Map<string, { rule: Rule; chain: string }[]>();
  for (const name of ["KUBE-SERVICES", "KUBE-NODEPORTS"]) {
    for (const rule of findChain(nat, name)?.rules ?? []) {
      if (jumpTarget(rule) !== "KUBE-MARK-MASQ") continue;
      const key = `${name} ${entryKey(rule)}`;
      const list = out.get(key);
      if (list) list.push({ rule, chain: name });
      else out.set(key, [{ rule, chain: name }]);
    }
  }
  return out;
}

const PREFIXED = /^KUBE-(SVC|SVL|EXT|FW)-(.+)$/;

/** The chains of one Service port: the ones its entry rules reach, joined. */
interface Group {
  chains: Set<string>;
  entries: Entry[];
}

/** Join chains that belong to one Service port: KUBE-FW → KUBE-EXT → KUBE-SVC/KUBE-SVL jumps, and KUBE-SVC/KUBE-SVL pairs of one hash. */
class Groups {
  private parent = new Map<string, string>();
  find(x: string): string {
    if (!this.parent.has(x)) {
      this.parent.set(x, x);
      return x;
    }
    let root = x;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    for (let y = x; y !== root;) {
      const next = this.parent.get(y)!;
      this.parent.set(y, root);
      y = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
  members(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const x of this.parent.keys()) {
      const r = this.find(x);
      const list = out.get(r);
      if (list) list.push(x);
      else out.set(r, [x]);
    }
    return out;
  }
}

function entryKind(chainName: string, rule: Rule, target: string): EntryKind {
  if (chainName === "KUBE-NODEPORTS") return "node-port";
  const c = ruleComment(rule);
  if (c !== undefined) {
    if (/ external IP$/.test(c)) return "external-ip";
    if (/ loadbalancer IP$/.test(c)) return "load-balancer";
    if (/ cluster IP$/.test(c)) return "cluster-ip";
  }
  if (target.startsWith("KUBE-FW-")) return "load-balancer";
  if (target.startsWith("KUBE-EXT-")) return "external-ip";
  return "cluster-ip";
}

/** Recover every Service port from a parsed dump. */
export function services(dump: Dump): KubeService[] {
  const nat = findTable(dump, "nat");
  const filter = findTable(dump, "filter");
  const result: KubeService[] = [];
  if (nat) {
    const masq = masqueradeRules(nat);
    const groups = new Groups();
    const entries: Entry[] = [];
    for (const chainName of ["KUBE-SERVICES", "KUBE-NODEPORTS"] as const) {
      for (const rule of findChain(nat, chainName)?.rules ?? []) {
        const target = jumpTarget(rule);
        if (!target || NOT_SERVICE.has(target)) continue;
        const kind = entryKind(chainName, rule, target);
        entries.push({
          kind, rule, target, port: dport(rule), protocol: rule.ip.protocol?.value ?? null,
          ip: kind === "node-port" ? null : hostDestination(rule),
        });
        groups.find(target);
      }
    }
    // Every service chain is a Service, entry or not; KUBE-EXT and KUBE-FW chains are joined to the chains they jump to.
    const bySuffix = new Map<string, string>();
    for (const c of nat.chains) {
      const m = PREFIXED.exec(c.name);
      if (!m) continue;
      if (m[1] === "SVC" || m[1] === "SVL") {
        groups.find(c.name);
        const other = bySuffix.get(m[2]);
        if (other) groups.union(other, c.name);
        else bySuffix.set(m[2], c.name);
      } else {
        groups.find(c.name);
        for (const r of c.rules) {
          const t = jumpTarget(r);
          if (t && PREFIXED.test(t) && findChain(nat, t)) groups.union(c.name, t);
        }
      }
    }
    const byRoot = new Map<string, Group>();
    for (const [root, chains] of groups.members()) byRoot.set(root, { chains: new Set(chains), entries: [] });
    for (const e of entries) byRoot.get(groups.find(e.target))!.entries.push(e);
    for (const g of byRoot.values()) {
      const svc = describeGroup(nat, g, masq);
      if (svc) result.push(svc);
    }
  }
  if (filter) attachFilterRules(filter, result);
  result.sort((a, b) => compare(a.id, b.id) || compare(a.protocol, b.protocol) || compare(a.chain, b.chain));
  // A trace names the Service port of each outcome from these owners: kept now, so it need not read the catalog again.
  rememberOwners(dump, result);
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface ChainWalk {
  remaining: Fraction;
  timeout: number | null;
}

/** Read the endpoint rules of a service chain (KUBE-SVC or KUBE-SVL) into the endpoints, in the role given. */
function walkServiceChain(
  chain: Chain, role: "service" | "local", endpointFor: (sep: string) => KubeEndpoint, masquerade: MasqueradeRule[], problems: string[],
): ChainWalk {
  let remaining: Fraction = ONE;
  let timeout: number | null = null;
  for (const rule of chain.rules) {
    const target = jumpTarget(rule);
    if (!target) {
      problems.push(`line ${rule.line}: rule in ${chain.name} does not jump to an endpoint chain`);
      continue;
    }
    if (target === "KUBE-MARK-MASQ") {
      masquerade.push({ line: rule.line, chain: chain.name, reason: "service" });
      continue;
    }
    const recent = rule.matches.find((m) => m.kind === "recent");
    if (recent && recent.kind === "recent" && (recent.command === "rcheck" || recent.command === "update")) {
      const ep = endpointFor(target);
      if (role === "service") ep.affinityLine = rule.line;
      if (timeout !== null && timeout !== recent.seconds) problems.push(`line ${rule.line}: affinity timeout ${recent.seconds}s differs from ${timeout}s on another endpoint`);
      timeout = recent.seconds;
      if (ep.recentList !== null && ep.recentList !== recent.name) problems.push(`line ${rule.line}: checks list ${recent.name} but ${target} records clients in ${ep.recentList}`);
      continue;
    }
    const stat = rule.matches.find((m) => m.kind === "statistic");
    const ep = endpointFor(target);
    let p: Fraction = ONE;
    let printed: KernelProbability | null = null;
    if (stat && stat.kind === "statistic") {
      if (stat.mode === "random") {
        p = fraction(stat.probability.kernel, 0x80000000);
        if (stat.invert) p = subtract(ONE, p);
        printed = stat.probability;
      } else {
        p = fraction(1, stat.every);
        problems.push(`line ${rule.line}: nth mode picks every ${stat.every}th packet, not at random; shown as 1/${stat.every}`);
      }
    }
    if (role === "service") {
      ep.line = rule.line;
      ep.probability = multiply(remaining, p);
      if (printed) ep.ruleProbability = printed;
    } else {
      ep.localLine = rule.line;
      ep.localProbability = multiply(remaining, p);
    }
    remaining = multiply(remaining, subtract(ONE, p));
  }
  return { remaining, timeout };
}

function describeGroup(nat: Table, g: Group, masq: Map<string, { rule: Rule; chain: string }[]>): KubeService | null {
  const names = [...g.chains];
  const svcChain = names.find((n) => n.startsWith("KUBE-SVC-") && findChain(nat, n)) ?? null;
  const svlChain = names.find((n) => n.startsWith("KUBE-SVL-") && findChain(nat, n)) ?? null;
  const extChain = names.find((n) => n.startsWith("KUBE-EXT-") && findChain(nat, n)) ?? null;
  const fwChain = names.find((n) => n.startsWith("KUBE-FW-") && findChain(nat, n)) ?? null;
  // The service chain: KUBE-SVC, else KUBE-SVL, else (other shapes) the chain the entries jump to.
  const primaryName = svcChain ?? svlChain ?? g.entries.map((e) => e.target).find((t) => !/^KUBE-(EXT|FW)-/.test(t) && findChain(nat, t))
    ?? names.find((n) => !/^KUBE-(EXT|FW)-/.test(n) && findChain(nat, n)) ?? null;
  if (primaryName === null) return null;
  const chain = findChain(nat, primaryName)!;
  const localChain = svlChain !== null && svlChain !== primaryName ? findChain(nat, svlChain)! : null;
  const problems: string[] = [];
  const masquerade: MasqueradeRule[] = [];
  const entries = g.entries;
  const clusterEntry = entries.find((e) => e.kind === "cluster-ip");
  const nodeEntry = entries.find((e) => e.kind === "node-port");

  // Names come from comments when present: the service chain's, else its entry rules'.
  const comment = chain.rules.map(ruleComment).find((c) => c !== undefined && parseServicePortName(c) !== null)
    ?? entries.map((e) => ruleComment(e.rule)).find((c) => c !== undefined && parseServicePortName(c) !== null);
  const parsedName = comment ? parseServicePortName(comment) : null;

  // 2018: the KUBE-MARK-MASQ rules next to the entry rules in KUBE-SERVICES and KUBE-NODEPORTS.
  for (const e of entries) {
    if (e.kind !== "cluster-ip" && e.kind !== "node-port") continue;
    const from = e.kind === "cluster-ip" ? "KUBE-SERVICES" : "KUBE-NODEPORTS";
    for (const m of masq.get(`${from} ${entryKey(e.rule)}`) ?? []) masquerade.push({ line: m.rule.line, chain: m.chain, reason: e.kind });
  }
  // Today: KUBE-EXT's own masquerade rules.
  const ext = extChain ? findChain(nat, extChain)! : null;
  for (const r of ext?.rules ?? []) if (jumpTarget(r) === "KUBE-MARK-MASQ") masquerade.push({ line: r.line, chain: ext!.name, reason: "external" });

  const endpoints = new Map<string, KubeEndpoint>();
  const endpointFor = (sep: string): KubeEndpoint => {
    let ep = endpoints.get(sep);
    if (!ep) {
      ep = readEndpoint(nat, sep, problems, masquerade);
      endpoints.set(sep, ep);
    }
    return ep;
  };
  const walk = walkServiceChain(chain, "service", endpointFor, masquerade, problems);
  const primaryIsLocal = primaryName === svlChain;
  if (localChain) walkServiceChain(localChain, "local", endpointFor, masquerade, problems);

  // Traffic policies, from where the entries lead.
  const internalLocal = primaryIsLocal || (clusterEntry !== undefined && clusterEntry.target === svlChain);
  let external: TrafficPolicy["external"] = null;
  if (entries.some((e) => e.kind !== "cluster-ip") || ext) {
    const extLocal = ext !== null && ext.rules.some((r) =>
      (svlChain !== null && jumpTarget(r) === svlChain) || r.matches.some((m) => m.kind === "addrtype" && m.srcType !== undefined && !m.srcType.invert && m.srcType.value.includes("LOCAL")));
    external = extLocal ? "Local" : "Cluster";
  }
  const anyLocal = internalLocal || external === "Local";
  for (const ep of endpoints.values()) {
    if (primaryIsLocal) {
      ep.local = true;
      ep.localProbability = ep.probability;
      ep.localLine = ep.line;
    } else if (localChain) {
      ep.local = ep.localLine !== null;
      ep.localProbability ??= ZERO;
    } else if (anyLocal) ep.local = false;
  }

  // Load balancer source ranges: KUBE-FW's `-s` rules that go on to KUBE-EXT.
  const loadBalancerIPs = unique(entries.filter((e) => e.kind === "load-balancer" && e.ip).map((e) => e.ip!));
  const sourceRanges: string[] = [];
  for (const r of (fwChain ? findChain(nat, fwChain)!.rules : [])) {
    const s = r.ip.source;
    if (!s || s.invert || jumpTarget(r) === null) continue;
    const text = formatCidr(s.value);
    if (s.value.prefix === 32 && loadBalancerIPs.includes(s.value.address)) continue;
    sourceRanges.push(text);
  }

  const protocol = (clusterEntry?.protocol ?? nodeEntry?.protocol ?? entries.find((e) => e.protocol)?.protocol ?? dnatProtocol(nat, [...endpoints.keys()]) ?? "tcp") as KubeService["protocol"];
  const id = parsedName?.id ?? chain.name;
  if (parsedName) {
    for (const name of [svcChain, svlChain, extChain, fwChain]) {
      if (name === null) continue;
      const prefix = name.slice(0, name.lastIndexOf("-") + 1);
      const expected = serviceChainName(parsedName.id, protocol, prefix);
      if (expected !== name) problems.push(`chain ${name} does not match its comment: kube-proxy names ${parsedName.id} (${protocol}) ${expected}`);
    }
    for (const ep of endpoints.values()) {
      const exp = endpointChainName(parsedName.id, protocol, `${ep.ip}:${ep.port}`);
      if (ep.chain.startsWith("KUBE-SEP-") && ep.ip && exp !== ep.chain)
        problems.push(`chain ${ep.chain} does not match its DNAT target ${ep.ip}:${ep.port}: kube-proxy names it ${exp}`);
    }
  }
  return {
    id,
    namespace: parsedName?.namespace ?? null,
    name: parsedName?.name ?? null,
    portName: parsedName?.portName ?? null,
    protocol,
    clusterIP: clusterEntry?.ip ?? null,
    port: clusterEntry?.port ?? null,
    nodePort: nodeEntry?.port ?? null,
    chain: chain.name,
    endpoints: [...endpoints.values()],
    fallThrough: walk.remaining,
    affinity: walk.timeout !== null ? { timeoutSeconds: walk.timeout } : null,
    masquerade: masquerade.sort((a, b) => a.line - b.line),
    entryLines: entries.map((e) => e.rule.line).sort((a, b) => a - b),
    problems,
    localChain: svlChain,
    externalChain: extChain,
    firewallChain: fwChain,
    externalIPs: unique(entries.filter((e) => e.kind === "external-ip" && e.ip).map((e) => e.ip!)),
    loadBalancerIPs,
    sourceRanges,
    trafficPolicy: { internal: internalLocal ? "Local" : "Cluster", external },
    noEndpoints: [],
    firewall: [],
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

const FILTER_COMMENT = /^(\S+) (has no endpoints|has no local endpoints)$|^(\S+) traffic not accepted by (\S+)$/;

/**
 * The filter rules kube-proxy writes for a Service's traffic: REJECT ("has no endpoints"), DROP
 * ("has no local endpoints") in KUBE-SERVICES and KUBE-EXTERNAL-SERVICES, and KUBE-PROXY-FIREWALL's
 * DROPs. Attached to the Service their comment names (else the one whose address and port they
 * match); a Service that only has such rules (no endpoints, or none here for its Local policy) is
 * added to the list.
 */
function attachFilterRules(filter: Table, list: KubeService[]): void {
  const byId = new Map<string, KubeService>();
  const byAddress = new Map<string, KubeService>();
  const byNodePort = new Map<string, KubeService>();
  const index = (s: KubeService) => {
    byId.set(`${s.id}|${s.protocol}`, s);
    for (const ip of [s.clusterIP, ...s.externalIPs, ...s.loadBalancerIPs]) if (ip && s.port !== null) byAddress.set(`${ip}|${s.port}|${s.protocol}`, s);
    if (s.nodePort !== null) byNodePort.set(`${s.nodePort}|${s.protocol}`, s);
  };
  for (const s of list) index(s);
  for (const chainName of ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-PROXY-FIREWALL"]) {
    for (const rule of findChain(filter, chainName)?.rules ?? []) {
      const t = rule.target;
      if (!t || (t.kind !== "REJECT" && t.kind !== "DROP")) continue;
      const protocol = rule.ip.protocol?.value;
      if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") continue;
      const ip = hostDestination(rule);
      const port = dport(rule);
      const toLocal = rule.matches.some((m) => m.kind === "addrtype" && m.dstType !== undefined && !m.dstType.invert && m.dstType.value.includes("LOCAL"));
      const c = ruleComment(rule);
      const m = c !== undefined ? FILTER_COMMENT.exec(c) : null;
      const named = m ? parseServicePortName(m[1] ?? m[3]) : null;
      const reason: ServiceFilterRule["reason"] = chainName === "KUBE-PROXY-FIREWALL" ? "source-range"
        : m?.[2] === "has no local endpoints" ? "no-local-endpoints" : m?.[2] === "has no endpoints" ? "no-endpoints"
          : t.kind === "REJECT" ? "no-endpoints" : "no-local-endpoints";
      let svc = named ? byId.get(`${named.id}|${protocol}`) : undefined;
      if (!svc && ip !== null && port !== null) svc = byAddress.get(`${ip}|${port}|${protocol}`);
      if (!svc && toLocal && ip === null && port !== null) svc = byNodePort.get(`${port}|${protocol}`);
      if (!svc) {
        if (!named || reason === "source-range") continue;
        svc = {
          id: named.id, namespace: named.namespace, name: named.name, portName: named.portName, protocol,
          clusterIP: null, port: null, nodePort: null, chain: serviceChainName(named.id, protocol), endpoints: [], fallThrough: ZERO,
          affinity: null, masquerade: [], entryLines: [], problems: [], localChain: null, externalChain: null, firewallChain: null,
          externalIPs: [], loadBalancerIPs: [], sourceRanges: [], trafficPolicy: { internal: "Cluster", external: null }, noEndpoints: [], firewall: [],
        };
        list.push(svc);
        byId.set(`${svc.id}|${protocol}`, svc);
      }
      let traffic: ServiceFilterRule["traffic"];
      if (chainName === "KUBE-SERVICES") {
        traffic = "cluster-ip";
        if (svc.clusterIP === null && ip !== null) [svc.clusterIP, svc.port] = [ip, port];
        if (reason === "no-local-endpoints") svc.trafficPolicy.internal = "Local";
      } else if (chainName === "KUBE-PROXY-FIREWALL") traffic = "load-balancer";
      else if (toLocal && ip === null) {
        traffic = "node-port";
        if (svc.nodePort === null) svc.nodePort = port;
      } else traffic = ip !== null && svc.loadBalancerIPs.includes(ip) ? "load-balancer" : ip !== null && svc.externalIPs.includes(ip) ? "external-ip" : "external";
      if (chainName === "KUBE-EXTERNAL-SERVICES") svc.trafficPolicy.external = reason === "no-local-endpoints" ? "Local" : (svc.trafficPolicy.external ?? "Cluster");
      const entry: ServiceFilterRule = {
        line: rule.line, chain: chainName, target: t.kind, rejectWith: t.kind === "REJECT" ? t.rejectWith : null, traffic, ip, port, reason,
      };
      (reason === "source-range" ? svc.firewall : svc.noEndpoints).push(entry);
      index(svc);
    }
  }
}

function dnatProtocol(nat: Table, seps: string[]): string | null {
  for (const s of seps) for (const r of findChain(nat, s)?.rules ?? []) if (r.target?.kind === "DNAT" && r.ip.protocol) return r.ip.protocol.value;
  return null;
}

function readEndpoint(nat: Table, name: string, problems: string[], masquerade: MasqueradeRule[]): KubeEndpoint {
  const ep: KubeEndpoint = {
    ip: "", port: 0, chain: name, probability: ZERO, ruleProbability: null, line: null, affinityLine: null,
    dnatLine: null, hairpinLine: null, recentList: null, local: null, localProbability: null, localLine: null,
  };
  const chain = findChain(nat, name);
  if (!chain) {
    problems.push(`endpoint chain ${name} is not declared`);
    return ep;
  }
  for (const rule of chain.rules) {
    if (rule.target?.kind === "DNAT") {
      const r = rule.target.ranges[0];
      ep.ip = r?.minIp ?? "";
      ep.port = r?.minPort ?? 0;
      ep.dnatLine = rule.line;
      const recent = rule.matches.find((m) => m.kind === "recent");
      if (recent && recent.kind === "recent" && recent.command === "set") ep.recentList = recent.name;
    } else if (jumpTarget(rule) === "KUBE-MARK-MASQ") {
      ep.hairpinLine = rule.line;
      masquerade.push({ line: rule.line, chain: name, reason: "hairpin" });
    }
  }
  if (ep.dnatLine === null) problems.push(`endpoint chain ${name} has no DNAT rule`);
  return ep;
}
