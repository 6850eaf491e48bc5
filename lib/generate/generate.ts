/**
 * Generates realistic kube-proxy dumps of any size, exactly as iptables-save
 * prints them: the 2018 style of the wordpress example (iptables 1.4.21,
 * masquerade rules in KUBE-SERVICES, Docker's chains) or today's style
 * (masquerade rule at the top of KUBE-SVC, KUBE-EXT for NodePorts, three
 * KUBE-POSTROUTING rules, `ns/name:port -> ip:port` comments, canary chains).
 * Chain names are kube-proxy's hashes; every name, address and port follows
 * from the seed, so the same options always give the same text.
 */
import { formatIPv4, parseIPv4, prefixToMask } from "../model/address.js";
import { BUILTIN_CHAINS } from "../model/tables.js";
import type { TableName } from "../model/dump.js";
import { saveString } from "../model/quote.js";
import { endpointChainName, serviceChainName } from "../services/chain-names.js";
import { createRandom, type Random } from "../math/random.js";
import { namespaceName, randomInt, randomUnit, serviceName, servicePorts, shuffle, type PortShape } from "./names.js";
import { savedProbability } from "./probability.js";

/** Which kube-proxy wrote the dump. */
export type GenerateStyle = "2018" | "modern";

/** What to generate. Only `services` is required. */
export interface GenerateOptions {
  /** Number of Service ports (kube-proxy's unit: one KUBE-SVC chain each), including the cluster's own (kubernetes, kube-dns). */
  services: number;
  /** Most endpoints a Service port has (default 8); counts are skewed towards few endpoints, as in real clusters. */
  endpointsMax?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  /** `modern` (default): Kubernetes 1.24 and later; `2018`: the wordpress dump's kube-proxy and iptables 1.4.21. */
  style?: GenerateStyle;
  /** Share of Services with `sessionAffinity: ClientIP` (default 0.05). */
  affinityShare?: number;
  /** Number of Service ports that get a NodePort (default 0, at most 2768: the range 30000-32767). */
  nodePorts?: number;
  /** Share of Services without ready endpoints (default 0): filter REJECT rules instead of nat chains. */
  emptyShare?: number;
  /** The cluster's pod network, kube-proxy's --cluster-cidr (default 10.244.0.0/16, 2018: 10.253.0.0/16). */
  clusterCIDR?: string;
  /** The Service network (default 10.96.0.0/12, 2018: 10.254.0.0/16). */
  serviceCIDR?: string;
  /** This node's address on eth0 (default 192.168.10.11, 2018: 172.16.1.10). */
  nodeIP?: string;
  /** Number of nodes, each with a /24 of the pod network (default 64, at most what the pod network holds). */
  nodes?: number;
}

/** One endpoint of a generated Service port. */
export interface GeneratedEndpoint {
  ip: string;
  port: number;
  /** The KUBE-SEP chain. */
  chain: string;
  /** Whether the endpoint is a pod on this node (or the node itself). */
  local: boolean;
}

/** One generated Service port and the chains that carry it. */
export interface GeneratedService {
  /** kube-proxy's service port name: `ns/name:port` (today `ns/name` for an unnamed port; 2018 `ns/name:`). */
  id: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: "tcp" | "udp";
  clusterIP: string;
  port: number;
  nodePort: number | null;
  /** The KUBE-SVC chain, or null when the Service has no endpoints. */
  chain: string | null;
  /** Today's KUBE-EXT chain for a NodePort, else null. */
  externalChain: string | null;
  /** In the order kube-proxy writes them (sorted as `ip:port` text). */
  endpoints: GeneratedEndpoint[];
  /** ClientIP affinity timeout in seconds, or null. */
  affinitySeconds: number | null;
}

/** A node description in the kit's `kube-iptables-lab/node@1` format (for loadNodeContext). */
export interface GeneratedNode {
  format: "kube-iptables-lab/node@1";
  name: string;
  interfaces: { name: string; addresses: string[] }[];
  routes: { dst: string; via?: string; dev: string; src?: string }[];
  clusterCIDR: string;
  podCIDR: string;
  serviceCIDR: string;
  peers: { name: string; address: string; podCIDR: string }[];
}

/** A generated dump with what it contains. */
export interface GeneratedCluster {
  /** The dump as iptables-save prints it. */
  text: string;
  services: GeneratedService[];
  node: GeneratedNode;
  style: GenerateStyle;
  /** Number of lines of `text`. */
  lines: number;
}

