/**
 * Readers for match modules: each knows its options (and how many words
 * each takes) and builds the typed match from them.
 */
import type {
  AddressType, AddrtypeMatch, ConntrackMatch, ConntrackState, Match, PortRange, RecentMatch,
} from "../model/matches.js";
import type { Negatable } from "../model/dump.js";
import type { Token } from "./lexer.js";
import { protocolName } from "../model/protocols.js";
import { readCidr, readPortRange, readProbability, readProtocol, readUnsigned, readValueMask, type Read } from "./values.js";
import { formatIPv4, parseIPv4 } from "../model/address.js";
import { readIcmpType } from "./icmp.js";
import { utf8Length } from "../math/utf8.js";

/** One option as written: `[!] --name arg...`. */
export interface RawOption {
  name: string;
  invert: boolean;
  args: Token[];
  /** The option word itself, for error columns. */
  token: Token;
}

/**
 * Why a module could not be built, and where (no token: at the module's name). A class, so a reader's result
 * is told from a match by one instanceof test (an `in` test on matches of every shape is slow).
 */
export class BuildError {
  constructor(readonly message: string, readonly token: Token | undefined) {}
}

/** A match module reader. */
export interface MatchReader {
  /** Canonical option names and the number of words each takes. */
  options: Record<string, number>;
  /** Other spellings of options, mapped to the canonical name. */
  aliases?: Record<string, string>;
  /** Options that accept `!`. */
  invertible?: string[];
  build(options: RawOption[]): Match | BuildError;
}

const TCP_FLAG_BITS: Record<string, number> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ALL: 63, NONE: 0 };

function neg<T>(value: T, o: RawOption): Negatable<T> {
  return { value, invert: o.invert };
}

function err(message: string, token: Token | undefined): BuildError {
  return new BuildError(message, token);
}

function isError(x: unknown): x is BuildError {
  return x instanceof BuildError;
}

function portOption(o: RawOption): Negatable<PortRange> | BuildError {
  const r = readPortRange(o.args[0].text);
  return r.ok ? neg(r.value, o) : err(`${o.name}: ${r.message}`, o.args[0]);
}

function readFlags(token: Token): Read<number> {
  let bits = 0;
  for (const name of token.text.split(",")) {
    const bit = TCP_FLAG_BITS[name.toUpperCase()];
    if (bit === undefined) return { ok: false, message: `unknown TCP flag '${name}': expected FIN, SYN, RST, PSH, ACK, URG, ALL or NONE` };
    bits |= bit;
  }
  return { ok: true, value: bits };
}

/** `-m tcp` (udp, sctp) without options, as every DNAT rule of kube-proxy writes it: one shared (never changed) value each. */
const PLAIN_TCP: Match = Object.freeze({ kind: "tcp" });
const PLAIN_UDP: Match = Object.freeze({ kind: "udp" });
const PLAIN_SCTP: Match = Object.freeze({ kind: "sctp" });

const PORT_ALIASES = { "--source-port": "--sport", "--destination-port": "--dport" };

const tcp: MatchReader = {
  options: { "--sport": 1, "--dport": 1, "--tcp-flags": 2, "--syn": 0, "--tcp-option": 1 },
  aliases: PORT_ALIASES,
  invertible: ["--sport", "--dport", "--tcp-flags", "--syn", "--tcp-option"],
  build(opts) {
    if (opts.length === 0) return PLAIN_TCP;
    const m: Match = { kind: "tcp" };
    for (const o of opts) {
      if (o.name === "--sport" || o.name === "--dport") {
        const p = portOption(o);
        if (isError(p)) return p;
        if (o.name === "--sport") m.sport = p;
        else m.dport = p;
      } else if (o.name === "--tcp-flags" || o.name === "--syn") {
        let mask = 0x17, comp = 0x02; // --syn = FIN,SYN,RST,ACK SYN
        if (o.name === "--tcp-flags") {
          const a = readFlags(o.args[0]);
          if (!a.ok) return err(`--tcp-flags: ${a.message}`, o.args[0]);
          const b = readFlags(o.args[1]);
          if (!b.ok) return err(`--tcp-flags: ${b.message}`, o.args[1]);
          mask = a.value;
          comp = b.value;
        }
        m.flags = neg({ mask, comp }, o);
      } else if (o.name === "--tcp-option") {
        const n = readUnsigned(o.args[0].text, 255);
        if (!n.ok) return err(`--tcp-option: ${n.message}`, o.args[0]);
        // libxt_tcp takes 1-255: option kind 0 (end of options) is "Bad TCP option".
        if (n.value === 0) return err("--tcp-option: expected an option kind from 1 to 255, got 0", o.args[0]);
        m.option = neg(n.value, o);
      }
    }
    return m;
  },
};

