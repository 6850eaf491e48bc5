/**
 * Recovers the Kubernetes Services from kube-proxy's nat chains: which
 * cluster IP and NodePort lead to which KUBE-SVC chain, which endpoints it
 * balances over with what exact probability, and whether it keeps ClientIP
 * affinity. The recovery follows the chain structure, so a dump whose
 * comments were stripped still works; comments only supply the names.
 */
import type { Chain, Dump, Rule, Table } from "../model/dump.js";
import type { KernelProbability } from "../model/matches.js";
import { findChain, findTable, ruleComment } from "../model/predicates.js";
import { ONE, ZERO, fraction, multiply, subtract, type Fraction } from "../math/fraction.js";
import { endpointChainName, serviceChainName } from "./chain-names.js";

/** One endpoint of a Service port, as its KUBE-SEP chain describes it. */
export interface KubeEndpoint {
  ip: string;
  port: number;
  /** The KUBE-SEP chain. */
  chain: string;
  /** Exact probability that a new client (no affinity entry yet) is sent here. */
  probability: Fraction;
  /** The statistic probability on this endpoint's rule, as printed and as the kernel keeps it; `null` for the rule that takes the rest. */
  ruleProbability: KernelProbability | null;
  /** Line of the KUBE-SVC rule that picks this endpoint at random (or unconditionally). */
  line: number | null;
  /** Line of the KUBE-SVC rule that sends returning clients here (ClientIP affinity). */
  affinityLine: number | null;
  /** Line of the DNAT rule in the KUBE-SEP chain. */
  dnatLine: number | null;
  /** Line of the hairpin rule (`-s <endpoint>/32 -j KUBE-MARK-MASQ`). */
  hairpinLine: number | null;
  /** The xt_recent list the KUBE-SEP chain records clients in, for affinity. */
  recentList: string | null;
}

/** A rule that marks a Service's packets for masquerading, and why. */
export interface MasqueradeRule {
  line: number;
  chain: string;
  /** `cluster-ip`: off-cluster source to the cluster IP; `node-port`: any NodePort traffic; `hairpin`: an endpoint calling its own Service; `service`: today's rule at the top of KUBE-SVC. */
  reason: "cluster-ip" | "node-port" | "hairpin" | "service";
}

/** One Service port as kube-proxy programmed it. */
export interface KubeService {
  /** kube-proxy's service port name, `namespace/name:port` (`default/wordpress-01-svc:` for an unnamed port), or the chain name when the dump has no comments. */
  id: string;
  namespace: string | null;
  name: string | null;
  /** Port name (`""` for an unnamed port); `null` when unknown. */
  portName: string | null;
  protocol: "tcp" | "udp" | "sctp";
  clusterIP: string | null;
  port: number | null;
  nodePort: number | null;
  /** The KUBE-SVC chain. */
  chain: string;
  endpoints: KubeEndpoint[];
  /** Exact probability that a new connection falls through every endpoint rule (0 for a well-formed chain). */
  fallThrough: Fraction;
  /** ClientIP session affinity, when the KUBE-SVC chain checks xt_recent lists. */
  affinity: { timeoutSeconds: number } | null;
  masquerade: MasqueradeRule[];
  /** Lines of the KUBE-SERVICES and KUBE-NODEPORTS rules that lead here. */
  entryLines: number[];
  /** Anything that does not fit kube-proxy's usual shape, such as a chain name that does not match its hash. */
  problems: string[];
}

const NOT_SERVICE = new Set(["KUBE-MARK-MASQ", "KUBE-MARK-DROP", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]);