const MAX_NODE_PORTS = 32767 - 30000 + 1;
const AFFINITY_SECONDS = 10800;

const HEADER: Record<GenerateStyle, { saver: string; date: string; tables: TableName[] }> = {
  "2018": { saver: "iptables-save v1.4.21", date: "Mon May  7 10:54:07 2018", tables: ["filter", "nat"] },
  modern: { saver: "iptables-nft-save v1.8.9 (nf_tables)", date: "Wed Nov 26 16:20:05 2025", tables: ["mangle", "filter", "nat"] },
};

interface Net {
  base: number;
  prefix: number;
  size: number;
  text: string;
}

function network(text: string, what: string): Net {
  const [a, p] = text.split("/");
  const addr = parseIPv4(a ?? "");
  const prefix = Number(p);
  if (addr === null || !Number.isInteger(prefix) || prefix < 8 || prefix > 24) throw new RangeError(`${what}: expected an IPv4 network from /8 to /24 such as 10.244.0.0/16, got '${text}'`);
  const base = (addr & prefixToMask(prefix)) >>> 0;
  return { base, prefix, size: 2 ** (32 - prefix), text: `${formatIPv4(base)}/${prefix}` };
}

function checkShare(value: number, what: string): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${what}: expected a share from 0 to 1, got ${value}`);
  return value;
}

function checkCount(value: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what}: expected a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

interface Service {
  namespace: string;
  name: string;
  clusterIP: string;
  ports: readonly PortShape[];
  pods: { ip: string; local: boolean }[];
  affinity: boolean;
  nodePorts: (number | null)[];
}

/** Lines of one table: rules per chain (in order), and the chains declared. */
class TableText {
  readonly rules = new Map<string, string[]>();
  constructor(readonly name: TableName) {
    for (const c of BUILTIN_CHAINS[name]) this.rules.set(c, []);
  }
  declare(chain: string): void {
    if (!this.rules.has(chain)) this.rules.set(chain, []);
  }
  add(chain: string, rule: string): void {
    let list = this.rules.get(chain);
    if (!list) this.rules.set(chain, (list = []));
    list.push(`-A ${chain} ${rule}`);
  }
  /** Declarations then rules, in iptables-save's order: built-ins in hook order, then user chains by name (bytewise). */
  print(out: string[]): void {
    const builtins = BUILTIN_CHAINS[this.name] as readonly string[];
    const users = [...this.rules.keys()].filter((c) => !builtins.includes(c)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const order = [...builtins, ...users];
    out.push(`*${this.name}`);
    for (const c of builtins) out.push(`:${c} ACCEPT [0:0]`);
    for (const c of users) out.push(`:${c} - [0:0]`);
    for (const c of order) for (const r of this.rules.get(c)!) out.push(r);
    out.push("COMMIT");
  }
}

/** Generate a dump with the Services it holds and a matching node description. */
export function generateCluster(options: GenerateOptions): GeneratedCluster {
  const style: GenerateStyle = options.style ?? "modern";
  if (style !== "2018" && style !== "modern") throw new RangeError(`style: expected 2018 or modern, got '${String(style)}'`);
  const total = checkCount(options.services, "services", 0, 1_000_000);
  const endpointsMax = checkCount(options.endpointsMax ?? 8, "endpointsMax", 1, 1000);
  const seed = checkCount(options.seed ?? 1, "seed", 0, 0xffffffff);
  const affinityShare = checkShare(options.affinityShare ?? 0.05, "affinityShare");
  const emptyShare = checkShare(options.emptyShare ?? 0, "emptyShare");
  const nodePortCount = checkCount(options.nodePorts ?? 0, "nodePorts", 0, Math.min(MAX_NODE_PORTS, total));
  const clusterNet = network(options.clusterCIDR ?? (style === "2018" ? "10.253.0.0/16" : "10.244.0.0/16"), "clusterCIDR");
  const serviceNet = network(options.serviceCIDR ?? (style === "2018" ? "10.254.0.0/16" : "10.96.0.0/12"), "serviceCIDR");
  const nodeIP = options.nodeIP ?? (style === "2018" ? "172.16.1.10" : "192.168.10.11");
  const nodeAddr = parseIPv4(nodeIP);
  if (nodeAddr === null) throw new RangeError(`nodeIP: expected an IPv4 address, got '${nodeIP}'`);
  const nodeCount = checkCount(options.nodes ?? Math.min(64, clusterNet.size / 256), "nodes", 1, clusterNet.size / 256);
  if (total > serviceNet.size - 16) throw new RangeError(`services: ${total} do not fit in serviceCIDR ${serviceNet.text}`);

  const random = createRandom(seed);
  const podSubnet = (i: number) => clusterNet.base + i * 256;
  const podIP = (node: number, host: number) => formatIPv4(podSubnet(node) + host);
  const peerIP = (i: number) => formatIPv4(((nodeAddr & 0xffffff00) | (((nodeAddr & 255) + i) & 255)) >>> 0);

  // ClusterIPs: kubernetes takes the first address, kube-dns the tenth; the rest at random.
  const usedIPs = new Set<number>([serviceNet.base, serviceNet.base + 1, serviceNet.base + 10, serviceNet.base + serviceNet.size - 1]);
  const clusterIP = (): string => {
    for (;;) {
      const v = serviceNet.base + 2 + randomInt(random, serviceNet.size - 3);
      if (!usedIPs.has(v)) {
        usedIPs.add(v);
        return formatIPv4(v);
      }
    }
  };
  const endpointCount = (): number => {
    if (emptyShare > 0 && randomUnit(random) < emptyShare) return 0;
    const u = randomUnit(random);
    return Math.min(endpointsMax, 1 + Math.floor(endpointsMax * u * u));
  };
  const pods = (count: number): Service["pods"] => {
    const seen = new Set<string>();
    const out: Service["pods"] = [];
    while (out.length < count) {
      const node = randomInt(random, nodeCount);
      const ip = podIP(node, 2 + randomInt(random, 253));
      if (seen.has(ip)) continue;
      seen.add(ip);
      out.push({ ip, local: node === 0 });
    }
    return out;
  };

  // The cluster's own Services first, then invented ones until there are `total` ports.
  const list: Service[] = [];
  const dnsPods = [{ ip: podIP(0, 2), local: true }, { ip: podIP(Math.min(1, nodeCount - 1), 3), local: nodeCount === 1 }];
  const builtin: Service[] = [
    {
      namespace: "default", name: "kubernetes", clusterIP: formatIPv4(serviceNet.base + 1),
      ports: [{ name: "https", port: 443, targetPort: 6443, protocol: "tcp" }], pods: [{ ip: nodeIP, local: true }],
      // The API server asked for ClientIP affinity until Kubernetes 1.13 or so.
      affinity: style === "2018", nodePorts: [null],
    },
    {
      namespace: "kube-system", name: "kube-dns", clusterIP: formatIPv4(serviceNet.base + 10),
      ports: [
        { name: "dns", port: 53, targetPort: 53, protocol: "udp" },
        { name: "dns-tcp", port: 53, targetPort: 53, protocol: "tcp" },
        ...(style === "modern" ? [{ name: "metrics", port: 9153, targetPort: 9153, protocol: "tcp" } as const] : []),
      ],
      pods: dnsPods, affinity: false, nodePorts: [],
    },
  ];
  let count = 0;
  for (const s of builtin) {
    if (count >= total) break;
    const ports = s.ports.slice(0, total - count);
    list.push({ ...s, ports, nodePorts: ports.map(() => null) });
    count += ports.length;
  }
  const names = new Set(list.map((s) => `${s.namespace}/${s.name}`));
  while (count < total) {
    const namespace = namespaceName(random);
    let name = serviceName(random);
    for (let n = 2; names.has(`${namespace}/${name}`); n++) name = `${name.replace(/-[0-9]+$/, "")}-${n}`;
    names.add(`${namespace}/${name}`);
    const ports = servicePorts(random).slice(0, total - count);
    const ip = clusterIP();
    const affinity = randomUnit(random) < affinityShare;
    list.push({ namespace, name, clusterIP: ip, ports, pods: pods(endpointCount()), affinity, nodePorts: ports.map(() => null) });
    count += ports.length;
  }

  // NodePorts: whole Services (every port of a NodePort Service gets one), in random order, until there are enough.
  if (nodePortCount > 0) {
    const usedPorts = new Set<number>();
    let left = nodePortCount;
    for (const s of shuffle(random, list.filter((x) => x.pods.length > 0))) {
      if (left === 0) break;
      if (s.ports.length > left) continue;
      s.nodePorts = s.ports.map(() => {
        let p: number;
        do p = 30000 + randomInt(random, MAX_NODE_PORTS);
        while (usedPorts.has(p));
        usedPorts.add(p);
        return p;
      });
      left -= s.ports.length;
    }
    if (left > 0) throw new RangeError(`nodePorts: only ${nodePortCount - left} Service ports with endpoints could get a NodePort`);
  }

  const services = list.flatMap((s) => s.ports.map((port, i) => describe(s, port, s.nodePorts[i], style)));
  const podCIDR = `${formatIPv4(podSubnet(0))}/24`;
  const text = style === "2018" ? print2018(services, clusterNet.text, podCIDR) : printModern(services, clusterNet.text);
  const node: GeneratedNode = {
    format: "kube-iptables-lab/node@1",
    name: "node-01",
    interfaces: [
      { name: "lo", addresses: ["127.0.0.1/8"] },
      { name: "eth0", addresses: [`${nodeIP}/24`] },
      { name: style === "2018" ? "docker0" : "cni0", addresses: [`${formatIPv4(podSubnet(0) + 1)}/24`] },
      { name: "flannel.1", addresses: [`${formatIPv4(podSubnet(0))}/32`] },
    ],
    routes: [
      { dst: "default", via: formatIPv4(((nodeAddr & 0xffffff00) | 1) >>> 0), dev: "eth0" },
      { dst: clusterNet.text, dev: "flannel.1" },
      { dst: podCIDR, dev: style === "2018" ? "docker0" : "cni0", src: formatIPv4(podSubnet(0) + 1) },
    ],
    clusterCIDR: clusterNet.text,
    podCIDR,
    serviceCIDR: serviceNet.text,
    peers: Array.from({ length: Math.min(nodeCount - 1, 8) }, (_, i) => ({
      name: `node-${String(i + 2).padStart(2, "0")}`, address: peerIP(i + 1), podCIDR: `${formatIPv4(podSubnet(i + 1))}/24`,
    })),
  };
  let lines = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  return { text, services, node, style, lines };
}

/** The text of a generated dump (see generateCluster for the node and the Services it holds). */
export function generateDump(options: GenerateOptions): string {
  return generateCluster(options).text;
}

function describe(s: Service, port: PortShape, nodePort: number | null, style: GenerateStyle): GeneratedService {
  // kube-proxy's ServicePortName.String(): 2018 always wrote the colon; today an unnamed port has none.
  const id = style === "2018" || port.name !== "" ? `${s.namespace}/${s.name}:${port.name}` : `${s.namespace}/${s.name}`;
  const endpoints = s.pods
    .map((p) => ({ ip: p.ip, port: port.targetPort, local: p.local, chain: endpointChainName(id, port.protocol, `${p.ip}:${port.targetPort}`) }))
    .sort((a, b) => {
      const x = `${a.ip}:${a.port}`, y = `${b.ip}:${b.port}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const has = endpoints.length > 0;
  return {
    id, namespace: s.namespace, name: s.name, portName: port.name, protocol: port.protocol,
    clusterIP: s.clusterIP, port: port.port, nodePort,
    chain: has ? serviceChainName(id, port.protocol) : null,
    externalChain: has && nodePort !== null && style === "modern" ? serviceChainName(id, port.protocol, "KUBE-EXT-") : null,
    endpoints,
    affinitySeconds: s.affinity ? AFFINITY_SECONDS : null,
  };
}

