/**
 * What the kernel remembers between packets and connections: xt_recent
 * lists (ClientIP affinity), the conntrack table (NAT bindings), and the
 * packet counters `-m statistic --mode nth` reads. Values are replaced, not
 * mutated, so a branch of a trace can share state with its sibling.
 */
import type { Tuple } from "./packet.js";

/** One address in an xt_recent list. */
export interface RecentEntry {
  /** The recorded address (already masked). */
  address: string;
  /** Times it was seen, oldest first, in seconds; the kernel keeps the last 20. */
  stamps: number[];
  ttl: number;
}

/** xt_recent lists by name; each list's entries are in least-recently-updated order (the head is the oldest). */
export type RecentLists = ReadonlyMap<string, readonly RecentEntry[]>;

/** How many time stamps an entry keeps (the module's ip_pkt_list_tot). */
export const RECENT_STAMPS = 20;
/** How many entries a list keeps before dropping the oldest: xt_recent's default ip_list_tot (a node can set its own). */
export const RECENT_ENTRIES = 100;

/** A NAT binding recorded in conntrack. */
export interface ConntrackEntry {
  original: Tuple;
  /** The tuple replies carry (after NAT, reversed). */
  reply: Tuple;
  dnat: boolean;
  snat: boolean;
  /** Connection mark (CONNMARK). */
  mark: number;
  /** Time the connection was created and last seen, in seconds. */
  created: number;
  lastSeen: number;
}

/** What conntrack rewrites in a packet of a known connection at a nat hook: which address and port become what, and why. */
export interface RecordedNat {
  /** PREROUTING and OUTPUT rewrite the destination, INPUT and POSTROUTING the source. */
  side: "destination" | "source";
  address: string;
  port: number;
  why: string;
}

/**
 * The translation conntrack applies instead of the nat table (which only sees a connection's first packet):
 * the original direction repeats the recorded DNAT and SNAT, replies undo them; null when nothing applies here.
 */
export function recordedNat(c: ConntrackEntry, reply: boolean, hook: string): RecordedNat | null {
  const destination = hook === "PREROUTING" || hook === "OUTPUT";
  if (!reply && destination && c.dnat) return { side: "destination", address: c.reply.src, port: c.reply.sport, why: "the connection's recorded destination NAT" };
  if (!reply && !destination && c.snat) return { side: "source", address: c.reply.dst, port: c.reply.dport, why: "the connection's recorded source NAT" };
  if (reply && destination && c.snat) return { side: "destination", address: c.original.src, port: c.original.sport, why: "undoing the connection's SNAT" };
  if (reply && !destination && c.dnat) return { side: "source", address: c.original.dst, port: c.original.dport, why: "undoing the connection's DNAT, so the client sees the address it called" };
  return null;
}

/** Everything carried between connections. */
export interface NetState {
  recent: RecentLists;
  conntrack: ReadonlyMap<string, ConntrackEntry>;
  /** Packets seen by each nth-mode statistic rule, by rule line. */
  nthCounters: ReadonlyMap<number, number>;
}

/** A fresh node: empty lists, no connections. */
export function emptyState(): NetState {
  return { recent: new Map(), conntrack: new Map(), nthCounters: new Map() };
}

/** Key of a tuple in the conntrack table. */
export function tupleKey(t: Tuple): string {
  return `${t.protocol} ${t.src}:${t.sport}>${t.dst}:${t.dport}`;
}

/**
 * Add or refresh an address in a list (xt_recent's --set / successful --update). A new address
 * in a full list (`limit` entries) first evicts the least recently updated one, as the kernel does.
 */
export function recentUpdate(lists: RecentLists, name: string, address: string, now: number, ttl: number, limit = RECENT_ENTRIES): RecentLists {
  const entries = lists.get(name) ?? [];
  const at = entries.findIndex((e) => e.address === address);
  let next: RecentEntry[];
  if (at < 0) {
    next = [...entries, { address, stamps: [now], ttl }];
    if (next.length > limit) next = next.slice(next.length - limit);
  } else {
    const e = entries[at];
    const stamps = [...e.stamps, now].slice(-RECENT_STAMPS);
    next = [...entries.slice(0, at), ...entries.slice(at + 1), { address, stamps, ttl }];
  }
  const out = new Map(lists);
  out.set(name, next);
  return out;
}

/** Remove an address from a list (--remove, and reaping). */
export function recentRemove(lists: RecentLists, name: string, address: string): RecentLists {
  const entries = lists.get(name) ?? [];
  const out = new Map(lists);
  out.set(name, entries.filter((e) => e.address !== address));
  return out;
}

/** Lists as /proc/net/xt_recent/NAME shows them, with times as simulated seconds. */
export function formatRecentList(lists: RecentLists, name: string): string {
  return (lists.get(name) ?? [])
    .map((e) => `src=${e.address} ttl: ${e.ttl} last_seen: ${e.stamps[e.stamps.length - 1]} oldest_pkt: ${e.stamps.length} ${e.stamps.join(", ")}`)
    .join("\n");
}

/**
 * Read lists in /proc/net/xt_recent format (`src=IP ttl: T last_seen: S oldest_pkt: N s1, s2, ...`),
 * as captured from a node. Times are taken as seconds on the simulation's clock.
 */
export function parseRecentLists(byName: Record<string, string>): RecentLists {
  const out = new Map<string, RecentEntry[]>();
  for (const [name, text] of Object.entries(byName)) {
    const entries: RecentEntry[] = [];
    text.split("\n").forEach((line, i) => {
      if (!line.trim()) return;
      const m = /^src=(\S+) ttl: (\d+) last_seen: (\d+) oldest_pkt: (\d+)\s*(.*)$/.exec(line.trim());
      if (!m) throw new SyntaxError(`xt_recent list ${name}, line ${i + 1}: expected 'src=IP ttl: N last_seen: T oldest_pkt: N t1, t2, ...'`);
      const stamps = m[5] ? m[5].split(",").map((s) => Number(s.trim())).filter((n) => Number.isFinite(n)) : [Number(m[3])];
      entries.push({ address: m[1], stamps: stamps.sort((a, b) => a - b), ttl: Number(m[2]) });
    });
    entries.sort((a, b) => a.stamps[a.stamps.length - 1] - b.stamps[b.stamps.length - 1]);
    out.set(name, entries);
  }
  return out;
}