const udp: MatchReader = {
  options: { "--sport": 1, "--dport": 1 },
  aliases: PORT_ALIASES,
  invertible: ["--sport", "--dport"],
  build(opts) {
    if (opts.length === 0) return PLAIN_UDP;
    const m: Match = { kind: "udp" };
    for (const o of opts) {
      const p = portOption(o);
      if (isError(p)) return p;
      if (o.name === "--sport") m.sport = p;
      else m.dport = p;
    }
    return m;
  },
};

const sctp: MatchReader = {
  options: { "--sport": 1, "--dport": 1, "--chunk-types": 2 },
  aliases: PORT_ALIASES,
  invertible: ["--sport", "--dport", "--chunk-types"],
  build(opts) {
    if (opts.length === 0) return PLAIN_SCTP;
    const m: Match = { kind: "sctp" };
    for (const o of opts) {
      if (o.name === "--chunk-types") {
        m.chunkTypes = neg([o.args[0].text, o.args[1].text], o);
        continue;
      }
      const p = portOption(o);
      if (isError(p)) return p;
      if (o.name === "--sport") m.sport = p;
      else m.dport = p;
    }
    return m;
  },
};

const multiport: MatchReader = {
  options: { "--sports": 1, "--dports": 1, "--ports": 1 },
  aliases: { "--source-ports": "--sports", "--destination-ports": "--dports" },
  invertible: ["--sports", "--dports", "--ports"],
  build(opts) {
    if (opts.length !== 1) return err("multiport: expected exactly one of --sports, --dports or --ports", (opts[1] ?? opts[0])?.token);
    const o = opts[0];
    const ports: PortRange[] = [];
    for (const part of o.args[0].text.split(",")) {
      const r = readPortRange(part);
      if (!r.ok) return err(`${o.name}: ${r.message}`, o.args[0]);
      // libxt_multiport needs both ends of a range and the first below the second ("invalid portrange specified").
      const colon = part.indexOf(":");
      if (colon >= 0 && (colon === 0 || colon === part.length - 1 || r.value.min >= r.value.max))
        return err(`${o.name}: invalid port range '${part}': expected FIRST:LAST with FIRST below LAST`, o.args[0]);
      ports.push(r.value);
    }
    const slots = ports.reduce((n, p) => n + (p.min === p.max ? 1 : 2), 0);
    if (slots > 15) return err(`${o.name}: too many ports: multiport takes at most 15 (a range counts as two)`, o.args[0]);
    const direction = o.name === "--sports" ? "source" : o.name === "--dports" ? "destination" : "either";
    return { kind: "multiport", direction, ports, invert: o.invert };
  },
};

/** The longest start of `text` that fits in `max` UTF-8 bytes, whole characters only. */
export function truncateUtf8(text: string, max: number): string {
  if (utf8Length(text) <= max) return text;
  let end = Math.min(text.length, max);
  while (end > 0 && utf8Length(text.slice(0, end)) > max) end--;
  // Never end between the two halves of a surrogate pair.
  if (end > 0 && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
  return text.slice(0, end);
}

/** Longest comment the kernel stores (XT_MAX_COMMENT_LEN - 1). */
export const MAX_COMMENT_LENGTH = 255;

const comment: MatchReader = {
  options: { "--comment": 1 },
  build(opts) {
    const o = opts.find((x) => x.name === "--comment");
    if (!o) return err("comment: expected --comment TEXT", opts[0]?.token);
    // iptables copies the first 255 bytes into the rule and drops the rest (rule.ts warns).
    return { kind: "comment", text: truncateUtf8(o.args[0].text, MAX_COMMENT_LENGTH) };
  },
};

const mark: MatchReader = {
  options: { "--mark": 1 },
  invertible: ["--mark"],
  build(opts) {
    const o = opts.find((x) => x.name === "--mark");
    if (!o) return err("mark: expected --mark VALUE[/MASK]", opts[0]?.token);
    const r = readValueMask(o.args[0].text);
    if (!r.ok) return err(`--mark: ${r.message}`, o.args[0]);
    return { kind: "mark", value: r.value.value, mask: r.value.mask, invert: o.invert };
  },
};

const STATES: ConntrackState[] = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];