function wrap(style: GenerateStyle, tables: TableText[]): string {
  const h = HEADER[style];
  const out: string[] = [];
  for (const name of h.tables) {
    const t = tables.find((x) => x.name === name)!;
    out.push(`# Generated by ${h.saver} on ${h.date}`);
    t.print(out);
    out.push(`# Completed on ${h.date}`);
  }
  out.push("");
  return out.join("\n");
}

const NODEPORTS_LAST = `-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`;
const RECENT_MASK = "--mask 255.255.255.255 --rsource";

/** The rules that pick an endpoint: affinity checks first, then random picks with kube-proxy's probabilities. */
function balance(nat: TableText, s: GeneratedService, style: GenerateStyle): void {
  const chain = s.chain!;
  const comment = (e: GeneratedEndpoint) => saveString(style === "2018" ? s.id : `${s.id} -> ${e.ip}:${e.port}`);
  if (s.affinitySeconds !== null)
    for (const e of s.endpoints)
      nat.add(chain, `-m comment --comment ${comment(e)} -m recent --rcheck --seconds ${s.affinitySeconds} --reap --name ${e.chain} ${RECENT_MASK} -j ${e.chain}`);
  const n = s.endpoints.length;
  s.endpoints.forEach((e, i) => {
    const stat = i < n - 1 ? ` -m statistic --mode random --probability ${savedProbability(n - i, style)}` : "";
    nat.add(chain, `-m comment --comment ${comment(e)}${stat} -j ${e.chain}`);
  });
}

