/**
 * The node a dump was taken on: its interfaces and addresses, its routes,
 * and the cluster's address ranges. The simulator needs it for routing
 * decisions, `-m addrtype`, and the source address MASQUERADE picks.
 */
import { makeCidr, parseIPv4, prefixToMask, type Cidr } from "../model/address.js";
import { t } from "../i18n/language.js";
import { problemsText, shapeProblems, type ShapeProblem } from "../json/shape.js";

/** An address configured on an interface, with its prefix length (`172.16.1.10/24`). */
export interface InterfaceAddress {
  address: string;
  prefix: number;
  /** The address's scope as `ip addr` shows it: `global` (the default), `site`, `link` or `host` (127.0.0.0/8). */
  scope: AddressScope;
}

/** Scopes of an IPv4 address; only `global` addresses are chosen as a source for traffic leaving the node. */
export type AddressScope = "global" | "site" | "link" | "host";

/** A network interface of the node. */
export interface NodeInterface {
  name: string;
  /** Addresses in the order `ip addr` lists them; the first is the primary one. */
  addresses: InterfaceAddress[];
}

/** One route of the node's main routing table. */
export interface NodeRoute {
  /** Destination network; `0.0.0.0/0` for the default route. */
  dst: Cidr;
  /** Gateway, when the route goes through one. */
  via: string | null;
  /** Output interface. */
  dev: string | null;
  /** Preferred source address (`src` in `ip route`). */
  src: string | null;
  /** Route type; `unicast` for ordinary routes. */
  type: "unicast" | "blackhole" | "unreachable" | "prohibit" | "local" | "broadcast";
}

/** Another node of the cluster, as far as this node's dump tells. */
export interface PeerNode {
  name: string;
  address: string;
  podCIDR: string | null;
}

/** Everything the simulator knows about the node. */
export interface NodeContext {
  name: string;
  interfaces: NodeInterface[];
  routes: NodeRoute[];
  /** The whole cluster's pod network (kube-proxy's `--cluster-cidr`). */
  clusterCIDR: Cidr | null;
  /** This node's own pod subnet. */
  podCIDR: Cidr | null;
  serviceCIDR: Cidr | null;
  peers: PeerNode[];
  /** `net.ipv4.ip_forward`; Kubernetes nodes have it on. */
  ipForward: boolean;
  /** Addresses each xt_recent list holds before the oldest is dropped (the module's `ip_list_tot`, 100 by default). */
  recentListSize: number;
}

/** xt_recent's default `ip_list_tot`: addresses per list. */
export const DEFAULT_RECENT_LIST_SIZE = 100;


/** The result of a routing decision. */
export interface RouteDecision {
  kind: "local" | "unicast" | "blackhole" | "unreachable" | "prohibit" | "broadcast";
  /** Output interface (`lo` for local delivery). */
  dev: string | null;
  /** Next hop: the gateway, or the destination itself on a connected network. */
  nextHop: string | null;
  /** Source address the kernel would pick for a new local connection. */
  src: string | null;
  /** The route used, or null for a local address. */
  route: NodeRoute | null;
}

/** A node description problem: which field, and what was expected (`problems` holds each one by JSON path when a description is wrong). */
export class NodeContextError extends Error {
  constructor(message: string, readonly problems: ShapeProblem[] = []) {
    super(message);
  }
}

/** Refuse a node description: every problem, the first in the message. */
function refuse(file: string, problems: ShapeProblem[]): never {
  throw new NodeContextError(problemsText(file, problems), problems);
}

/** The kernel's network for a checked "a.b.c.d/len" (a plain address is a /32), or 0.0.0.0/0 for "default". */
function cidrOf(text: string): Cidr {
  if (text === "default") return makeCidr(0, 0);
  const [a, p] = text.split("/");
  return makeCidr(parseIPv4(a)!, prefixToMask(p === undefined ? 32 : Number(p)));
}

/** Connected routes the kernel adds for each interface address, unless listed already. */
function withConnectedRoutes(interfaces: NodeInterface[], routes: NodeRoute[]): NodeRoute[] {
  const out = [...routes];
  for (const iface of interfaces) {
    for (const a of iface.addresses) {
      if (a.prefix >= 32 || iface.name === "lo") continue;
      const dst = makeCidr(parseIPv4(a.address)!, prefixToMask(a.prefix));
      if (!out.some((r) => r.dst.address === dst.address && r.dst.prefix === dst.prefix && r.dev === iface.name))
        out.push({ dst, via: null, dev: iface.name, src: a.address, type: "unicast" });
    }
  }
  return out;
}