interface Entry {
  kind: "cluster-ip" | "node-port";
  rule: Rule;
  /** The KUBE-EXT-/KUBE-FW- chain the entry rule jumps to on its way to the service chain, if any. */
  via: string | null;
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

/** The KUBE-MARK-MASQ rules of KUBE-SERVICES and KUBE-NODEPORTS by entryKey, found in one pass (not one pass per Service). */
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

/** Recover every Service port from a parsed dump. */
export function services(dump: Dump): KubeService[] {
  const nat = findTable(dump, "nat");
  if (!nat) return [];
  const entries = collectEntries(nat);
  const masq = masqueradeRules(nat);
  const names = new Set<string>(entries.keys());
  for (const c of nat.chains) if (c.name.startsWith("KUBE-SVC-")) names.add(c.name);
  const result: KubeService[] = [];
  for (const name of names) {
    const chain = findChain(nat, name);
    if (!chain) continue;
    result.push(describeService(nat, chain, entries.get(name) ?? [], masq));
  }
  return result.sort((a, b) => compare(a.id, b.id) || compare(a.protocol, b.protocol) || compare(a.chain, b.chain));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The service chain an entry rule leads to. Today's kube-proxy sends external
 * traffic (NodePorts, load balancers) through KUBE-EXT-/KUBE-FW- chains that
 * mark it for masquerading and then jump to KUBE-SVC- (or KUBE-SVL- for
 * `externalTrafficPolicy: Local`).
 */
function serviceTarget(nat: Table, target: string): { chain: string; via: string | null } {
  let chain = target;
  let via: string | null = null;
  for (let hops = 0; hops < 3 && /^KUBE-(EXT|FW)-/.test(chain); hops++) {
    const next = findChain(nat, chain)?.rules.map(jumpTarget).find((t) => t !== null && /^KUBE-(SVC|SVL|EXT)-/.test(t));
    if (!next) break;
    via ??= chain;
    chain = next;
  }
  return { chain, via };
}

function collectEntries(nat: Table): Map<string, Entry[]> {
  const entries = new Map<string, Entry[]>();
  const add = (target: string, e: Entry) => {
    const list = entries.get(target) ?? [];
    list.push(e);
    entries.set(target, list);
  };
  for (const [chainName, kind] of [["KUBE-SERVICES", "cluster-ip"], ["KUBE-NODEPORTS", "node-port"]] as const) {
    const chain = findChain(nat, chainName);
    if (!chain) continue;
    for (const rule of chain.rules) {
      const target = jumpTarget(rule);
      if (!target || NOT_SERVICE.has(target)) continue;
      const { chain: service, via } = serviceTarget(nat, target);
      add(service, {
        kind, rule, via, port: dport(rule), protocol: rule.ip.protocol?.value ?? null,
        ip: kind === "cluster-ip" && rule.ip.destination && rule.ip.destination.value.prefix === 32 ? rule.ip.destination.value.address : null,
      });
    }
  }
  return entries;
}

function describeService(nat: Table, chain: Chain, entries: Entry[], masq: Map<string, { rule: Rule; chain: string }[]>): KubeService {
  const problems: string[] = [];
  const masquerade: MasqueradeRule[] = [];
  const clusterEntry = entries.find((e) => e.kind === "cluster-ip");
  const nodeEntry = entries.find((e) => e.kind === "node-port");

  // Names come from comments when present: the service chain's, else its entry rules'.
  const comment = chain.rules.map(ruleComment).find((c) => c !== undefined) ?? entries.map((e) => ruleComment(e.rule)).find((c) => c !== undefined);
  const parsedName = comment ? parseServicePortName(comment) : null;

  // The KUBE-MARK-MASQ rules that go with each entry rule.
  for (const e of entries) {
    const from = e.kind === "cluster-ip" ? "KUBE-SERVICES" : "KUBE-NODEPORTS";
    for (const m of masq.get(`${from} ${entryKey(e.rule)}`) ?? []) masquerade.push({ line: m.rule.line, chain: m.chain, reason: e.kind });
    const via = e.via ? findChain(nat, e.via) : undefined;
    for (const r of via?.rules ?? []) if (jumpTarget(r) === "KUBE-MARK-MASQ") masquerade.push({ line: r.line, chain: via!.name, reason: e.kind });
  }

  const endpoints = new Map<string, KubeEndpoint>();
  const endpointFor = (sep: string): KubeEndpoint => {
    let ep = endpoints.get(sep);
    if (!ep) {
      ep = readEndpoint(nat, sep, problems, masquerade);
      endpoints.set(sep, ep);
    }
    return ep;
  };

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
      ep.affinityLine = rule.line;
      if (timeout !== null && timeout !== recent.seconds) problems.push(`line ${rule.line}: affinity timeout ${recent.seconds}s differs from ${timeout}s on another endpoint`);
      timeout = recent.seconds;
      if (ep.recentList !== null && ep.recentList !== recent.name) problems.push(`line ${rule.line}: checks list ${recent.name} but ${target} records clients in ${ep.recentList}`);
      continue;
    }
    const stat = rule.matches.find((m) => m.kind === "statistic");
    const ep = endpointFor(target);
    ep.line = rule.line;
    let p: Fraction = ONE;
    if (stat && stat.kind === "statistic") {
      if (stat.mode === "random") {
        p = fraction(stat.probability.kernel, 0x80000000);
        if (stat.invert) p = subtract(ONE, p);
        ep.ruleProbability = stat.probability;
      } else {
        p = fraction(1, stat.every);
        problems.push(`line ${rule.line}: nth mode picks every ${stat.every}th packet, not at random; shown as 1/${stat.every}`);
      }
    }
    ep.probability = multiply(remaining, p);
    remaining = multiply(remaining, subtract(ONE, p));
  }

  const protocol = (clusterEntry?.protocol ?? nodeEntry?.protocol ?? dnatProtocol(nat, [...endpoints.keys()]) ?? "tcp") as KubeService["protocol"];
  const id = parsedName?.id ?? chain.name;
  if (parsedName) {
    const expected = serviceChainName(parsedName.id, protocol, chain.name.slice(0, chain.name.lastIndexOf("-") + 1) || "KUBE-SVC-");
    if (chain.name.startsWith("KUBE-SVC-") && expected !== chain.name)
      problems.push(`chain ${chain.name} does not match its comment: kube-proxy names ${parsedName.id} (${protocol}) ${expected}`);
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
    fallThrough: remaining,
    affinity: timeout !== null ? { timeoutSeconds: timeout } : null,
    masquerade: masquerade.sort((a, b) => a.line - b.line),
    entryLines: entries.map((e) => e.rule.line).sort((a, b) => a - b),
    problems,
  };
}

function dnatProtocol(nat: Table, seps: string[]): string | null {
  for (const s of seps) for (const r of findChain(nat, s)?.rules ?? []) if (r.target?.kind === "DNAT" && r.ip.protocol) return r.ip.protocol.value;
  return null;
}

function readEndpoint(nat: Table, name: string, problems: string[], masquerade: MasqueradeRule[]): KubeEndpoint {
  const ep: KubeEndpoint = {
    ip: "", port: 0, chain: name, probability: ZERO, ruleProbability: null, line: null, affinityLine: null,
    dnatLine: null, hairpinLine: null, recentList: null,
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
