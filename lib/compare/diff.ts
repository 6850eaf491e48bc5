/**
 * Compares two dumps: which Services appeared, disappeared or changed (and
 * for a changed one, every endpoint's exact probability before and after),
 * plus the rule-level differences that produced it, chain by chain.
 */
import type { Dump, Rule, TableName } from "../model/dump.js";
import { formatRule } from "../format/format.js";
import { equals, ZERO, type Fraction } from "../math/fraction.js";
import { services, type KubeService } from "../services/catalog.js";

/** One endpoint's share of new clients before and after (ZERO when absent on that side). */
export interface EndpointChange {
  endpoint: string;
  before: Fraction;
  after: Fraction;
}

/** A Service port present in both dumps whose programming differs. */
export interface ServiceChange {
  key: string;
  before: KubeService;
  after: KubeService;
  /** What changed, in words (`endpoints`, `clusterIP`, `nodePort`, `affinity`, `chain`, ...). */
  fields: string[];
  endpoints: EndpointChange[];
}

/** Rules present on one side only, per chain. */
export interface ChainDiff {
  table: TableName;
  chain: string;
  /** Rules only in the old dump, with their old line numbers. */
  removed: { line: number; text: string }[];
  /** Rules only in the new dump, with their new line numbers. */
  added: { line: number; text: string }[];
}

/** The whole comparison. */
export interface DumpDiff {
  added: KubeService[];
  removed: KubeService[];
  changed: ServiceChange[];
  /** Service ports present and identical in both. */
  unchanged: number;
  rules: ChainDiff[];
}

/**
 * A Service port's identity across kube-proxy versions: namespace, name,
 * port name and protocol (2018 wrote an unnamed port as `ns/name:`, today
 * `ns/name`). Without comments the chain name is all there is.
 */
export function serviceKey(s: KubeService): string {
  if (s.namespace === null || s.name === null) return `${s.chain}/${s.protocol}`;
  return `${s.namespace}/${s.name}${s.portName ? `:${s.portName}` : ""}/${s.protocol}`;
}

function endpointKey(e: { ip: string; port: number }): string {
  return `${e.ip}:${e.port}`;
}

function compareServices(a: KubeService, b: KubeService): ServiceChange | null {
  const fields: string[] = [];
  if (a.clusterIP !== b.clusterIP || a.port !== b.port) fields.push("clusterIP");
  if (a.nodePort !== b.nodePort) fields.push("nodePort");
  if ((a.affinity?.timeoutSeconds ?? null) !== (b.affinity?.timeoutSeconds ?? null)) fields.push("affinity");
  if (a.chain !== b.chain) fields.push("chain");
  const keys = [...new Set([...a.endpoints.map(endpointKey), ...b.endpoints.map(endpointKey)])].sort();
  const endpoints = keys.map((k) => ({
    endpoint: k,
    before: a.endpoints.find((e) => endpointKey(e) === k)?.probability ?? ZERO,
    after: b.endpoints.find((e) => endpointKey(e) === k)?.probability ?? ZERO,
  }));
  const endpointSet = (s: KubeService) => s.endpoints.map(endpointKey).sort().join(",");
  if (endpointSet(a) !== endpointSet(b)) fields.push("endpoints");
  else if (endpoints.some((e) => !equals(e.before, e.after))) fields.push("probabilities");
  return fields.length === 0 ? null : { key: serviceKey(a), before: a, after: b, fields, endpoints };
}

/** Rules of a chain as comparable text (the canonical printed form, without counters). */
function ruleTexts(rules: Rule[]): { line: number; text: string }[] {
  return rules.map((r) => ({ line: r.line, text: formatRule({ ...r, counters: null }) }));
}

/** Order-preserving difference of two rule lists: common prefix and suffix, then a multiset difference of the middle. */
function diffRules(a: { line: number; text: string }[], b: { line: number; text: string }[]): { removed: typeof a; added: typeof b } {
  let start = 0;
  while (start < a.length && start < b.length && a[start].text === b[start].text) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1].text === b[endB - 1].text) {
    endA--;
    endB--;
  }
  const middleA = a.slice(start, endA), middleB = b.slice(start, endB);
  return { removed: without(middleA, middleB), added: without(middleB, middleA) };
}

/** The rules of `list` left after taking out one rule of the same text for each rule of `other` (a multiset difference, in order). */
function without(list: { line: number; text: string }[], other: { line: number; text: string }[]): { line: number; text: string }[] {
  const count = new Map<string, number>();
  for (const r of other) count.set(r.text, (count.get(r.text) ?? 0) + 1);
  return list.filter((r) => {
    const n = count.get(r.text) ?? 0;
    if (n === 0) return true;
    count.set(r.text, n - 1);
    return false;
  });
}

/** Compare two dumps: Services and their exact splits, and the rules behind the differences. */
export function diffDumps(before: Dump, after: Dump): DumpDiff {
  const a = new Map(services(before).map((s) => [serviceKey(s), s]));
  const b = new Map(services(after).map((s) => [serviceKey(s), s]));
  const added = [...b.entries()].filter(([k]) => !a.has(k)).map(([, s]) => s);
  const removed = [...a.entries()].filter(([k]) => !b.has(k)).map(([, s]) => s);
  const changed: ServiceChange[] = [];
  let unchanged = 0;
  for (const [k, s] of a) {
    const t = b.get(k);
    if (!t) continue;
    const c = compareServices(s, t);
    if (c) changed.push(c);
    else unchanged++;
  }
  const rules: ChainDiff[] = [];
  const tables = [...new Set([...before.tables.map((t) => t.name), ...after.tables.map((t) => t.name)])];
  for (const name of tables) {
    const ta = before.tables.find((t) => t.name === name);
    const tb = after.tables.find((t) => t.name === name);
    const chains = [...new Set([...(ta?.chains ?? []).map((c) => c.name), ...(tb?.chains ?? []).map((c) => c.name)])];
    for (const chain of chains) {
      const ra = ruleTexts(ta?.chains.find((c) => c.name === chain)?.rules ?? []);
      const rb = ruleTexts(tb?.chains.find((c) => c.name === chain)?.rules ?? []);
      const d = diffRules(ra, rb);
      if (d.removed.length || d.added.length) rules.push({ table: name, chain, ...d });
    }
  }
  const byKey = (x: KubeService, y: KubeService) => (serviceKey(x) < serviceKey(y) ? -1 : 1);
  return { added: added.sort(byKey), removed: removed.sort(byKey), changed: changed.sort((x, y) => (x.key < y.key ? -1 : 1)), unchanged, rules };
}
