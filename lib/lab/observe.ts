/**
 * Reading back what the kernel did: which rules' packet counters moved
 * (mapped to lines of OUR parse of the dump by table, chain and position,
 * never by text, since iptables 1.8.9 may print a rule differently from the
 * 1.4.21 that saved the dump), and what the xt_recent lists hold.
 */
import type { Dump, TableName } from "../model/dump.js";
import { findChain, findTable } from "../model/predicates.js";
import { LabError } from "./netns.js";

/** Packet counters of each chain's rules, in order, as `iptables-save -c` printed them. */
export type SavedCounters = Map<string, bigint[]>;

/** Read the rule counters of one table from `iptables-save -c` output. */
export function parseSavedCounters(saved: string, table: TableName): SavedCounters {
  const out: SavedCounters = new Map();
  let inTable = false;
  let seen = false;
  for (const raw of saved.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("*")) {
      inTable = line.slice(1) === table;
      if (inTable) seen = true;
      continue;
    }
    if (!inTable) continue;
    if (line === "COMMIT") {
      inTable = false;
      continue;
    }
    const decl = /^:(\S+)\s/.exec(line);
    if (decl) {
      if (!out.has(decl[1])) out.set(decl[1], []);
      continue;
    }
    const rule = /^\[(\d+):(\d+)\]\s+-A\s+(\S+)(?:\s|$)/.exec(line);
    if (rule) {
      const list = out.get(rule[3]) ?? [];
      list.push(BigInt(rule[1]));
      out.set(rule[3], list);
      continue;
    }
    if (/^-A\s/.test(line)) throw new LabError(`iptables-save output has a rule without counters (was -c given?): ${line}`);
  }
  if (!seen) throw new LabError(`iptables-save output has no *${table} table`);
  return out;
}

/** A rule whose packet counter moved. */
export interface CountedRule {
  /** Line in our parse of the dump. */
  line: number;
  table: TableName;
  chain: string;
  /** Position in its chain, from 0. */
  index: number;
  packets: number;
}

/**
 * Map counters to rules of the dump by (table, chain, index in chain) and
 * keep those that counted packets. Fails when the kernel's chains do not
 * have the same rules as the parse (then the mapping would be meaningless).
 */
export function countedRules(counters: SavedCounters, dump: Dump, table: TableName): CountedRule[] {
  const t = findTable(dump, table);
  if (!t) throw new LabError(`the dump has no ${table} table`);
  const out: CountedRule[] = [];
  for (const chain of t.chains) {
    const kernel = counters.get(chain.name);
    if (!kernel) throw new LabError(`the kernel's ${table} table has no chain ${chain.name}`);
    if (kernel.length !== chain.rules.length)
      throw new LabError(`${table} ${chain.name}: the kernel has ${kernel.length} rules, the dump ${chain.rules.length}`);
    kernel.forEach((packets, index) => {
      if (packets > 0n) out.push({ line: chain.rules[index].line, table, chain: chain.name, index, packets: Number(packets) });
    });
  }
  for (const name of counters.keys()) {
    if (!findChain(t, name)) throw new LabError(`the kernel's ${table} table has a chain ${name} the dump does not declare`);
  }
  return out.sort((a, b) => a.line - b.line);
}

/** One address in an xt_recent list as /proc/net/xt_recent/NAME shows it. */
export interface KernelRecentEntry {
  address: string;
  ttl: number;
  /** Time stamps kept (the module keeps at most ip_pkt_list_tot, 20 by default). */
  hits: number;
  /** Last time seen, in jiffies. */
  lastSeen: number;
}

/** Parse the text of /proc/net/xt_recent/NAME. */
export function parseProcRecent(text: string): KernelRecentEntry[] {
  const out: KernelRecentEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^src=(\S+) ttl: (\d+) last_seen: (\d+) oldest_pkt: (\d+)\s*(.*)$/.exec(line);
    if (!m) throw new LabError(`unexpected line in an xt_recent list: ${line}`);
    const stamps = m[5].split(",").map((s) => s.trim()).filter((s) => s !== "");
    out.push({ address: m[1], ttl: Number(m[2]), lastSeen: Number(m[3]), hits: stamps.length });
  }
  return out;
}

/** Lists by name; only non-empty lists are kept. */
export type KernelRecentLists = Record<string, KernelRecentEntry[]>;

/** Parse every list's file text (name -> text), dropping empty lists. */
export function parseRecentFiles(files: Record<string, string>): KernelRecentLists {
  const out: KernelRecentLists = {};
  for (const name of Object.keys(files).sort()) {
    const entries = parseProcRecent(files[name]);
    if (entries.length) out[name] = entries.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
  return out;
}