/** A node description as schemas/node.schema.json allows it (checked before it is read). */
interface NodeDescription {
  name?: string;
  interfaces: { name: string; addresses: (string | { address: string; scope?: AddressScope })[] }[];
  routes?: { dst: string; via?: string; dev?: string; src?: string; type?: NodeRoute["type"] }[];
  clusterCIDR?: string | null;
  podCIDR?: string | null;
  serviceCIDR?: string | null;
  peers?: { name?: string; address: string; podCIDR?: string | null }[];
  ipForward?: boolean;
  recentListSize?: number;
}

/**
 * One interface address of a node description: `"a.b.c.d/len"`, or `{ "address": "a.b.c.d/len", "scope": "link" }`
 * for an address whose scope is not global. Without a scope, 127.0.0.0/8 is `host` (the kernel gives loopback
 * addresses host scope) and any other address `global`, as `ip addr add` makes it.
 */
function readAddress(a: NodeDescription["interfaces"][number]["addresses"][number]): InterfaceAddress {
  const text = typeof a === "string" ? a : a.address;
  const [ip, p] = text.split("/");
  const scope = typeof a === "string" ? undefined : a.scope;
  return { address: ip, prefix: p === undefined ? 32 : Number(p), scope: scope ?? defaultScope(ip) };
}

/** The scope the kernel gives an address added without one. */
function defaultScope(ip: string): AddressScope {
  return parseIPv4(ip)! >>> 24 === 127 ? "host" : "global";
}

/** What the schema cannot say about routes: each names an interface of the node, and a unicast route has one. */
function routeProblems(d: NodeDescription): ShapeProblem[] {
  const names = new Set(d.interfaces.map((i) => i.name));
  const problems: ShapeProblem[] = [];
  (d.routes ?? []).forEach((r, n) => {
    if (r.dev !== undefined && !names.has(r.dev)) problems.push({ path: ["routes", n, "dev"], message: t("no interface called {}", JSON.stringify(r.dev)) });
    if ((r.type ?? "unicast") === "unicast" && r.dev === undefined) problems.push({ path: ["routes", n], message: t('a unicast route needs an output interface ("dev")') });
  });
  return problems;
}

/** Read the kit's documented node JSON (`kube-iptables-lab/node@1`, schemas/node.schema.json); throws NodeContextError naming each problem's path. */
export function loadNodeContext(json: unknown, file = "node.json"): NodeContext {
  const shape = shapeProblems("node", json);
  if (shape.length > 0) refuse(file, shape);
  const d = json as NodeDescription;
  const semantic = routeProblems(d);
  if (semantic.length > 0) refuse(file, semantic);
  const interfaces: NodeInterface[] = d.interfaces.map((i) => ({ name: i.name, addresses: i.addresses.map(readAddress) }));
  const routes: NodeRoute[] = (d.routes ?? []).map((r) => ({
    dst: cidrOf(r.dst), via: r.via ?? null, dev: r.dev ?? null, src: r.src ?? null, type: r.type ?? "unicast",
  }));
  const optCidr = (v: string | null | undefined) => (v === undefined || v === null ? null : cidrOf(v));
  return {
    name: d.name ?? "node",
    interfaces,
    routes: withConnectedRoutes(interfaces, routes),
    clusterCIDR: optCidr(d.clusterCIDR),
    podCIDR: optCidr(d.podCIDR),
    serviceCIDR: optCidr(d.serviceCIDR),
    peers: (d.peers ?? []).map((p, n) => ({ name: p.name ?? `peer${n}`, address: p.address, podCIDR: p.podCIDR ?? null })),
    ipForward: d.ipForward ?? true,
    recentListSize: d.recentListSize ?? DEFAULT_RECENT_LIST_SIZE,
  };
}

/** Check what `ip -j addr show` (`ipAddr`) or `ip -j route show` (`ipRoute`) printed; throws NodeContextError naming each problem's path. */
export function checkIpJson(kind: "ipAddr" | "ipRoute", json: unknown, file: string): void {
  const problems = shapeProblems(kind, json);
  if (problems.length > 0) refuse(file, problems);
}

type IpAddrEntry = { ifname: string; addr_info?: Record<string, unknown>[] };
type IpRouteEntry = { dst: string; gateway?: string; dev?: string; prefsrc?: string; type?: string };

/** Build the node JSON from `ip -j addr show` and `ip -j route show` output captured on a real node. */
export function nodeFromIpJson(addrJson: unknown, routeJson: unknown, name = "node", files = { addr: "ip -j addr", route: "ip -j route" }): Record<string, unknown> {
  checkIpJson("ipAddr", addrJson, files.addr);
  checkIpJson("ipRoute", routeJson, files.route);
  const interfaces = (addrJson as IpAddrEntry[]).map((i) => {
    const info = (i.addr_info ?? []).filter((a) => a.family === "inet");
    return {
      name: i.ifname,
      addresses: info.filter((a) => !a.secondary).concat(info.filter((a) => a.secondary)).map(addressEntry),
    };
  });
  const routes = (routeJson as IpRouteEntry[]).map((r) => {
    const route: Record<string, unknown> = { dst: r.dst };
    if (r.gateway) route.via = r.gateway;
    if (r.dev) route.dev = r.dev;
    if (r.prefsrc) route.src = r.prefsrc;
    if (r.type && r.type !== "unicast") route.type = r.type;
    return route;
  });
  return { format: "kube-iptables-lab/node@1", name, interfaces, routes };
}

