/**
 * What today's kube-proxy in nftables mode (GA in Kubernetes 1.33) sends to
 * `nft -f`: one transaction that builds the `ip kube-proxy` table. Written
 * from the facts of kube-proxy's pkg/proxy/nftables/proxier.go and the
 * expected rulesets of its proxier_test.go (see
 * test/fixtures/kube-proxy-nftables/README.md): base chains at numeric
 * priorities (Debian 12's nft 1.0.6 refuses `dstnat - 10` on the input and
 * forward hooks), verdict maps from (address, protocol, port) and
 * (protocol, NodePort) to a Service's chain, the `cluster-ips` set with
 * `cluster-ips-check` (reject an unknown port of a cluster IP, drop an
 * unallocated cluster IP), `no-endpoint-*` maps, `firewall-ips` for
 * loadBalancerSourceRanges, `numgen random mod N` to pick an endpoint,
 * affinity sets with timeouts, and the masquerade mark.
 *
 * The same Services as the iptables writers (RestoreInputSpec), so one
 * cluster can be shown both ways. Defaults of kube-proxy taken here:
 * --nodeport-addresses "primary" (NodePorts on the node IP only, the
 * nftables mode's default), the cluster CIDR as the local-traffic detector,
 * masquerade bit 14 (0x4000), no --masquerade-all.
 */
import { kubeProxyHash } from "../services/chain-names.js";
import { generateCluster, type GenerateOptions, type GeneratedCluster } from "./generate.js";
import {
  containsIP, endpointSets, servicePortName, type RestoreInputEndpoint, type RestoreInputNode, type RestoreInputService, type RestoreInputSpec,
} from "./restore-input.js";

const TABLE = "ip kube-proxy";
const MASQ = "0x4000";
/** knftables' longest name (256) less kube-proxy's longest prefix (16). */
const NAME_BASE_MAX = 240;

/** Base chains: name, type, hook and priority as the numbers kube-proxy's priorities stand for. */
const BASE_CHAINS: readonly [name: string, type: string, hook: string, priority: number][] = [
  ["filter-prerouting-pre-dnat", "filter", "prerouting", -110],
  ["filter-output-pre-dnat", "filter", "output", -110],
  ["filter-input", "filter", "input", 0],
  ["filter-forward", "filter", "forward", 0],
  ["filter-output", "filter", "output", 0],
  ["nat-prerouting", "nat", "prerouting", -100],
  ["nat-output", "nat", "output", -100],
  ["nat-postrouting", "nat", "postrouting", 100],
];

/** Regular chains the base chains jump to: [target, from, condition]. */
const JUMPS: readonly [to: string, from: string, condition: string][] = [
  ["nodeport-endpoints-check", "filter-input", "ct state new"],
  ["service-endpoints-check", "filter-input", "ct state new"],
  ["service-endpoints-check", "filter-forward", "ct state new"],
  ["service-endpoints-check", "filter-output", "ct state new"],
  ["firewall-check", "filter-prerouting-pre-dnat", "ct state new"],
  ["firewall-check", "filter-output-pre-dnat", "ct state new"],
  ["services", "nat-output", ""],
  ["services", "nat-prerouting", ""],
  ["masquerading", "nat-postrouting", ""],
  ["cluster-ips-check", "filter-forward", "ct state new"],
  ["cluster-ips-check", "filter-output", "ct state new"],
];

const ADDRESS_PORT = "ipv4_addr . inet_proto . inet_service : verdict";
const PROTO_PORT = "inet_proto . inet_service : verdict";

/** kube-proxy's name base: 8 characters of the base32 SHA-256 of the name, a dash, the name (cut to 240 with `...`). */
export function nftablesNameBase(name: string): string {
  const based = `${kubeProxyHash(name).slice(0, 8)}-${name}`;
  return based.length > NAME_BASE_MAX ? `${based.slice(0, NAME_BASE_MAX - 3)}...` : based;
}

/** `ns/name/protocol/port`, hashed: the base of a Service port's chains (`service-`, `local-`, `external-`, `firewall-`). */
export function nftablesServiceBase(svc: { namespace: string; name: string; portName: string; protocol: string }): string {
  return nftablesNameBase(`${svc.namespace}/${svc.name}/${svc.protocol}/${svc.portName}`);
}

/** `ns/name/protocol/port__ip/port`, hashed: the base of an endpoint's chain (`endpoint-`) and affinity set (`affinity-`). */
export function nftablesEndpointBase(svc: { namespace: string; name: string; portName: string; protocol: string }, e: { ip: string; port: number }): string {
  return nftablesNameBase(`${svc.namespace}/${svc.name}/${svc.protocol}/${svc.portName}__${e.ip}/${e.port}`);
}