function readStates(o: RawOption, allowNat: boolean): Negatable<ConntrackState[]> | BuildError {
  const seen = new Set<string>();
  for (const s of o.args[0].text.split(",")) {
    const up = s.toUpperCase();
    if (!(STATES as string[]).includes(up) || (!allowNat && (up === "SNAT" || up === "DNAT")))
      return err(`${o.name}: unknown state '${s}': expected ${STATES.slice(0, allowNat ? 7 : 5).join(", ")}`, o.args[0]);
    seen.add(up);
  }
  // The kernel keeps a bit set, so iptables-save prints states in its own fixed order.
  return neg(STATES.filter((s) => seen.has(s)), o);
}

const CT_STATUS = ["NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"];

const conntrack: MatchReader = {
  options: {
    "--ctstate": 1, "--ctproto": 1, "--ctorigsrc": 1, "--ctorigdst": 1, "--ctreplsrc": 1, "--ctrepldst": 1,
    "--ctorigsrcport": 1, "--ctorigdstport": 1, "--ctreplsrcport": 1, "--ctrepldstport": 1,
    "--ctstatus": 1, "--ctexpire": 1, "--ctdir": 1,
  },
  invertible: [
    "--ctstate", "--ctproto", "--ctorigsrc", "--ctorigdst", "--ctreplsrc", "--ctrepldst",
    "--ctorigsrcport", "--ctorigdstport", "--ctreplsrcport", "--ctrepldstport", "--ctstatus", "--ctexpire",
  ],
  build(opts) {
    const m: ConntrackMatch = { kind: "conntrack" };
    for (const o of opts) {
      const a = o.args[0];
      switch (o.name) {
        case "--ctstate": {
          const s = readStates(o, true);
          if (isError(s)) return s;
          m.ctstate = s;
          break;
        }
        case "--ctproto": {
          const n = readProtocol(a.text);
          if (!n.ok) return err(`--ctproto: ${n.message}`, a);
          // Kept by name like -p; iptables-save prints the number.
          m.ctproto = neg(protocolName(n.value), o);
          break;
        }
        case "--ctorigsrc": case "--ctorigdst": case "--ctreplsrc": case "--ctrepldst": {
          // libxt_conntrack keeps the address as given (10.1.2.3/16 stays so); the kernel masks when matching.
          const c = readCidr(a.text, true);
          if (!c.ok) return err(`${o.name}: ${c.message}`, a);
          m[o.name.slice(2) as "ctorigsrc"] = neg(c.value, o);
          break;
        }
        case "--ctorigsrcport": case "--ctorigdstport": case "--ctreplsrcport": case "--ctrepldstport": {
          const p = portOption(o);
          if (isError(p)) return p;
          m[o.name.slice(2) as "ctorigsrcport"] = p;
          break;
        }
        case "--ctstatus": {
          const list = a.text.split(",").map((s) => s.toUpperCase());
          const bad = list.find((s) => !CT_STATUS.includes(s));
          if (bad) return err(`--ctstatus: unknown status '${bad}': expected ${CT_STATUS.join(", ")}`, a);
          // NONE is the empty bit set: it only prints when no other status is given.
          m.ctstatus = neg(CT_STATUS.filter((s) => s !== "NONE" && list.includes(s)), o);
          break;
        }
        case "--ctexpire": {
          const [lo, hi = lo] = a.text.split(":");
          const x = readUnsigned(lo), y = readUnsigned(hi);
          if (!x.ok || !y.ok) return err(`--ctexpire: expected SECONDS or MIN:MAX, got '${a.text}'`, a);
          m.ctexpire = neg({ min: x.value, max: y.value }, o);
          break;
        }
        case "--ctdir": {
          const d = a.text.toUpperCase();
          if (d !== "ORIGINAL" && d !== "REPLY") return err(`--ctdir: expected ORIGINAL or REPLY, got '${a.text}'`, a);
          m.ctdir = d;
          break;
        }
      }
    }
    return m;
  },
};

const state: MatchReader = {
  options: { "--state": 1 },
  invertible: ["--state"],
  build(opts) {
    const o = opts.find((x) => x.name === "--state");
    if (!o) return err("state: expected --state STATES", opts[0]?.token);
    const s = readStates(o, false);
    return isError(s) ? s : { kind: "state", states: s };
  },
};

const ADDRESS_TYPES: AddressType[] = [
  "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
  "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
];