/** An `ip -j addr` address as the node description writes it: a string, or an object when its scope is not the default one. */
function addressEntry(a: Record<string, unknown>): string | { address: string; scope: string } {
  const cidr = `${a.local}/${a.prefixlen}`;
  const scope = typeof a.scope === "string" ? a.scope : null;
  if (scope === null || typeof a.local !== "string" || parseIPv4(a.local) === null || scope === defaultScope(a.local)) return cidr;
  return { address: cidr, scope };
}

/** Every address of the node, as dotted quads. */
export function nodeAddresses(node: NodeContext): string[] {
  return node.interfaces.flatMap((i) => i.addresses.map((a) => a.address));
}

/**
 * The node's addresses and routes as numbers, with the routing decisions
 * already made, kept per node: a trace at scale asks the same few questions
 * thousands of times. Rebuilt when the node's interface or route lists are
 * replaced or change length; edit a node in place only before tracing on it.
 */
interface NodeFacts {
  node: NodeContext;
  interfaces: NodeInterface[];
  routes: NodeRoute[];
  size: number;
  /** Every address of every interface. */
  own: Set<number>;
  /** Networks of `lo` addresses wider than /32 (all of them are local). */
  loopback: { value: number; mask: number }[];
  /** Directed broadcast addresses of the interfaces' networks. */
  broadcast: Set<number>;
  routeNets: { value: number; mask: number; prefix: number; route: NodeRoute }[];
  decisions: Map<string, RouteDecision>;
  /** The global-scope addresses of each interface (the candidates of a source address), as numbers with their masks; and the node's first one. */
  globals: Map<string, { address: string; value: number; mask: number }[]>;
  firstGlobal: string | null;
}

const nodeFacts = new WeakMap<NodeContext, NodeFacts>();
/** Remembered routing decisions per node, at most (a trace meets few destinations; a long simulation may meet many). */
const MAX_REMEMBERED = 8192;

function factsOf(node: NodeContext): NodeFacts {
  const size = node.interfaces.reduce((n, i) => n + i.addresses.length, node.routes.length);
  let f = nodeFacts.get(node);
  if (f && f.interfaces === node.interfaces && f.routes === node.routes && f.size === size) return f;
  f = {
    node, interfaces: node.interfaces, routes: node.routes, size,
    own: new Set(), loopback: [], broadcast: new Set(), routeNets: [], decisions: new Map(), globals: new Map(), firstGlobal: null,
  };
  for (const i of node.interfaces) {
    // Only the first interface of a name is looked at (as interfaces.find picks it).
    const globals: { address: string; value: number; mask: number }[] | null = f.globals.has(i.name) ? null : [];
    if (globals) f.globals.set(i.name, globals);
    for (const a of i.addresses) {
      const v = parseIPv4(a.address)!;
      const mask = prefixToMask(a.prefix);
      if (isGlobal(a)) {
        globals?.push({ address: a.address, value: v, mask });
        f.firstGlobal ??= a.address;
      }
      f.own.add(v);
      if (i.name === "lo" && a.prefix < 32) f.loopback.push({ value: (v & mask) >>> 0, mask });
      if (a.prefix < 31) f.broadcast.add(((v & mask) | (~mask >>> 0)) >>> 0);
    }
  }
  for (const r of node.routes) {
    const mask = parseIPv4(r.dst.mask)!;
    f.routeNets.push({ value: (parseIPv4(r.dst.address)! & mask) >>> 0, mask, prefix: r.dst.prefix ?? 0, route: r });
  }
  nodeFacts.set(node, f);
  return f;
}

function remember<K, T>(map: Map<K, T>, key: K, value: T): T {
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
  return value;
}

function isLocalValue(f: NodeFacts, v: number): boolean {
  if (v >>> 24 === 127 || f.own.has(v)) return true;
  return f.loopback.some((n) => ((v & n.mask) >>> 0) === n.value);
}

/** Whether `ip` is one of the node's own addresses (including all of 127.0.0.0/8). */
export function isLocalAddress(node: NodeContext, ip: string): boolean {
  const v = parseIPv4(ip);
  return v !== null && isLocalValue(factsOf(node), v);
}