/** Lines of one transaction, with kube-proxy's ensureChain (add and flush a chain once). */
class Transaction {
  readonly lines: string[] = [];
  private readonly chains = new Set<string>();
  private readonly elements = new Map<string, string | undefined>();
  add(line: string): void {
    this.lines.push(line);
  }
  ensureChain(name: string): void {
    if (this.chains.has(name)) return;
    this.chains.add(name);
    this.add(`add chain ${TABLE} ${name}`);
    this.add(`flush chain ${TABLE} ${name}`);
  }
  rule(chain: string, rule: string, comment?: string): void {
    this.add(`add rule ${TABLE} ${chain} ${rule}${comment === undefined ? "" : ` comment ${quote(comment)}`}`);
  }
  /** kube-proxy's ensureElem: an element already sent with the same value is not sent again (a cluster IP of a multi-port Service). */
  element(container: string, key: string, value?: string, comment?: string): void {
    const id = `${container} ${key}`;
    if (this.elements.has(id) && this.elements.get(id) === value) return;
    this.elements.set(id, value);
    const c = comment === undefined ? "" : ` comment ${quote(comment)}`;
    this.add(`add element ${TABLE} ${container} { ${key}${c}${value === undefined ? "" : ` : ${value}`} }`);
  }
}

function quote(text: string): string {
  if (/["\\\n]/.test(text)) throw new RangeError(`nftables comment: cannot write '${text}' (quote, backslash or newline)`);
  return `"${text}"`;
}

/** What setupNFTables writes on a full sync: the table, base chains, dispatch rules, sets and maps (emptied). */
function writeSetup(tx: Transaction, spec: RestoreInputSpec, firstSync: boolean): void {
  tx.add(`add table ${TABLE} { comment "rules for kube-proxy" ; }`);
  if (firstSync) {
    // Once per process, kube-proxy recreates its base chains so that a changed priority applies.
    for (const [name] of BASE_CHAINS) {
      tx.add(`add chain ${TABLE} ${name}`);
      tx.add(`delete chain ${TABLE} ${name}`);
    }
  }
  for (const [name, type, hook, priority] of BASE_CHAINS) {
    tx.add(`add chain ${TABLE} ${name} { type ${type} hook ${hook} priority ${priority} ; }`);
    tx.add(`flush chain ${TABLE} ${name}`);
  }
  for (const [to, from, condition] of JUMPS) {
    tx.ensureChain(to);
    tx.rule(from, condition === "" ? `jump ${to}` : `${condition} jump ${to}`);
  }
  for (const c of ["services", "cluster-ips-check", "masquerading", "mark-for-masquerade"]) tx.ensureChain(c);
  tx.rule("mark-for-masquerade", `mark set mark or ${MASQ}`);
  tx.rule("masquerading", `mark and ${MASQ} == 0 return`);
  tx.rule("masquerading", `mark set mark xor ${MASQ}`);
  tx.rule("masquerading", "masquerade fully-random");

  tx.add(`add set ${TABLE} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`);
  tx.rule("cluster-ips-check", "ip daddr @cluster-ips reject", "Reject traffic to invalid ports of ClusterIPs");
  const serviceCIDRs = spec.node.serviceCIDRs ?? [];
  if (serviceCIDRs.length > 0) tx.rule("cluster-ips-check", `ip daddr { ${serviceCIDRs.join(",")} } drop`, "Drop traffic to unallocated ClusterIPs");

  tx.add(`add set ${TABLE} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`);
  tx.add(`flush set ${TABLE} nodeport-ips`);
  tx.element("nodeport-ips", spec.node.nodeIP);

  tx.add(`add map ${TABLE} no-endpoint-services { type ${ADDRESS_PORT} ; comment "vmap to drop or reject packets to services with no endpoints" ; }`);
  tx.add(`add map ${TABLE} no-endpoint-nodeports { type ${PROTO_PORT} ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`);
  tx.add(`add chain ${TABLE} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`);
  tx.add(`flush chain ${TABLE} reject-chain`);
  tx.rule("reject-chain", "reject");
  tx.rule("service-endpoints-check", "ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
  tx.rule("nodeport-endpoints-check", "ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports");

  tx.add(`add map ${TABLE} firewall-ips { type ${ADDRESS_PORT} ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`);
  tx.ensureChain("firewall-check");
  tx.rule("firewall-check", "ip daddr . meta l4proto . th dport vmap @firewall-ips");

  tx.add(`add map ${TABLE} service-ips { type ${ADDRESS_PORT} ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`);
  tx.add(`add map ${TABLE} service-nodeports { type ${PROTO_PORT} ; comment "NodePort traffic" ; }`);
  tx.rule("services", "ip daddr . meta l4proto . th dport vmap @service-ips");
  tx.rule("services", "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports");

  tx.add(`flush set ${TABLE} cluster-ips`);
  for (const m of ["service-ips", "firewall-ips", "no-endpoint-services", "no-endpoint-nodeports", "service-nodeports"]) tx.add(`flush map ${TABLE} ${m}`);
}

/** The chains a Service port's traffic goes through, and which of them exist. */
interface ServicePlan {
  svc: RestoreInputService;
  name: string;
  sets: ReturnType<typeof endpointSets>;
  clusterChain: string;
  localChain: string;
  externalChain: string;
  firewallChain: string;
  internalChain: string;
  externalPolicyChain: string;
  hasInternalEndpoints: boolean;
  hasExternalEndpoints: boolean;
  usesExternalChain: boolean;
  usesFirewallChain: boolean;
}

function plan(svc: RestoreInputService): ServicePlan {
  const sets = endpointSets(svc);
  const base = nftablesServiceBase(svc);
  const clusterChain = `service-${base}`;
  const localChain = `local-${base}`;
  const localCount = sets.localEndpoints.length;
  return {
    svc, name: servicePortName(svc), sets,
    clusterChain, localChain, externalChain: `external-${base}`, firewallChain: `firewall-${base}`,
    internalChain: sets.internalLocal ? localChain : clusterChain,
    externalPolicyChain: sets.externalLocal ? localChain : clusterChain,
    hasInternalEndpoints: sets.hasEndpoints && (!sets.internalLocal || localCount > 0),
    hasExternalEndpoints: sets.hasEndpoints && (!sets.externalLocal || localCount > 0),
    usesExternalChain: sets.hasEndpoints && sets.externallyAccessible,
    usesFirewallChain: (svc.loadBalancerIPs ?? []).length > 0 && (svc.loadBalancerSourceRanges ?? []).length > 0,
  };
}

const endpointChain = (p: ServicePlan, e: RestoreInputEndpoint) => `endpoint-${nftablesEndpointBase(p.svc, e)}`;
const affinitySet = (p: ServicePlan, e: RestoreInputEndpoint) => `affinity-${nftablesEndpointBase(p.svc, e)}`;

/** The chains a Service port uses, created (and emptied) in kube-proxy's order. */
function ensureServiceChains(tx: Transaction, p: ServicePlan): void {
  for (const e of p.sets.reachable) tx.ensureChain(endpointChain(p, e));
  if (p.sets.clusterEndpoints.length > 0) tx.ensureChain(p.clusterChain);
  if (p.sets.localEndpoints.length > 0) tx.ensureChain(p.localChain);
  if (p.usesExternalChain) tx.ensureChain(p.externalChain);
  if (p.usesFirewallChain) tx.ensureChain(p.firewallChain);
}

/** The Service port's elements in the shared sets and maps. */
function writeElements(tx: Transaction, p: ServicePlan): void {
  const { svc, name } = p;
  const key = (ip: string) => `${ip} . ${svc.protocol} . ${svc.port}`;
  const noEndpoints = p.sets.hasEndpoints ? "drop" : "goto reject-chain";
  tx.element("cluster-ips", svc.clusterIP);
  if (p.hasInternalEndpoints) tx.element("service-ips", key(svc.clusterIP), `goto ${p.internalChain}`);
  else tx.element("no-endpoint-services", key(svc.clusterIP), noEndpoints, name);
  for (const ip of svc.externalIPs ?? []) {
    if (p.sets.hasEndpoints) tx.element("service-ips", key(ip), `goto ${p.externalChain}`);
    if (!p.hasExternalEndpoints) tx.element("no-endpoint-services", key(ip), noEndpoints, name);
  }
  for (const ip of svc.loadBalancerIPs ?? []) {
    if (p.sets.hasEndpoints) tx.element("service-ips", key(ip), `goto ${p.externalChain}`);
    if (p.usesFirewallChain) tx.element("firewall-ips", key(ip), `goto ${p.firewallChain}`);
  }
  if (!p.hasExternalEndpoints) for (const ip of svc.loadBalancerIPs ?? []) tx.element("no-endpoint-services", key(ip), noEndpoints, name);
  if ((svc.nodePort ?? 0) !== 0) {
    if (p.sets.hasEndpoints) tx.element("service-nodeports", `${svc.protocol} . ${svc.nodePort}`, `goto ${p.externalChain}`);
    if (!p.hasExternalEndpoints) tx.element("no-endpoint-nodeports", `${svc.protocol} . ${svc.nodePort}`, noEndpoints, name);
  }
}

/** Affinity checks, then one `numgen random mod N` verdict map over the endpoints. */
function writeBalance(tx: Transaction, p: ServicePlan, chain: string, endpoints: RestoreInputEndpoint[]): void {
  if (p.svc.affinitySeconds !== undefined)
    for (const e of endpoints) tx.rule(chain, `ip saddr @${affinitySet(p, e)} goto ${endpointChain(p, e)}`);
  const choices = endpoints.map((e, i) => `${i} : goto ${endpointChain(p, e)}`).join(" , ");
  tx.rule(chain, `numgen random mod ${endpoints.length} vmap { ${choices} }`);
}

/** The rules of the Service port's own chains (what a partial sync rewrites when the Service or its endpoints change). */
function writeServiceRules(tx: Transaction, p: ServicePlan, node: RestoreInputNode): void {
  const { svc } = p;
  const clusterCIDR = node.clusterCIDR;
  if (p.hasInternalEndpoints) tx.rule(p.internalChain, `ip daddr ${svc.clusterIP} ip saddr != ${clusterCIDR} jump mark-for-masquerade`);
  if (p.usesExternalChain) {
    if (!p.sets.externalLocal) tx.rule(p.externalChain, "jump mark-for-masquerade");
    else {
      tx.rule(p.externalChain, `ip saddr ${clusterCIDR} goto ${p.clusterChain}`, "short-circuit pod traffic");
      tx.rule(p.externalChain, "fib saddr type local jump mark-for-masquerade", "masquerade local traffic");
      tx.rule(p.externalChain, `fib saddr type local goto ${p.clusterChain}`, "short-circuit local traffic");
    }
    if (p.hasExternalEndpoints) tx.rule(p.externalChain, `goto ${p.externalPolicyChain}`);
  }
  if (p.usesFirewallChain) tx.rule(p.firewallChain, `ip saddr != { ${firewallSources(svc, node.nodeIP)} } drop`);
  if (svc.affinitySeconds !== undefined)
    for (const e of p.sets.reachable)
      tx.add(`add set ${TABLE} ${affinitySet(p, e)} { type ipv4_addr ; flags dynamic,timeout ; timeout ${svc.affinitySeconds}s ; }`);
  if (p.sets.clusterEndpoints.length > 0) writeBalance(tx, p, p.clusterChain, p.sets.clusterEndpoints);
  if (p.sets.localEndpoints.length > 0) writeBalance(tx, p, p.localChain, p.sets.localEndpoints);
  for (const e of p.sets.reachable) {
    const chain = endpointChain(p, e);
    tx.rule(chain, `ip saddr ${e.ip} jump mark-for-masquerade`);
    if (svc.affinitySeconds !== undefined) tx.rule(chain, `update @${affinitySet(p, e)} { ip saddr }`);
    tx.rule(chain, `meta l4proto ${svc.protocol} dnat to ${e.ip}:${e.port}`);
  }
}

/** loadBalancerSourceRanges, and the load balancer IPs too when a range holds the node (a node's own connection to its VIP comes from the VIP). */
function firewallSources(svc: RestoreInputService, nodeIP: string): string {
  const ranges = (svc.loadBalancerSourceRanges ?? []).map((r) => r.trim());
  const fromNode = ranges.some((r) => containsIP(r, nodeIP));
  return [...ranges, ...(fromNode ? svc.loadBalancerIPs ?? [] : [])].join(",");
}

/** Options of the nftables writer. */
export interface NftablesInputOptions {
  /** kube-proxy's first sync since it started (default true): it also recreates its base chains (add then delete). */
  firstSync?: boolean;
}

/** The full sync's lines, and where each Service port's lines start. */
function fullSync(spec: RestoreInputSpec, options: NftablesInputOptions): { lines: string[]; serviceStarts: number[] } {
  const tx = new Transaction();
  for (const l of spec.header ?? []) tx.add(l === "" ? "#" : `# ${l}`);
  writeSetup(tx, spec, options.firstSync ?? true);
  const serviceStarts: number[] = [];
  for (const svc of spec.services) {
    serviceStarts.push(tx.lines.length);
    const p = plan(svc);
    ensureServiceChains(tx, p);
    writeElements(tx, p);
    writeServiceRules(tx, p, spec.node);
  }
  return { lines: tx.lines, serviceStarts };
}

/** The transaction of a full sync, as kube-proxy's syncProxyRules sends it to `nft -f`. */
export function kubeProxyNftablesInput(spec: RestoreInputSpec, options: NftablesInputOptions = {}): string {
  return fullSync(spec, options).lines.join("\n") + "\n";
}

/**
 * The same lines as `kubeProxyNftablesInput`, cut into several transactions:
 * the setup with the first `servicePortsPerPart` Service ports, then the next
 * ones. Loaded one after the other they leave the same ruleset as the single
 * transaction (every Service port's lines stay together, after the sets,
 * maps and chains they use). kube-proxy does not do this; the kernel bench
 * uses it to put a large ruleset in place quickly, because the kernel's work
 * for a transaction grows with the square of its size (each anonymous map a
 * rule creates is bound by walking the whole pending transaction).
 */
export function kubeProxyNftablesParts(spec: RestoreInputSpec, servicePortsPerPart: number, options: NftablesInputOptions = {}): string[] {
  if (!Number.isInteger(servicePortsPerPart) || servicePortsPerPart < 1) throw new RangeError(`servicePortsPerPart: expected a whole number above 0, got ${servicePortsPerPart}`);
  const { lines, serviceStarts } = fullSync(spec, options);
  const cuts = serviceStarts.filter((_, i) => i > 0 && i % servicePortsPerPart === 0);
  return [0, ...cuts].map((from, i) => lines.slice(from, cuts[i] ?? lines.length).join("\n") + "\n");
}

/**
 * The transaction of a partial sync after one Service port's endpoints
 * changed from `before` to `after.endpoints`: its chains emptied and
 * rewritten, the chains of endpoints that left emptied (kube-proxy deletes
 * them a second later, once nothing refers to them), and no element of the
 * shared maps (their keys and verdicts did not change, so kube-proxy sends
 * none). Elements that did change (a Service gaining its first endpoint or
 * losing its last) are not covered: they are a different transaction.
 */
export function kubeProxyNftablesEndpointChange(spec: RestoreInputSpec, before: RestoreInputService, after: RestoreInputService): string {
  const tx = new Transaction();
  const p = plan(after);
  const old = plan(before);
  if (p.sets.hasEndpoints !== old.sets.hasEndpoints) throw new RangeError(`${p.name}: an endpoint change that empties or fills the Service also changes map elements; not covered`);
  ensureServiceChains(tx, p);
  writeServiceRules(tx, p, spec.node);
  const kept = new Set(p.sets.reachable.map((e) => endpointChain(p, e)));
  for (const e of old.sets.reachable) if (!kept.has(endpointChain(old, e))) tx.add(`flush chain ${TABLE} ${endpointChain(old, e)}`);
  return tx.lines.join("\n") + "\n";
}

/** The Services and node of a generated cluster (generateCluster, today's style) as the writers' input. */
export function generatedClusterSpec(cluster: GeneratedCluster): RestoreInputSpec {
  const eth0 = cluster.node.interfaces.find((i) => i.name === "eth0");
  const nodeIP = eth0?.addresses[0]?.split("/")[0];
  if (!nodeIP) throw new RangeError("generated cluster: the node has no eth0 address");
  return {
    node: { clusterCIDR: cluster.node.clusterCIDR, podCIDR: cluster.node.podCIDR, nodeIP, serviceCIDRs: [cluster.node.serviceCIDR] },
    services: cluster.services.map((s) => ({
      namespace: s.namespace, name: s.name, portName: s.portName, protocol: s.protocol, clusterIP: s.clusterIP, port: s.port,
      ...(s.nodePort !== null ? { nodePort: s.nodePort } : {}),
      ...(s.affinitySeconds !== null ? { affinitySeconds: s.affinitySeconds } : {}),
      endpoints: s.endpoints.map((e) => ({ ip: e.ip, port: e.port, local: e.local })),
    })),
  };
}

/** kube-proxy's nftables transaction for a generated cluster (the same Services as `generateCluster` with today's style). */
export function generateNftables(options: Omit<GenerateOptions, "style">): { text: string; cluster: GeneratedCluster; spec: RestoreInputSpec } {
  const cluster = generateCluster({ ...options, style: "modern" });
  const spec = generatedClusterSpec(cluster);
  return { text: kubeProxyNftablesInput(spec), cluster, spec };
}