function readTypes(o: RawOption): Negatable<AddressType[]> | BuildError {
  const seen = new Set<string>();
  for (const t of o.args[0].text.split(",")) {
    const up = t.toUpperCase();
    if (!(ADDRESS_TYPES as string[]).includes(up)) return err(`${o.name}: unknown address type '${t}': expected ${ADDRESS_TYPES.join(", ")}`, o.args[0]);
    seen.add(up);
  }
  return neg(ADDRESS_TYPES.filter((t) => seen.has(t)), o);
}

const addrtype: MatchReader = {
  options: { "--src-type": 1, "--dst-type": 1, "--limit-iface-in": 0, "--limit-iface-out": 0 },
  invertible: ["--src-type", "--dst-type"],
  build(opts) {
    const m: AddrtypeMatch = { kind: "addrtype", limitIfaceIn: false, limitIfaceOut: false };
    for (const o of opts) {
      if (o.name === "--src-type" || o.name === "--dst-type") {
        const t = readTypes(o);
        if (isError(t)) return t;
        if (o.name === "--src-type") m.srcType = t;
        else m.dstType = t;
      } else if (o.name === "--limit-iface-in") m.limitIfaceIn = true;
      else m.limitIfaceOut = true;
    }
    if (m.limitIfaceIn && m.limitIfaceOut) return err("addrtype: --limit-iface-in and --limit-iface-out cannot be combined", opts[0].token);
    if (!m.srcType && !m.dstType) return err("addrtype: expected --src-type or --dst-type", opts[0]?.token);
    return m;
  },
};

const statistic: MatchReader = {
  options: { "--mode": 1, "--probability": 1, "--every": 1, "--packet": 1 },
  invertible: ["--probability", "--every"],
  build(opts) {
    const by = new Map(opts.map((o) => [o.name, o]));
    const mode = by.get("--mode");
    if (!mode) return err("statistic: expected --mode random or --mode nth", opts[0]?.token);
    const invert = opts.some((o) => o.invert);
    if (mode.args[0].text === "random") {
      const p = by.get("--probability");
      if (!p) return err("statistic: --mode random needs --probability P", mode.token);
      const r = readProbability(p.args[0].text);
      if (!r.ok) return err(`--probability: ${r.message}`, p.args[0]);
      return { kind: "statistic", mode: "random", probability: r.value, invert };
    }
    if (mode.args[0].text === "nth") {
      const e = by.get("--every");
      if (!e) return err("statistic: --mode nth needs --every N", mode.token);
      const every = readUnsigned(e.args[0].text);
      if (!every.ok || every.value === 0) return err(`--every: expected a positive number, got '${e.args[0].text}'`, e.args[0]);
      const p = by.get("--packet");
      if (!p) return err('statistic: --every needs --packet (libxt_statistic: option "--every" also requires "--packet")', e.token);
      const packet = readUnsigned(p.args[0].text);
      if (!packet.ok || packet.value >= every.value) return err(`--packet: expected a number below --every (${every.value})`, p.args[0]);
      return { kind: "statistic", mode: "nth", every: every.value, packet: packet.value, invert };
    }
    return err(`--mode: expected random or nth, got '${mode.args[0].text}'`, mode.args[0]);
  },
};

const recent: MatchReader = {
  options: {
    "--set": 0, "--rcheck": 0, "--update": 0, "--remove": 0, "--seconds": 1, "--reap": 0,
    "--hitcount": 1, "--rttl": 0, "--name": 1, "--mask": 1, "--rsource": 0, "--rdest": 0,
  },
  invertible: ["--set", "--rcheck", "--update", "--remove"],
  build(opts) {
    const m: RecentMatch = {
      kind: "recent", command: "set", invert: false, seconds: 0, hitcount: 0, rttl: false, reap: false,
      name: "DEFAULT", mask: "255.255.255.255", side: "source",
    };
    let commands = 0;
    for (const o of opts) {
      const a = o.args[0];
      switch (o.name) {
        case "--set": case "--rcheck": case "--update": case "--remove":
          commands++;
          m.command = o.name.slice(2) as RecentMatch["command"];
          m.invert = o.invert;
          if (commands > 1) return err("recent: expected only one of --set, --rcheck, --update, --remove", o.token);
          break;
        case "--seconds": case "--hitcount": {
          const n = readUnsigned(a.text);
          if (!n.ok) return err(`${o.name}: ${n.message}`, a);
          if (o.name === "--seconds") m.seconds = n.value;
          else m.hitcount = n.value;
          break;
        }
        case "--reap": m.reap = true; break;
        case "--rttl": m.rttl = true; break;
        case "--name":
          if (a.text.length === 0 || a.text.length > 200) return err("--name: expected a list name of 1 to 200 characters", a);
          m.name = a.text;
          break;
        case "--mask": {
          const v = parseIPv4(a.text);
          if (v === null) return err(`--mask: expected a dotted-quad mask, got '${a.text}'`, a);
          m.mask = formatIPv4(v);
          break;
        }
        case "--rsource": m.side = "source"; break;
        case "--rdest": m.side = "dest"; break;
      }
    }
    if (commands === 0) return err("recent: expected one of --set, --rcheck, --update, --remove", opts[0]?.token ?? ({} as Token));
    if (m.reap && m.seconds === 0) return err("recent: --reap needs --seconds", opts.find((o) => o.name === "--reap")!.token);
    if ((m.seconds || m.hitcount) && (m.command === "set" || m.command === "remove"))
      return err("recent: --seconds and --hitcount only work with --rcheck or --update", opts[0].token);
    if (m.rttl && (m.command === "set" || m.command === "remove"))
      return err("recent: --rttl only works with --rcheck or --update", opts.find((o) => o.name === "--rttl")!.token);
    return m;
  },
};

