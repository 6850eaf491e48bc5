/**
 * The lab's topology: namespaces that mirror a node and its neighbours.
 *
 * - "node" holds the node's interfaces under the SAME names (veth ends
 *   called eth0, flannel.1, ...), its addresses and routes, ip_forward, and
 *   the dump loaded with iptables-legacy-restore;
 * - behind each node interface, one "far side" namespace whose eth0 is the
 *   other end of that veth. Every address the lab needs (Service endpoints,
 *   clients, gateways) goes to the namespace behind the interface the node
 *   routes it to, or into the node namespace when it is the node's own;
 * - the interface of this node's pod subnet (docker0, cni0) is a bridge, as
 *   on a real node, and every pod address behind it gets a namespace of its
 *   own on a port of that bridge, with bridge-nf-call-iptables on in the
 *   node namespace (kubeadm requires br_netfilter): a pod calling a Service
 *   whose endpoint is another pod of this node then gets its answer back
 *   through the node's conntrack, un-DNATed, as on a node. (Two pod
 *   addresses in one namespace would answer each other directly.)
 *
 * `planLab` decides all of that from the dump and the node description
 * (pure, so it can be tested and shown); `buildLab` applies a plan.
 */
import type { Dump } from "../model/dump.js";
import { cidrContains, formatCidr, makeCidr, parseIPv4, prefixToMask, type Cidr } from "../model/address.js";
import { isLocalAddress, lookupRoute, type NodeContext } from "../node/context.js";
import { services } from "../services/catalog.js";
import { ipBatch, LabError, mustExecIn, type NamespaceSet } from "./netns.js";

/** A TCP or UDP listener the lab runs. `address` 0.0.0.0 is the router's catch-all. */
export interface ListenerPlan {
  protocol: "tcp" | "udp";
  address: string;
  port: number;
  /** What it stands for: an endpoint of which Service, a catch-all, ... */
  why: string;
}

/** One namespace of the plan. */
export interface NamespacePlan {
  /** `node`, or `via-<interface>` for the namespace behind a node interface. */
  role: string;
  /** The node interface this namespace sits behind (null for the node itself). */
  behind: string | null;
  /** What it plays, for people. */
  plays: string;
  /** Addresses as `a.b.c.d/len`, on `eth0` (far side) or on the named interface (node); `scope` when it is not global. */
  addresses: { dev: string; cidr: string; why: string; scope?: string }[];
  /** `ip route` argument lists, applied in order. */
  routes: string[][];
  /** Ranges answered locally by this namespace (`ip route add local CIDR dev lo`): a router's catch-all. */
  anyIp: string[];
  listeners: ListenerPlan[];
  /** sysctl settings (key=value) applied before links are created. */
  sysctls: string[];
}

/** The whole plan. */
export interface LabPlan {
  /**
   * veth pairs, in the node description's order (so device order matches): `name` is the node
   * side (the node interface's own name, or a port of `bridge`), its peer is eth0 in `farRole`.
   */
  links: { name: string; farRole: string; bridge?: string }[];
  /** Node interfaces made as bridges (the pod subnet's), their addresses on the bridge device; their ports are in hairpin mode. */
  bridges?: string[];
  /** The node's interfaces (but lo) in the node description's order: devices are created in this order, since MASQUERADE on an interface without a usable address takes the first one in device order. */
  order?: string[];
  namespaces: NamespacePlan[];
}

/** A client address the lab must be able to connect from. */
export interface ClientPlacement {
  src: string;
  /** As in a connection spec: arriving on an interface, or a process on the node. */
  from?: { interface: string } | "local";
}

/** Options of the plan. */
export interface PlanOptions {
  /** Addresses connections start from. */
  clients?: ClientPlacement[];
  /** TCP ports the router's catch-all answers on (in the namespace holding the service range). */
  catchAllPorts?: number[];
}

/** Role of the namespace behind node interface `dev`. */
export function farRole(dev: string): string {
  return `via-${dev}`;
}