/** Each endpoint's chain: the hairpin masquerade, then the DNAT (recording the client for affinity). */
function endpointChains(nat: TableText, s: GeneratedService): void {
  const c = saveString(s.id);
  for (const e of s.endpoints) {
    nat.add(e.chain, `-s ${e.ip}/32 -m comment --comment ${c} -j KUBE-MARK-MASQ`);
    const recent = s.affinitySeconds !== null ? ` -m recent --set --name ${e.chain} ${RECENT_MASK}` : "";
    nat.add(e.chain, `-p ${s.protocol} -m comment --comment ${c}${recent} -m ${s.protocol} -j DNAT --to-destination ${e.ip}:${e.port}`);
  }
}

/**
 * The ClusterIP part of a Service's rules (`-d IP/32 -p P`, `-m P --dport N`, the "cluster IP" comment);
 * null for a Service without endpoints, which gets kube-proxy's REJECT in filter's KUBE-SERVICES instead.
 */
function clusterIPMatch(filter: TableText, s: GeneratedService): { chain: string; dst: string; port: string; cip: string } | null {
  const dst = `-d ${s.clusterIP}/32 -p ${s.protocol}`;
  const port = `-m ${s.protocol} --dport ${s.port}`;
  if (!s.chain) {
    filter.add("KUBE-SERVICES", `${dst} -m comment --comment ${saveString(`${s.id} has no endpoints`)} ${port} -j REJECT --reject-with icmp-port-unreachable`);
    return null;
  }
  return { chain: s.chain, dst, port, cip: saveString(`${s.id} cluster IP`) };
}

