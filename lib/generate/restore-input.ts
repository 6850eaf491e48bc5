/**
 * What today's kube-proxy (iptables mode, Kubernetes 1.29 and later) hands
 * to `iptables-restore`, written the way its syncProxyRules writes it
 * (pkg/proxy/iptables/proxier.go): its option order (`-m comment` first,
 * `-m tcp -p tcp -d IP --dport N`, `! -s CIDR` last), bare comments for
 * `ns/name:port`, `--or-mark`/`--xor-mark`, 10-decimal probabilities,
 * `-m recent --name X --rcheck --seconds S --reap`, KUBE-EXT for external
 * traffic, KUBE-SVL for the `Local` traffic policies, KUBE-FW for
 * loadBalancerSourceRanges, and filter REJECT/DROP rules for Services
 * without (local) endpoints.
 *
 * kube-proxy's own input covers only its chains (it runs
 * `iptables-restore --noflush`); the jumps from the built-in chains and the
 * canary chains it makes with single iptables commands, and kubelet and the
 * CNI plugin (flannel here) add theirs. `kubeProxyRestoreInput` writes all of
 * that as one file for a plain `iptables-restore` into an empty network
 * namespace, each program's rules with that program's argument order, so that
 * `iptables-save` afterwards prints what a node shows. Services come out in
 * the order given (kube-proxy iterates a Go map, so any order is faithful).
 * kube-proxy's nfacct counters are taken as unavailable (it then writes no
 * `-m nfacct` rules), nf_conntrack_tcp_be_liberal as off (it then drops
 * `--ctstate INVALID` in KUBE-FORWARD), and localhost NodePorts as enabled
 * with the default --nodeport-addresses.
 */
import { cidrContains, makeCidr, parseIPv4, prefixToMask } from "../model/address.js";
import { endpointChainName, serviceChainName } from "../services/chain-names.js";
import { kubeProxyProbability } from "./probability.js";

/** One endpoint of a Service port as kube-proxy sees it (ready). */
export interface RestoreInputEndpoint {
  ip: string;
  port: number;
  /** Whether the endpoint's pod runs on this node (its EndpointSlice names this node). */
  local: boolean;
}

/** One Service port. */
export interface RestoreInputService {
  namespace: string;
  name: string;
  /** `""` for an unnamed port. */
  portName: string;
  protocol: "tcp" | "udp" | "sctp";
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs?: string[];
  /** status.loadBalancer.ingress IPs. */
  loadBalancerIPs?: string[];
  loadBalancerSourceRanges?: string[];
  externalTrafficPolicy?: "Cluster" | "Local";
  internalTrafficPolicy?: "Cluster" | "Local";
  /** Allocated for LoadBalancer Services with externalTrafficPolicy Local. */
  healthCheckNodePort?: number;
  /** sessionAffinity ClientIP with this timeoutSeconds. */
  affinitySeconds?: number;
  endpoints: RestoreInputEndpoint[];
}

/** The node and the cluster's networks. */
export interface RestoreInputNode {
  /** kube-proxy's --cluster-cidr (its local-traffic detector: `! -s CIDR` means "not from a pod"). */
  clusterCIDR: string;
  /** This node's pod subnet (flannel's lease). */
  podCIDR: string;
  /** The node's primary address (loadBalancerSourceRanges that contain it also admit the load balancer's own IPs). */
  nodeIP: string;
  /** The Service networks (ServiceCIDR objects); the nftables mode drops traffic to their unallocated addresses. */
  serviceCIDRs?: string[];
}

/** Everything the input is written from. */
export interface RestoreInputSpec {
  node: RestoreInputNode;
  services: RestoreInputService[];
  /** Add flannel's FLANNEL-POSTRTG and FLANNEL-FWD rules (default true). */
  flannel?: boolean;
  /** Lines of `# ...` put at the top. */
  header?: string[];
}

const MASQ = "0x4000";

/** Go's `%q`-free quoting kube-proxy uses: it writes `"..."` itself around comments with spaces, bare words otherwise. */
function quoted(text: string): string {
  return `"${text}"`;
}