const COMMON_SYSCTLS = [
  // No reverse-path filtering or ICMP redirects: they are not what the dump is about, and a
  // redirect would let a far namespace bypass the node for later connections (hairpin cases).
  "net.ipv4.conf.all.rp_filter=0",
  "net.ipv4.conf.default.rp_filter=0",
  "net.ipv4.conf.all.send_redirects=0",
  "net.ipv4.conf.default.send_redirects=0",
  "net.ipv4.conf.all.accept_redirects=0",
  "net.ipv4.conf.default.accept_redirects=0",
  // IPv4 only: keeps IPv6 neighbour discovery chatter out of the lab.
  "net.ipv6.conf.all.disable_ipv6=1",
  "net.ipv6.conf.default.disable_ipv6=1",
];

function cidrText(address: string, prefix: number): string {
  return `${address}/${prefix}`;
}

function networkOf(address: string, prefix: number): Cidr {
  return makeCidr(parseIPv4(address)!, prefixToMask(prefix));
}

/** Addresses of a node interface as networks. */
function connectedNetworks(node: NodeContext, dev: string): { address: string; prefix: number; net: Cidr }[] {
  const iface = node.interfaces.find((i) => i.name === dev);
  return (iface?.addresses ?? []).filter((a) => a.prefix < 32).map((a) => ({ ...a, net: networkOf(a.address, a.prefix) }));
}

/** The node interface of this node's pod subnet (docker0, cni0), which the lab makes a bridge with a namespace per pod; null when the node description has none. */
export function podBridge(node: NodeContext): string | null {
  if (!node.podCIDR) return null;
  const pod = node.podCIDR;
  for (const i of node.interfaces) {
    if (i.name === "lo") continue;
    if (connectedNetworks(node, i.name).some((n) => n.net.address === pod.address && n.net.prefix === pod.prefix)) return i.name;
  }
  return null;
}

/** Role of the `k`-th pod namespace behind bridge `dev`. */
function podRole(dev: string, k: number): string {
  return `${farRole(dev)}-${k}`;
}

/** Node-side name of the `k`-th bridge port (at most 15 characters). */
function portName(dev: string, k: number): string {
  const suffix = `p${k}`;
  return `${dev.slice(0, 15 - suffix.length)}${suffix}`;
}