/** The address type `-m addrtype` sees for `ip` on this node. */
export function addressType(node: NodeContext, ip: string): "LOCAL" | "BROADCAST" | "MULTICAST" | "UNICAST" | "BLACKHOLE" | "UNREACHABLE" | "PROHIBIT" {
  const v = parseIPv4(ip)!;
  const f = factsOf(node);
  if (isLocalValue(f, v)) return "LOCAL";
  if (v === 0xffffffff || f.broadcast.has(v)) return "BROADCAST";
  if (v >>> 28 === 0xe) return "MULTICAST";
  const r = lookupRoute(node, ip);
  if (r.kind === "blackhole") return "BLACKHOLE";
  if (r.kind === "unreachable") return "UNREACHABLE";
  if (r.kind === "prohibit") return "PROHIBIT";
  return "UNICAST";
}

/** The kernel's routing decision for `dst` (longest prefix wins; local addresses first). The answer is shared: do not change it. */
export function lookupRoute(node: NodeContext, dst: string): RouteDecision {
  return routeIn(factsOf(node), dst);
}

/** A node's routing decisions, checked against the node once: a trace takes them once and asks them many times. */
export type NodeRoutes = Readonly<Pick<NodeFacts, "node">>;

/** The routing decisions of a node (see routeIn). */
export function nodeRoutes(node: NodeContext): NodeRoutes {
  return factsOf(node);
}

/** lookupRoute on decisions taken from nodeRoutes: the same answer, without checking the node again. */
export function routeIn(routes: NodeRoutes, dst: string): RouteDecision {
  const f = routes as NodeFacts;
  return f.decisions.get(dst) ?? remember(f.decisions, dst, decideRoute(f, dst));
}

/** routeIn's answer made anew, not remembered: for a caller that keeps the decisions it needs itself. */
export function decideRouteIn(routes: NodeRoutes, dst: string): RouteDecision {
  return decideRoute(routes as NodeFacts, dst);
}

function decideRoute(f: NodeFacts, dst: string): RouteDecision {
  const v = parseIPv4(dst)!;
  if (isLocalValue(f, v)) return { kind: "local", dev: "lo", nextHop: dst, src: dst, route: null };
  let best: NodeFacts["routeNets"][number] | null = null;
  for (const r of f.routeNets) {
    if (((v & r.mask) >>> 0) !== r.value) continue;
    if (!best || r.prefix > best.prefix) best = r;
  }
  if (!best) return { kind: "unreachable", dev: null, nextHop: null, src: null, route: null };
  const route = best.route;
  if (route.type !== "unicast") return { kind: route.type === "local" ? "local" : route.type, dev: route.dev, nextHop: null, src: route.src, route };
  const nextHop = route.via ?? dst;
  return { kind: "unicast", dev: route.dev, nextHop, src: route.src ?? chooseAddress(f, route.dev!, nextHop), route };
}

/**
 * The source address MASQUERADE (and a new local connection without a
 * route `src`) takes on `dev`, as the kernel's inet_select_addr with scope
 * "universe" chooses it: among the interface's addresses of global scope
 * (link- and host-scope ones are skipped), the first in the same subnet as
 * the next hop, else the first; when the interface has none, the first
 * global address of any interface in device order. So a packet
 * masqueraded out of `lo` (127.0.0.0/8 has host scope) takes eth0's
 * address, and so does one leaving a pod-facing link that holds only a
 * 169.254.x.x/32 of scope link.
 */
export function selectAddress(node: NodeContext, dev: string, nextHop: string | null): string | null {
  return chooseAddress(factsOf(node), dev, nextHop);
}

/** selectAddress on the facts taken from nodeRoutes. */
export function selectAddressIn(routes: NodeRoutes, dev: string, nextHop: string | null): string | null {
  return chooseAddress(routes as NodeFacts, dev, nextHop);
}

function isGlobal(a: InterfaceAddress): boolean {
  // Read without a scope (a description built in code): 127.0.0.0/8 is host scope, anything else global.
  return (a.scope ?? defaultScope(a.address)) === "global";
}

function chooseAddress(f: NodeFacts, dev: string, nextHop: string | null): string | null {
  const own = f.globals.get(dev);
  if (own === undefined || own.length === 0) return f.firstGlobal;
  if (nextHop) {
    const nh = parseIPv4(nextHop)!;
    const same = own.find((a) => ((a.value ^ nh) & a.mask) === 0);
    if (same) return same.address;
  }
  return own[0].address;
}

/** Where a packet from `src` enters the node, inferred from the routes: `local` for the node's own addresses. */
export function inferOrigin(node: NodeContext, src: string): { local: true } | { local: false; interface: string } {
  if (isLocalAddress(node, src)) return { local: true };
  const r = lookupRoute(node, src);
  if (!r.dev) throw new NodeContextError(`no route back to ${src}: cannot tell which interface it arrives on; give --in IFACE`);
  return { local: false, interface: r.dev };
}