/** The service port name as kube-proxy prints it: `ns/name:port`, `ns/name` for an unnamed port. */
export function servicePortName(s: { namespace: string; name: string; portName: string }): string {
  return s.portName === "" ? `${s.namespace}/${s.name}` : `${s.namespace}/${s.name}:${s.portName}`;
}

function byEndpoint(a: RestoreInputEndpoint, b: RestoreInputEndpoint): number {
  const x = `${a.ip}:${a.port}`, y = `${b.ip}:${b.port}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether an IPv4 network (`a.b.c.d/n`, or one address) holds ip. */
export function containsIP(cidr: string, ip: string): boolean {
  const [a, p] = cidr.split("/");
  const addr = parseIPv4(a ?? "");
  const prefix = p === undefined ? 32 : Number(p);
  if (addr === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new RangeError(`not an IPv4 network: '${cidr}'`);
  return cidrContains(makeCidr(addr, prefixToMask(prefix)), ip);
}

/** Which endpoints a Service port's rules use, as kube-proxy's CategorizeEndpoints decides from its traffic policies. */
export interface EndpointSets {
  /** Sorted as `ip:port` text, as kube-proxy sorts them. */
  endpoints: RestoreInputEndpoint[];
  externallyAccessible: boolean;
  externalLocal: boolean;
  internalLocal: boolean;
  /** Endpoints of the Cluster policy (empty when no traffic uses it). */
  clusterEndpoints: RestoreInputEndpoint[];
  /** Endpoints of the Local policy (empty when no traffic uses it). */
  localEndpoints: RestoreInputEndpoint[];
  /** Every endpoint some traffic can reach from this node: each gets an endpoint chain. */
  reachable: RestoreInputEndpoint[];
  hasEndpoints: boolean;
}

/** The endpoint sets of one Service port (shared by the iptables and nftables writers). */
export function endpointSets(svc: RestoreInputService): EndpointSets {
  const endpoints = [...svc.endpoints].sort(byEndpoint);
  const externallyAccessible = (svc.nodePort ?? 0) !== 0 || (svc.externalIPs ?? []).length > 0 || (svc.loadBalancerIPs ?? []).length > 0;
  const externalLocal = externallyAccessible && svc.externalTrafficPolicy === "Local";
  const internalLocal = svc.internalTrafficPolicy === "Local";
  const usesClusterEndpoints = !internalLocal || externallyAccessible;
  const usesLocalEndpoints = internalLocal || externalLocal;
  const clusterEndpoints = usesClusterEndpoints ? endpoints : [];
  const localEndpoints = usesLocalEndpoints ? endpoints.filter((e) => e.local) : [];
  let reachable = clusterEndpoints;
  if (usesLocalEndpoints) {
    if (clusterEndpoints.length === 0) reachable = localEndpoints;
    else if (localEndpoints.length > 0) {
      const seen = new Set(clusterEndpoints.map((e) => `${e.ip}:${e.port}`));
      reachable = [...clusterEndpoints, ...localEndpoints.filter((e) => !seen.has(`${e.ip}:${e.port}`))];
    }
  }
  return { endpoints, externallyAccessible, externalLocal, internalLocal, clusterEndpoints, localEndpoints, reachable, hasEndpoints: endpoints.length > 0 };
}

/** kube-proxy's part: the `*filter` and `*nat` blocks of one full sync, as syncProxyRules writes them. */
export function kubeProxySyncInput(spec: RestoreInputSpec): { filter: string[]; nat: string[] } {
  const filterChains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"].map((c) => `:${c} - [0:0]`);
  const natChains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"].map((c) => `:${c} - [0:0]`);
  const filterRules: string[] = [];
  const natRules: string[] = [];
  const cluster = spec.node.clusterCIDR;

  natRules.push(`-A KUBE-POSTROUTING -m mark ! --mark ${MASQ}/${MASQ} -j RETURN`);
  natRules.push(`-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ}`);
  natRules.push(`-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully`);
  natRules.push(`-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ}`);
  // Localhost NodePorts are on (the default): kube-proxy keeps its copy of kubelet's martian-packet rule.
  filterChains.push(":KUBE-FIREWALL - [0:0]");
  filterRules.push(`-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`);

  for (const svc of spec.services) {
    const name = servicePortName(svc);
    const proto = svc.protocol;
    const hash = (prefix: string) => serviceChainName(name, proto, prefix);
    const externalIPs = svc.externalIPs ?? [];
    const lbIPs = svc.loadBalancerIPs ?? [];
    const ranges = svc.loadBalancerSourceRanges ?? [];
    const nodePort = svc.nodePort ?? 0;
    const {
      externallyAccessible, externalLocal, internalLocal, clusterEndpoints, localEndpoints, reachable, hasEndpoints,
    } = endpointSets(svc);

    const clusterPolicyChain = hash("KUBE-SVC-");
    const usesClusterPolicyChain = clusterEndpoints.length > 0;
    const localPolicyChain = hash("KUBE-SVL-");
    const usesLocalPolicyChain = localEndpoints.length > 0;
    const internalTrafficChain = internalLocal ? localPolicyChain : clusterPolicyChain;
    const hasInternalEndpoints = hasEndpoints && (!internalLocal || localEndpoints.length > 0);
    const externalPolicyChain = externalLocal ? localPolicyChain : clusterPolicyChain;
    const hasExternalEndpoints = hasEndpoints && (!externalLocal || localEndpoints.length > 0);
    const externalTrafficChain = hash("KUBE-EXT-");
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible;
    const fwChain = hash("KUBE-FW-");
    const usesFWChain = hasEndpoints && lbIPs.length > 0 && ranges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

    let internalFilterTarget = "", internalFilterComment = "", externalFilterTarget = "", externalFilterComment = "";
    if (!hasEndpoints) {
      internalFilterTarget = externalFilterTarget = "REJECT";
      internalFilterComment = externalFilterComment = quoted(`${name} has no endpoints`);
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = "DROP";
        internalFilterComment = quoted(`${name} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = "DROP";
        externalFilterComment = quoted(`${name} has no local endpoints`);
      }
    }
    const match = `-m ${proto} -p ${proto}`;
    const dport = `--dport ${svc.port}`;

    if (hasInternalEndpoints) {
      natRules.push(`-A KUBE-SERVICES -m comment --comment ${quoted(`${name} cluster IP`)} ${match} -d ${svc.clusterIP} ${dport} -j ${internalTrafficChain}`);
    } else {
      filterRules.push(`-A KUBE-SERVICES -m comment --comment ${internalFilterComment} ${match} -d ${svc.clusterIP} ${dport} -j ${internalFilterTarget}`);
    }
    for (const ip of externalIPs) {
      if (hasEndpoints) natRules.push(`-A KUBE-SERVICES -m comment --comment ${quoted(`${name} external IP`)} ${match} -d ${ip} ${dport} -j ${externalTrafficChain}`);
      if (!hasExternalEndpoints) filterRules.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${match} -d ${ip} ${dport} -j ${externalFilterTarget}`);
    }
    for (const ip of lbIPs) {
      if (hasEndpoints) natRules.push(`-A KUBE-SERVICES -m comment --comment ${quoted(`${name} loadbalancer IP`)} ${match} -d ${ip} ${dport} -j ${loadBalancerTrafficChain}`);
      if (usesFWChain) filterRules.push(`-A KUBE-PROXY-FIREWALL -m comment --comment ${quoted(`${name} traffic not accepted by ${fwChain}`)} ${match} -d ${ip} ${dport} -j DROP`);
    }
    if (!hasExternalEndpoints) {
      for (const ip of lbIPs) filterRules.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${match} -d ${ip} ${dport} -j ${externalFilterTarget}`);
    }
    if (nodePort !== 0) {
      if (hasEndpoints) natRules.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${match} --dport ${nodePort} -j ${externalTrafficChain}`);
      if (!hasExternalEndpoints) filterRules.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} -m addrtype --dst-type LOCAL ${match} --dport ${nodePort} -j ${externalFilterTarget}`);
    }
    if (svc.healthCheckNodePort) {
      filterRules.push(`-A KUBE-NODEPORTS -m comment --comment ${quoted(`${name} health check node port`)} -m tcp -p tcp --dport ${svc.healthCheckNodePort} -j ACCEPT`);
    }

    if (hasInternalEndpoints) {
      natRules.push(`-A ${internalTrafficChain} -m comment --comment ${quoted(`${name} cluster IP`)} ${match} -d ${svc.clusterIP} ${dport} ! -s ${cluster} -j KUBE-MARK-MASQ`);
    }
    if (usesExternalTrafficChain) {
      natChains.push(`:${externalTrafficChain} - [0:0]`);
      if (!externalLocal) {
        natRules.push(`-A ${externalTrafficChain} -m comment --comment ${quoted(`masquerade traffic for ${name} external destinations`)} -j KUBE-MARK-MASQ`);
      } else {
        natRules.push(`-A ${externalTrafficChain} -m comment --comment ${quoted(`pod traffic for ${name} external destinations`)} -s ${cluster} -j ${clusterPolicyChain}`);
        natRules.push(`-A ${externalTrafficChain} -m comment --comment ${quoted(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
        natRules.push(`-A ${externalTrafficChain} -m comment --comment ${quoted(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`);
      }
      if (hasExternalEndpoints) natRules.push(`-A ${externalTrafficChain} -j ${externalPolicyChain}`);
    }
    if (usesFWChain) {
      natChains.push(`:${fwChain} - [0:0]`);
      const head = `-A ${fwChain} -m comment --comment ${quoted(`${name} loadbalancer IP`)}`;
      let allowFromNode = false;
      for (const cidr of ranges) {
        natRules.push(`${head} -s ${cidr} -j ${externalTrafficChain}`);
        if (containsIP(cidr, spec.node.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode) for (const ip of lbIPs) natRules.push(`${head} -s ${ip} -j ${externalTrafficChain}`);
      natRules.push(`-A ${fwChain} -m comment --comment ${quoted(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)}`);
    }
    const toEndpoints = (chain: string, list: RestoreInputEndpoint[]) => {
      if (svc.affinitySeconds !== undefined) {
        for (const e of list) {
          const sep = endpointChainName(name, proto, `${e.ip}:${e.port}`);
          natRules.push(`-A ${chain} -m comment --comment ${quoted(`${name} -> ${e.ip}:${e.port}`)} -m recent --name ${sep} --rcheck --seconds ${svc.affinitySeconds} --reap -j ${sep}`);
        }
      }
      list.forEach((e, i) => {
        const sep = endpointChainName(name, proto, `${e.ip}:${e.port}`);
        const stat = i < list.length - 1 ? ` -m statistic --mode random --probability ${kubeProxyProbability(list.length - i, "modern")}` : "";
        natRules.push(`-A ${chain} -m comment --comment ${quoted(`${name} -> ${e.ip}:${e.port}`)}${stat} -j ${sep}`);
      });
    };
    if (usesClusterPolicyChain) {
      natChains.push(`:${clusterPolicyChain} - [0:0]`);
      toEndpoints(clusterPolicyChain, clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      natChains.push(`:${localPolicyChain} - [0:0]`);
      toEndpoints(localPolicyChain, localEndpoints);
    }
    for (const e of reachable) {
      const sep = endpointChainName(name, proto, `${e.ip}:${e.port}`);
      natChains.push(`:${sep} - [0:0]`);
      natRules.push(`-A ${sep} -m comment --comment ${name} -s ${e.ip} -j KUBE-MARK-MASQ`);
      const recent = svc.affinitySeconds !== undefined ? ` -m recent --name ${sep} --set` : "";
      natRules.push(`-A ${sep} -m comment --comment ${name}${recent} ${match} -j DNAT --to-destination ${e.ip}:${e.port}`);
    }
  }

  natRules.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  filterRules.push("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
  filterRules.push(`-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ}/${MASQ} -j ACCEPT`);
  filterRules.push(`-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  return { filter: [...filterChains, ...filterRules], nat: [...natChains, ...natRules] };
}

const KUBE_PROXY_MARK = "# ---- kube-proxy: syncProxyRules' iptables-restore --noflush input ----";
const BUILTIN_MARK = "# ---- the built-in chains, as the single iptables commands leave them (after the chains they jump to exist) ----";

/**
 * The whole node's input for one `iptables-restore` into an empty namespace,
 * per table: the chains of kubelet, kube-proxy's canary and flannel (with
 * flannel's rules), kube-proxy's sync input unchanged, then the rules of the
 * built-in chains as kubelet's and kube-proxy's `iptables -I` and flannel's
 * `iptables -A` leave them (last, because a restore file must declare a
 * chain before a rule jumps to it).
 */
export function kubeProxyRestoreInput(spec: RestoreInputSpec): string {
  const sync = kubeProxySyncInput(spec);
  const flannel = spec.flannel ?? true;
  const { clusterCIDR, podCIDR } = spec.node;
  const out: string[] = [...(spec.header ?? []).map((l) => (l === "" ? "#" : `# ${l}`))];

  out.push("*mangle");
  out.push("# kubelet: the hint chain (which iptables back end this node uses) and its canary");
  out.push(":KUBE-IPTABLES-HINT - [0:0]", ":KUBE-KUBELET-CANARY - [0:0]");
  out.push("# kube-proxy: its canary (iptables -N; recreated tables trigger a full resync)");
  out.push(":KUBE-PROXY-CANARY - [0:0]");
  out.push("COMMIT");

  out.push("*filter");
  out.push("# kubelet: its canary and KUBE-FIREWALL (iptables -N at start-up, before kube-proxy)");
  out.push(":KUBE-KUBELET-CANARY - [0:0]");
  out.push("# kube-proxy: its canary (iptables -N)");
  out.push(":KUBE-PROXY-CANARY - [0:0]");
  if (flannel) {
    out.push("# flannel: FLANNEL-FWD and its rules (iptables -N, -A)");
    out.push(":FLANNEL-FWD - [0:0]");
    out.push(`-A FLANNEL-FWD -s ${clusterCIDR} -m comment --comment "flanneld forward" -j ACCEPT`);
    out.push(`-A FLANNEL-FWD -d ${clusterCIDR} -m comment --comment "flanneld forward" -j ACCEPT`);
  }
  // One push per line: spreading a large cluster's lines into one call overflows the stack.
  out.push(KUBE_PROXY_MARK);
  for (const l of sync.filter) out.push(l);
  out.push(BUILTIN_MARK);
  out.push("# kubelet: -I INPUT/OUTPUT -j KUBE-FIREWALL; kube-proxy: -I of its jumps (when missing), so they end up first; flannel: -A FORWARD");
  const lbFirewall = `-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`;
  const external = `-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES`;
  const portals = `-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`;
  out.push(`-A INPUT ${lbFirewall}`);
  out.push(`-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS`);
  out.push(`-A INPUT ${external}`);
  out.push("-A INPUT -j KUBE-FIREWALL");
  out.push(`-A FORWARD ${lbFirewall}`);
  out.push(`-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD`);
  out.push(`-A FORWARD ${portals}`);
  out.push(`-A FORWARD ${external}`);
  if (flannel) out.push(`-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD`);
  out.push(`-A OUTPUT ${lbFirewall}`);
  out.push(`-A OUTPUT ${portals}`);
  out.push("-A OUTPUT -j KUBE-FIREWALL");
  out.push("COMMIT");

  out.push("*nat");
  out.push("# kubelet and kube-proxy: canaries (iptables -N)");
  out.push(":KUBE-KUBELET-CANARY - [0:0]", ":KUBE-PROXY-CANARY - [0:0]");
  if (flannel) {
    const c = `-m comment --comment "flanneld masq"`;
    out.push("# flannel: FLANNEL-POSTRTG and its rules (iptables -N, -A)", ":FLANNEL-POSTRTG - [0:0]");
    out.push(`-A FLANNEL-POSTRTG -m mark --mark ${MASQ}/${MASQ} ${c} -j RETURN`);
    out.push(`-A FLANNEL-POSTRTG -s ${podCIDR} -d ${clusterCIDR} ${c} -j RETURN`);
    out.push(`-A FLANNEL-POSTRTG -s ${clusterCIDR} -d ${podCIDR} ${c} -j RETURN`);
    out.push(`-A FLANNEL-POSTRTG ! -s ${clusterCIDR} -d ${podCIDR} ${c} -j RETURN`);
    out.push(`-A FLANNEL-POSTRTG -s ${clusterCIDR} ! -d 224.0.0.0/4 ${c} -j MASQUERADE --random-fully`);
    out.push(`-A FLANNEL-POSTRTG ! -s ${clusterCIDR} -d ${clusterCIDR} ${c} -j MASQUERADE --random-fully`);
  }
  out.push(KUBE_PROXY_MARK);
  for (const l of sync.nat) out.push(l);
  out.push(BUILTIN_MARK);
  out.push("# kube-proxy: -I of its jumps; flannel: -A POSTROUTING");
  out.push(`-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  out.push(`-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`);
  out.push(`-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING`);
  if (flannel) out.push(`-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG`);
  out.push("COMMIT");
  out.push("");
  return out.join("\n");
}

/** The nat chains of kube-proxy's own that every sync rewrites whole (they hold one rule per Service port, or a few). */
const ALWAYS_WRITTEN = new Set(["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]);

/** The chain a restore line declares (`:CHAIN - [0:0]`) or appends to (`-A CHAIN ...`). */
function lineChain(line: string): string {
  return line.startsWith(":") ? line.slice(1, line.indexOf(" ")) : line.split(" ", 2)[1] ?? "";
}

/**
 * kube-proxy's `iptables-restore --noflush` input for a partial sync after
 * the endpoints of `before` changed to those of `after` (same Service
 * port): the filter table and the top-level nat chains whole (KUBE-SERVICES
 * has a rule per Service port, so a partial sync still writes them all),
 * the Service's own chains, and the chains of endpoints that left declared
 * and deleted (`-X`). Every other Service's chains are left out, as
 * kube-proxy's minimal restores (Kubernetes 1.27 and later) do.
 */
export function kubeProxyPartialSyncInput(spec: RestoreInputSpec, before: RestoreInputService, after: RestoreInputService): string {
  const i = spec.services.indexOf(before);
  if (i < 0) throw new RangeError("kubeProxyPartialSyncInput: before must be one of spec.services");
  const services = spec.services.slice();
  services[i] = after;
  const { filter, nat } = kubeProxySyncInput({ ...spec, services });
  const name = servicePortName(after);
  const own = new Set(["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-"].map((p) => serviceChainName(name, after.protocol, p)));
  for (const e of endpointSets(after).reachable) own.add(endpointChainName(name, after.protocol, `${e.ip}:${e.port}`));
  const gone = endpointSets(before).reachable.map((e) => endpointChainName(name, before.protocol, `${e.ip}:${e.port}`)).filter((c) => !own.has(c));
  const natLines = nat.filter((l) => ALWAYS_WRITTEN.has(lineChain(l)) || own.has(lineChain(l)));
  const declared = natLines.filter((l) => l.startsWith(":"));
  const rules = natLines.filter((l) => !l.startsWith(":"));
  return [
    "*filter", ...filter, "COMMIT",
    "*nat", ...declared, ...gone.map((c) => `:${c} - [0:0]`), ...rules, ...gone.map((c) => `-X ${c}`), "COMMIT", "",
  ].join("\n");
}

/** kube-proxy's `iptables-restore --noflush` input for a full sync (its own chains only). */
export function kubeProxyFullSyncInput(spec: RestoreInputSpec): string {
  const { filter, nat } = kubeProxySyncInput(spec);
  return ["*filter", ...filter, "COMMIT", "*nat", ...nat, "COMMIT", ""].join("\n");
}