const physdev: MatchReader = {
  options: { "--physdev-in": 1, "--physdev-out": 1, "--physdev-is-in": 0, "--physdev-is-out": 0, "--physdev-is-bridged": 0 },
  invertible: ["--physdev-in", "--physdev-out", "--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged"],
  build(opts) {
    const m: Match = { kind: "physdev" };
    for (const o of opts) {
      if (o.name === "--physdev-in") m.physdevIn = neg(o.args[0].text, o);
      else if (o.name === "--physdev-out") m.physdevOut = neg(o.args[0].text, o);
      else if (o.name === "--physdev-is-in") m.isIn = neg(true as const, o);
      else if (o.name === "--physdev-is-out") m.isOut = neg(true as const, o);
      else m.isBridged = neg(true as const, o);
    }
    return m;
  },
};

const set: MatchReader = {
  options: {
    "--match-set": 2, "--return-nomatch": 0, "--update-counters": 0, "--update-subcounters": 0,
    "--packets-eq": 1, "--packets-lt": 1, "--packets-gt": 1, "--bytes-eq": 1, "--bytes-lt": 1, "--bytes-gt": 1,
  },
  aliases: { "--set": "--match-set" },
  invertible: ["--match-set", "--update-counters", "--update-subcounters", "--packets-eq", "--bytes-eq"],
  build(opts) {
    const ms = opts.find((o) => o.name === "--match-set");
    if (!ms) return err("set: expected --match-set NAME src|dst[,...]", opts[0]?.token);
    const flags = ms.args[1].text.split(",");
    if (flags.some((f) => f !== "src" && f !== "dst")) return err(`--match-set: expected src or dst flags, got '${ms.args[1].text}'`, ms.args[1]);
    const options = opts.filter((o) => o !== ms).flatMap((o) => [...(o.invert ? ["!"] : []), o.name, ...o.args.map((t) => t.text)]);
    return { kind: "set", name: ms.args[0].text, flags: flags as ("src" | "dst")[], invert: ms.invert, options };
  },
};

const socket: MatchReader = {
  options: { "--transparent": 0, "--nowildcard": 0, "--restore-skmark": 0 },
  build(opts) {
    return {
      kind: "socket",
      transparent: opts.some((o) => o.name === "--transparent"),
      nowildcard: opts.some((o) => o.name === "--nowildcard"),
      restoreSkmark: opts.some((o) => o.name === "--restore-skmark"),
    };
  },
};

const icmp: MatchReader = {
  options: { "--icmp-type": 1 },
  invertible: ["--icmp-type"],
  build(opts) {
    const o = opts[0];
    if (!o) return err('icmp: expected --icmp-type TYPE (libxt_icmp: option "--icmp-type" must be specified)', undefined);
    const r = readIcmpType(o.args[0].text);
    return r.ok ? { kind: "icmp", icmpType: neg(r.value, o) } : err(`--icmp-type: ${r.message}`, o.args[0]);
  },
};

/** The match modules the kit models, by `-m` name. */
export const MATCH_READERS: Readonly<Record<string, MatchReader>> = {
  tcp, udp, sctp, icmp, multiport, comment, mark, conntrack, state, addrtype, statistic, recent, physdev, set, socket,
};

export { isError as isBuildError };