function print2018(services: GeneratedService[], clusterCIDR: string, podCIDR: string): string {
  const filter = new TableText("filter");
  const nat = new TableText("nat");
  const podNet = clusterCIDR;
  for (const c of ["DOCKER", "DOCKER-ISOLATION", "DOCKER-USER", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-SERVICES"]) filter.declare(c);
  filter.add("INPUT", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  filter.add("INPUT", "-j KUBE-FIREWALL");
  filter.add("FORWARD", `-m comment --comment "kubernetes forward rules" -j KUBE-FORWARD`);
  filter.add("FORWARD", "-j DOCKER-USER");
  filter.add("FORWARD", "-j DOCKER-ISOLATION");
  filter.add("FORWARD", "-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
  filter.add("FORWARD", "-o docker0 -j DOCKER");
  filter.add("FORWARD", "-i docker0 ! -o docker0 -j ACCEPT");
  filter.add("FORWARD", "-i docker0 -o docker0 -j ACCEPT");
  filter.add("FORWARD", `-s ${podNet} -j ACCEPT`);
  filter.add("FORWARD", `-d ${podNet} -j ACCEPT`);
  filter.add("OUTPUT", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  filter.add("OUTPUT", "-j KUBE-FIREWALL");
  filter.add("DOCKER-ISOLATION", "-j RETURN");
  filter.add("DOCKER-USER", "-j RETURN");
  filter.add("KUBE-FIREWALL", `-m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP`);
  filter.add("KUBE-FORWARD", `-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT`);
  filter.add("KUBE-FORWARD", `-s ${podNet} -m comment --comment "kubernetes forwarding conntrack pod source rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  filter.add("KUBE-FORWARD", `-d ${podNet} -m comment --comment "kubernetes forwarding conntrack pod destination rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);

  for (const c of ["DOCKER", "KUBE-MARK-DROP", "KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]) nat.declare(c);
  nat.add("PREROUTING", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  nat.add("PREROUTING", "-m addrtype --dst-type LOCAL -j DOCKER");
  nat.add("OUTPUT", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  nat.add("OUTPUT", "! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER");
  nat.add("POSTROUTING", `-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING`);
  nat.add("DOCKER", "-i docker0 -j RETURN");
  nat.add("KUBE-MARK-DROP", "-j MARK --set-xmark 0x8000/0x8000");
  nat.add("KUBE-MARK-MASQ", "-j MARK --set-xmark 0x4000/0x4000");
  nat.add("KUBE-POSTROUTING", `-m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE`);

  for (const s of services) {
    const match = clusterIPMatch(filter, s);
    if (!match) continue;
    const { chain, dst, port, cip } = match;
    nat.add("KUBE-SERVICES", `! -s ${podNet} ${dst} -m comment --comment ${cip} ${port} -j KUBE-MARK-MASQ`);
    nat.add("KUBE-SERVICES", `${dst} -m comment --comment ${cip} ${port} -j ${chain}`);
    if (s.nodePort !== null) {
      const np = `-p ${s.protocol} -m comment --comment ${saveString(s.id)} -m ${s.protocol} --dport ${s.nodePort}`;
      nat.add("KUBE-NODEPORTS", `${np} -j KUBE-MARK-MASQ`);
      nat.add("KUBE-NODEPORTS", `${np} -j ${chain}`);
    }
    nat.declare(chain);
    balance(nat, s, "2018");
    endpointChains(nat, s);
  }
  nat.add("KUBE-SERVICES", NODEPORTS_LAST);
  // The Docker masquerade comes after kube-proxy's jump (Docker was started later).
  nat.add("POSTROUTING", `-s ${podCIDR} ! -o docker0 -j MASQUERADE`);
  return wrap("2018", [filter, nat]);
}

function printModern(services: GeneratedService[], clusterCIDR: string): string {
  const mangle = new TableText("mangle");
  const filter = new TableText("filter");
  const nat = new TableText("nat");
  for (const c of ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY"]) mangle.declare(c);

  for (const c of ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-KUBELET-CANARY", "KUBE-NODEPORTS", "KUBE-PROXY-CANARY", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"])
    filter.declare(c);
  const lbFirewall = `-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`;
  const external = `-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES`;
  const portals = `-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`;
  filter.add("INPUT", lbFirewall);
  filter.add("INPUT", `-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS`);
  filter.add("INPUT", external);
  filter.add("INPUT", "-j KUBE-FIREWALL");
  filter.add("FORWARD", lbFirewall);
  filter.add("FORWARD", `-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD`);
  filter.add("FORWARD", portals);
  filter.add("FORWARD", external);
  filter.add("OUTPUT", lbFirewall);
  filter.add("OUTPUT", portals);
  filter.add("OUTPUT", "-j KUBE-FIREWALL");
  filter.add("KUBE-FIREWALL", `! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`);
  filter.add("KUBE-FORWARD", "-m conntrack --ctstate INVALID -j DROP");
  filter.add("KUBE-FORWARD", `-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT`);
  filter.add("KUBE-FORWARD", `-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);

  for (const c of ["KUBE-KUBELET-CANARY", "KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-PROXY-CANARY", "KUBE-SERVICES"]) nat.declare(c);
  nat.add("PREROUTING", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  nat.add("OUTPUT", `-m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  nat.add("POSTROUTING", `-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING`);
  nat.add("KUBE-MARK-MASQ", "-j MARK --set-xmark 0x4000/0x4000");
  nat.add("KUBE-POSTROUTING", "-m mark ! --mark 0x4000/0x4000 -j RETURN");
  nat.add("KUBE-POSTROUTING", "-j MARK --set-xmark 0x4000/0x0");
  nat.add("KUBE-POSTROUTING", `-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully`);

  for (const s of services) {
    const match = clusterIPMatch(filter, s);
    if (!match) continue;
    const { chain, dst, port, cip } = match;
    nat.add("KUBE-SERVICES", `${dst} -m comment --comment ${cip} ${port} -j ${chain}`);
    nat.declare(chain);
    nat.add(chain, `! -s ${clusterCIDR} ${dst} -m comment --comment ${cip} ${port} -j KUBE-MARK-MASQ`);
    if (s.externalChain) {
      nat.add("KUBE-NODEPORTS", `-p ${s.protocol} -m comment --comment ${saveString(s.id)} -m ${s.protocol} --dport ${s.nodePort} -j ${s.externalChain}`);
      nat.add(s.externalChain, `-m comment --comment ${saveString(`masquerade traffic for ${s.id} external destinations`)} -j KUBE-MARK-MASQ`);
      nat.add(s.externalChain, `-j ${chain}`);
    }
    balance(nat, s, "modern");
    endpointChains(nat, s);
  }
  nat.add("KUBE-SERVICES", NODEPORTS_LAST);
  return wrap("modern", [mangle, filter, nat]);
}
