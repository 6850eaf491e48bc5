/**
 * Ready-made clients and destinations for a node and a Service: the cases
 * the lessons teach (a machine outside the cluster, a pod on this node, a
 * pod on another node, the node itself, a pod calling its own Service),
 * worked out from the node description instead of typed in.
 */
import { cidrContains, formatIPv4, makeCidr, parseIPv4, prefixToMask } from "../lib/model/address.js";
import type { NodeBrief, ServiceBrief } from "./protocol.js";

export interface ClientPreset {
  id: "outside" | "pod-here" | "pod-remote" | "node" | "hairpin";
  label: string;
  /** Source address (absent when the preset does not apply to this node or Service). */
  src: string | null;
  /** Where the packet starts; absent: inferred from the routes, as the command line does. */
  from?: "local" | { interface: string };
  /** Why the preset does not apply, when `src` is null; otherwise what it stands for. */
  note: string;
}

export interface Destination {
  label: string;
  /** `IP:PORT`. */
  dst: string;
  protocol: "tcp" | "udp" | "sctp";
}

interface Net {
  base: number;
  bits: number;
  /** The address written on the interface (`172.16.1.10` of `172.16.1.10/24`). */
  own: number;
}

function readCidr(text: string | null): Net | null {
  if (!text) return null;
  const [ip, bitsText] = text.split("/");
  const address = parseIPv4(ip);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (address === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  return { base: (address & prefixToMask(bits)) >>> 0, bits, own: address };
}

/** A host of the network that is none of `taken`, starting at `first` (or null when the network is too small). */
function freeHost(net: Net, first: number, taken: readonly number[]): string | null {
  const size = net.bits >= 31 ? 0 : 2 ** (32 - net.bits) - 2;
  for (let i = 0; i < size; i++) {
    const host = ((first - 1 + i) % size) + 1;
    const address = (net.base + host) >>> 0;
    if (!taken.includes(address)) return formatIPv4(address);
  }
  return null;
}

/** The interface the default route (0.0.0.0/0) leaves by (or the first one with an address that is not loopback). */
function uplink(node: NodeBrief): { name: string; net: Net; gateway: number | null } | null {
  const route = node.routes.find((r) => r.dst === "0.0.0.0/0");
  const names = route ? [route.dev] : node.interfaces.filter((i) => i.name !== "lo").map((i) => i.name);
  for (const name of names) {
    const iface = node.interfaces.find((i) => i.name === name);
    const net = iface?.addresses.map(readCidr).find((n): n is Net => n !== null && n.bits < 31);
    if (net) return { name, net, gateway: route?.via ? parseIPv4(route.via) : null };
  }
  return null;
}

/** The interface of the most specific route to `ip` (the kernel's choice among these routes), or null. */
function routeDev(node: NodeBrief, ip: string): string | null {
  let best: { dev: string; bits: number } | null = null;
  for (const r of node.routes) {
    const n = readCidr(r.dst);
    if (n && inNet(n, ip) && (!best || n.bits > best.bits)) best = { dev: r.dev, bits: n.bits };
  }
  return best?.dev ?? null;
}

/**
 * Where a pod of this node sits: a free address of the route to the whole podCIDR (a bridge such as
 * cni0), or else a pod's own route inside the podCIDR (one veth per pod, as Calico does), with its interface.
 */
function podHere(node: NodeBrief, pod: Net): { src: string | null; dev: string } | null {
  const whole = node.routes.find((r) => {
    const n = readCidr(r.dst);
    return n !== null && n.base === pod.base && n.bits === pod.bits;
  });
  if (whole) {
    const bridge = node.interfaces.find((i) => i.name === whole.dev)?.addresses.map(readCidr).filter((n): n is Net => n !== null).map((n) => n.own) ?? [];
    return { src: freeHost(pod, 9, bridge), dev: whole.dev };
  }
  const own = node.routes.find((r) => {
    const n = readCidr(r.dst);
    return n !== null && n.bits === 32 && inNet(pod, formatIPv4(n.base));
  });
  return own ? { src: own.dst.split("/")[0], dev: own.dev } : null;
}

/** An address of a pod on another node: in a peer's podCIDR, or else in the cluster CIDR outside this node's podCIDR. */
function podElsewhere(node: NodeBrief, pod: Net | null): { label: string; src: string; note: string } | null {
  const peer = node.peers.find((p) => readCidr(p.podCIDR) !== null);
  const peerNet = peer ? readCidr(peer.podCIDR) : null;
  if (peer && peerNet) {
    const src = freeHost(peerNet, 9, []);
    return src ? { label: `a pod on another node (${peer.name})`, src, note: `${src}, arriving by the route to ${peer.podCIDR}` } : null;
  }
  const cluster = readCidr(node.clusterCIDR);
  if (!cluster || !pod || pod.bits <= cluster.bits) return null;
  // The first block of the podCIDR's size in the cluster CIDR that is not this node's.
  const step = 2 ** (32 - pod.bits);
  const block = cluster.base === pod.base ? (cluster.base + step) >>> 0 : cluster.base;
  const src = freeHost({ base: block, bits: pod.bits, own: block }, 9, []);
  return src ? { label: "a pod on another node", src, note: `${src}, in the cluster CIDR ${node.clusterCIDR} outside this node's pod CIDR ${node.podCIDR}` } : null;
}

/** The node's own address toward the outside (the one a NodePort is usually opened on). */
export function nodeAddress(node: NodeBrief): string | null {
  const up = uplink(node);
  return up ? formatIPv4(up.net.own) : null;
}

/** The client presets for this node; `service` decides the hairpin case (an endpoint on this node calling its own Service). */
export function clientPresets(node: NodeBrief, service: ServiceBrief | null): ClientPreset[] {
  const presets: ClientPreset[] = [];
  const up = uplink(node);
  if (up) {
    const taken = [up.net.own, ...(up.gateway !== null ? [up.gateway] : []), ...node.peers.map((p) => parseIPv4(p.address) ?? -1)];
    const src = freeHost(up.net, 100, taken);
    presets.push({ id: "outside", label: "a machine outside the cluster", src, ...(src ? { from: { interface: up.name } } : {}), note: src ? `${src}, on ${up.name}'s network` : `${up.name}'s network has no free address` });
    presets.push({ id: "node", label: "the node itself", src: formatIPv4(up.net.own), from: "local", note: `a process on ${node.name}, source ${formatIPv4(up.net.own)}` });
  } else {
    presets.push({ id: "outside", label: "a machine outside the cluster", src: null, note: "the node has no default route or outside address" });
  }
  const pod = readCidr(node.podCIDR);
  const here = pod ? podHere(node, pod) : null;
  if (here?.src) {
    presets.push({ id: "pod-here", label: "a pod on this node", src: here.src, from: { interface: here.dev }, note: `${here.src}, behind ${here.dev}` });
  } else {
    presets.push({ id: "pod-here", label: "a pod on this node", src: null, note: here ? "no free address in the pod network" : "the node description has no podCIDR with a route" });
  }
  const elsewhere = podElsewhere(node, pod);
  if (elsewhere) {
    presets.push({ id: "pod-remote", ...elsewhere });
  } else {
    presets.push({ id: "pod-remote", label: "a pod on another node", src: null, note: "the node description lists no peer with a podCIDR" });
  }
  const endpoint = service?.endpoints.find((e) => e.local === true || (e.local === null && pod !== null && inNet(pod, e.ip)));
  const endpointDev = endpoint ? routeDev(node, endpoint.ip) : null;
  if (service && endpoint && endpointDev) {
    presets.push({ id: "hairpin", label: "a pod calling its own Service", src: endpoint.ip, from: { interface: endpointDev }, note: `the endpoint ${endpoint.ip}:${endpoint.port} of this Service, on this node` });
  } else {
    presets.push({
      id: "hairpin", label: "a pod calling its own Service", src: null,
      note: service ? "no endpoint of this Service runs on this node" : "choose a Service first",
    });
  }
  return presets;
}

function inNet(net: Net, ip: string): boolean {
  return cidrContains(makeCidr(net.base, prefixToMask(net.bits)), ip);
}

/** Where a Service port can be reached: its cluster IP, its NodePort on the node, its external and load balancer IPs. */
export function serviceDestinations(service: ServiceBrief, node: NodeBrief | null): Destination[] {
  const out: Destination[] = [];
  const p = service.protocol;
  if (service.clusterIP && service.port !== null) out.push({ label: `cluster IP ${service.clusterIP}:${service.port}`, dst: `${service.clusterIP}:${service.port}`, protocol: p });
  const address = node ? nodeAddress(node) : null;
  if (service.nodePort !== null && address) out.push({ label: `node port ${address}:${service.nodePort}`, dst: `${address}:${service.nodePort}`, protocol: p });
  if (service.port !== null) {
    for (const ip of service.externalIPs) out.push({ label: `external IP ${ip}:${service.port}`, dst: `${ip}:${service.port}`, protocol: p });
    for (const ip of service.loadBalancerIPs) out.push({ label: `load balancer IP ${ip}:${service.port}`, dst: `${ip}:${service.port}`, protocol: p });
  }
  return out;
}