/** Plan the lab for a dump and a node. Throws LabError when an address cannot be placed. */
export function planLab(dump: Dump, node: NodeContext, options: PlanOptions = {}): LabPlan {
  const ifaces = node.interfaces.filter((i) => i.name !== "lo");
  if (ifaces.length === 0) throw new LabError("the node description has no interface besides lo: nothing to connect the lab to");
  for (const i of node.interfaces) {
    if (i.name.length > 15) throw new LabError(`interface name ${i.name} is longer than Linux allows (15 characters)`);
  }
  const bridge = podBridge(node);
  const nodeNs: NamespacePlan = {
    role: "node", behind: null, plays: `the node ${node.name}`,
    addresses: [], routes: [], anyIp: [], listeners: [],
    sysctls: [
      ...COMMON_SYSCTLS, `net.ipv4.ip_forward=${node.ipForward ? 1 : 0}`,
      // conntrack starts no entry mid-stream: a late ACK or FIN of a connection flushed between
      // scenarios (conntrack -F) would otherwise become a NEW connection and walk the nat table
      // while the next scenario's counters are read (seen on a loaded machine).
      "net.netfilter.nf_conntrack_tcp_loose=0",
      // Bridged pod-to-pod packets go through the node's iptables, as kubeadm requires (br_netfilter; per namespace).
      ...(bridge ? ["net.bridge.bridge-nf-call-iptables=1"] : []),
    ],
  };
  for (const i of node.interfaces) {
    for (const a of i.addresses) {
      if (i.name === "lo" && a.address === "127.0.0.1" && a.prefix === 8) continue; // lo has it already
      const scope = a.scope !== undefined && a.scope !== "global" && !(a.scope === "host" && a.address.startsWith("127.")) ? { scope: a.scope } : {};
      nodeNs.addresses.push({ dev: i.name, cidr: cidrText(a.address, a.prefix), why: `${node.name}'s address on ${i.name}`, ...scope });
    }
  }
  const far = new Map<string, NamespacePlan>();
  for (const i of ifaces) {
    if (i.name === bridge) continue;
    far.set(i.name, {
      role: farRole(i.name), behind: i.name, plays: describeFar(node, i.name),
      addresses: [], routes: [], anyIp: [], listeners: [], sysctls: [...COMMON_SYSCTLS],
    });
  }
  // One namespace per pod address behind the bridge, in the order they are placed.
  const pods: NamespacePlan[] = [];
  const podFor = (ip: string): NamespacePlan => {
    const ns: NamespacePlan = {
      role: podRole(bridge!, pods.length + 1), behind: bridge, plays: `the pod ${ip} on ${node.name} (a port of the bridge ${bridge})`,
      addresses: [], routes: [], anyIp: [], listeners: [], sysctls: [...COMMON_SYSCTLS],
    };
    pods.push(ns);
    return ns;
  };

  const placed = new Map<string, string>(); // address -> role
  const place = (ip: string, why: string, forced?: string): NamespacePlan => {
    if (parseIPv4(ip) === null) throw new LabError(`${why}: '${ip}' is not an IPv4 address`);
    if (isLocalAddress(node, ip)) {
      if (forced && forced !== "node") throw new LabError(`${why}: ${ip} is ${node.name}'s own address but is said to arrive on ${forced}`);
      return nodeNs;
    }
    if (forced === "node") throw new LabError(`${why}: a process on ${node.name} cannot use ${ip}, which is not one of its addresses`);
    let dev = forced ?? null;
    if (!dev) {
      const r = lookupRoute(node, ip);
      if (r.kind !== "unicast" || !r.dev || r.dev === "lo") throw new LabError(`${why}: ${node.name} has no route out of an interface to ${ip} (${r.kind}), so the lab cannot place it`);
      dev = r.dev;
    }
    const before = placed.get(ip);
    if (dev === bridge) {
      const known = before ? pods.find((p) => p.role === before) : undefined;
      if (before && !known) throw new LabError(`${why}: ${ip} is needed both in ${before} and behind ${dev}`);
      if (known) return known;
    }
    const ns = dev === bridge ? podFor(ip) : far.get(dev);
    if (!ns) throw new LabError(`${why}: ${node.name} has no interface ${dev}`);
    if (before && before !== ns.role) throw new LabError(`${why}: ${ip} is needed both in ${before} and in ${ns.role}`);
    if (!before) {
      placed.set(ip, ns.role);
      const net = connectedNetworks(node, dev).find((n) => cidrContains(n.net, ip));
      // On a connected network of the node: the same prefix, so both sides see each other on-link.
      ns.addresses.push({ dev: "eth0", cidr: cidrText(ip, net ? net.prefix : 32), why });
    }
    return ns;
  };

  // Gateways of the node's routes live behind the route's interface.
  for (const r of node.routes) {
    if (r.type === "unicast" && r.via && r.dev && r.dev !== "lo") place(r.via, `gateway of ${node.name}'s route to ${formatCidr(r.dst)}`, r.dev);
  }
  // Clients.
  for (const c of options.clients ?? []) {
    const forced = c.from === "local" ? "node" : c.from?.interface;
    place(c.src, `client ${c.src}`, forced);
  }
  // Every endpoint of every Service, with a TCP and a UDP listener.
  const seen = new Set<string>();
  for (const svc of services(dump)) {
    for (const ep of svc.endpoints) {
      if (!ep.ip || !ep.port) continue;
      const ns = place(ep.ip, `endpoint ${ep.ip}:${ep.port} of ${svc.id}`);
      for (const protocol of ["tcp", "udp"] as const) {
        const key = `${protocol} ${ep.ip}:${ep.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ns.listeners.push({ protocol, address: ep.ip, port: ep.port, why: `endpoint of ${svc.id}` });
      }
    }
  }
  // The router's catch-all: the service range, answered by the namespace the node routes it to.
  if (node.serviceCIDR) {
    const probe = node.serviceCIDR.address;
    const r = lookupRoute(node, probe);
    const ns = r.kind === "unicast" && r.dev ? far.get(r.dev) : undefined;
    if (ns) {
      ns.anyIp.push(formatCidr(node.serviceCIDR));
      const taken = new Set(ns.listeners.filter((l) => l.protocol === "tcp").map((l) => l.port));
      for (const port of [...new Set(options.catchAllPorts ?? [])].sort((a, b) => a - b)) {
        // A wildcard listener cannot share a port with an address-bound one.
        if (taken.has(port)) continue;
        ns.listeners.push({ protocol: "tcp", address: "0.0.0.0", port, why: `catch-all for anything routed out of ${r.dev} (port ${port})` });
      }
    }
  }

  // Routes.
  nodeNs.routes.push(...nodeRoutes(node));
  for (const ns of [...far.values(), ...pods]) {
    const dev = ns.behind!;
    const iface = node.interfaces.find((i) => i.name === dev)!;
    const gateway = iface.addresses[0]?.address;
    if (!gateway) continue;
    const onLink = ns.addresses.some((a) => {
      const [ip, p] = a.cidr.split("/");
      return Number(p) < 32 && cidrContains(networkOf(ip, Number(p)), gateway);
    });
    if (!onLink) ns.routes.push([`${gateway}/32`, "dev", "eth0"]);
    ns.routes.push(["default", "via", gateway, "dev", "eth0"]);
  }
  const links: LabPlan["links"] = [];
  for (const i of ifaces) {
    if (i.name !== bridge) links.push({ name: i.name, farRole: farRole(i.name) });
    else pods.forEach((p, k) => links.push({ name: portName(i.name, k + 1), farRole: p.role, bridge: i.name }));
  }
  // Pod namespaces next to the other far sides, in interface order.
  const namespaces: NamespacePlan[] = [nodeNs];
  for (const i of ifaces) {
    if (i.name === bridge) namespaces.push(...pods);
    else namespaces.push(far.get(i.name)!);
  }
  return { links, ...(bridge ? { bridges: [bridge] } : {}), order: ifaces.map((i) => i.name), namespaces };
}

function describeFar(node: NodeContext, dev: string): string {
  const def = node.routes.find((r) => r.dst.prefix === 0 && r.dev === dev);
  const nets = connectedNetworks(node, dev);
  if (node.podCIDR && nets.some((n) => n.net.address === node.podCIDR!.address && n.net.prefix === node.podCIDR!.prefix))
    return `pods on ${node.name} (behind ${dev})`;
  const r = node.clusterCIDR ? lookupRoute(node, node.clusterCIDR.address) : null;
  if (r && r.dev === dev) return `pods on other nodes (behind ${dev})`;
  if (def) return `the network outside ${node.name}: clients, other nodes and the router (behind ${dev})`;
  return `whatever ${node.name} reaches through ${dev}`;
}

/** `ip route` argument lists for the node's routes: device routes first, then routes through gateways. */
export function nodeRoutes(node: NodeContext): string[][] {
  const out: string[][] = [];
  const later: string[][] = [];
  for (const r of node.routes) {
    const dst = r.dst.prefix === 0 ? "default" : formatCidr(r.dst);
    if (r.type === "broadcast") continue;
    if (r.type !== "unicast") {
      out.push([r.type, dst, ...(r.dev ? ["dev", r.dev] : [])]);
      continue;
    }
    const args = [dst];
    if (r.via) {
      args.push("via", r.via);
      if (r.dev && !onConnected(node, r.dev, r.via)) args.push("onlink");
    }
    if (r.dev) args.push("dev", r.dev);
    if (r.src) args.push("src", r.src);
    (r.via ? later : out).push(args);
  }
  return [...out, ...later];
}

function onConnected(node: NodeContext, dev: string, ip: string): boolean {
  return connectedNetworks(node, dev).some((n) => cidrContains(n.net, ip));
}

/** A built lab's namespaces by role. */
export type LabNamespaces = Record<string, string>;

/**
 * Apply a plan to namespaces created for its roles: sysctls, veth pairs
 * (created inside the node namespace with their peers moved straight into
 * the far-side namespaces: nothing ever touches the host's namespace),
 * addresses, links up, routes, catch-all ranges. The rules are loaded
 * separately (`loadRules`).
 */
export async function buildLab(plan: LabPlan, set: NamespaceSet): Promise<void> {
  const ns = (role: string) => {
    const name = set.names[role];
    if (!name) throw new LabError(`no namespace for role ${role}`);
    return name;
  };
  await Promise.all(plan.namespaces.map((p) => mustExecIn(ns(p.role), "sysctl", ["-q", "-e", "-w", ...p.sysctls], { timeoutMs: 10_000 })));
  const node = ns("node");
  const nodePlan = plan.namespaces.find((p) => p.role === "node")!;
  const nodeCommands: string[] = [];
  const bridges = new Set(plan.bridges ?? []);
  const veth = (l: LabPlan["links"][number]) => nodeCommands.push(`link add ${l.name} type veth peer name eth0 netns ${ns(l.farRole)}`);
  // Devices in the node's interface order (address selection follows device order).
  const order = plan.order ?? [...plan.links.map((l) => l.bridge ?? l.name)];
  const made = new Set<string>();
  for (const dev of order) {
    if (made.has(dev)) continue;
    made.add(dev);
    if (bridges.has(dev)) {
      nodeCommands.push(`link add ${dev} type bridge`);
      for (const l of plan.links) if (l.bridge === dev) veth(l);
    } else for (const l of plan.links) if (l.name === dev && !l.bridge) veth(l);
  }
  for (const l of plan.links) {
    if (!l.bridge) continue;
    // Hairpin mode, as the CNI bridge plugin sets it (flannel's hairpinMode): a pod calling its own Service gets its packet back on its port.
    nodeCommands.push(`link set ${l.name} master ${l.bridge}`, `link set ${l.name} type bridge_slave hairpin on`);
  }
  // Per-interface settings exist only once the interface does.
  for (const a of nodePlan.addresses) nodeCommands.push(`address add ${a.cidr} dev ${a.dev}${a.scope ? ` scope ${a.scope}` : ""}`);
  for (const b of plan.bridges ?? []) nodeCommands.push(`link set ${b} up`);
  for (const l of plan.links) nodeCommands.push(`link set ${l.name} up`);
  await ipBatch(node, nodeCommands);
  await Promise.all(plan.namespaces.filter((p) => p.role !== "node").map(async (p) => {
    const cmds = [...p.addresses.map((a) => `address add ${a.cidr} dev ${a.dev}`), "link set eth0 up"];
    await ipBatch(ns(p.role), cmds);
  }));
  await Promise.all(plan.namespaces.map(async (p) => {
    const cmds = p.routes.map((r) => `route replace ${r.join(" ")}`);
    for (const range of p.anyIp) {
      cmds.push(`route add local ${range} dev lo`);
      // Packets from this namespace's own clients to the range still go to the node: look them
      // up in the main table before the local table (which answers for the range when packets arrive).
      cmds.push(`rule add pref 10 iif lo to ${range} lookup main`, "rule add pref 100 lookup local", "rule del pref 0");
    }
    await ipBatch(ns(p.role), cmds);
  }));
}

/** A short text picture of a plan (for reports and notebooks). */
export function describePlan(plan: LabPlan): string {
  const out: string[] = [];
  for (const p of plan.namespaces) {
    out.push(`${p.role}: ${p.plays}`);
    for (const a of p.addresses) out.push(`  ${a.dev} ${a.cidr}${a.scope ? ` scope ${a.scope}` : ""}  (${a.why})`);
    for (const r of p.routes) out.push(`  route ${r.join(" ")}`);
    for (const r of p.anyIp) out.push(`  answers for ${r} (catch-all)`);
    if (p.listeners.length) out.push(`  listeners: ${p.listeners.map((l) => `${l.protocol} ${l.address}:${l.port}`).join(", ")}`);
  }
  return out.join("\n");
}
