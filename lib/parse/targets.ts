/**
 * Readers for targets (`-j NAME ...`): each knows its options and builds the
 * typed target. Jumps to user chains are resolved by the parser, not here.
 */
import type { NatRange, Target } from "../model/targets.js";
import { BuildError, type RawOption } from "./matches.js";
import { readPort, readUnsigned, readValueMask } from "./values.js";
import { parseIPv4 } from "../model/address.js";
import type { Token } from "./lexer.js";
import { utf8Length } from "../math/utf8.js";

/** A target reader. */
export interface TargetReader {
  options: Record<string, number>;
  aliases?: Record<string, string>;
  build(options: RawOption[], name: string): Target | BuildError;
}

const err = (message: string, token: Token): BuildError => new BuildError(message, token);

const verdict = (kind: "ACCEPT" | "DROP" | "RETURN" | "QUEUE"): TargetReader => {
  // A verdict holds nothing but its kind: every rule that gives it shares one (never changed) value.
  const target: Target = Object.freeze({ kind });
  return { options: {}, build: () => target };
};

const REJECT_TYPES = [
  "icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable", "icmp-proto-unreachable",
  "icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited", "tcp-reset",
];
const REJECT_ALIASES: Record<string, string> = {
  "net-unreach": "icmp-net-unreachable", "host-unreach": "icmp-host-unreachable", "port-unreach": "icmp-port-unreachable",
  "proto-unreach": "icmp-proto-unreachable", "net-prohib": "icmp-net-prohibited", "host-prohib": "icmp-host-prohibited",
  "admin-prohib": "icmp-admin-prohibited", "tcp-rst": "tcp-reset",
};

const reject: TargetReader = {
  options: { "--reject-with": 1 },
  build(opts) {
    const o = opts.find((x) => x.name === "--reject-with");
    if (!o) return { kind: "REJECT", rejectWith: "icmp-port-unreachable" };
    const t = REJECT_ALIASES[o.args[0].text] ?? o.args[0].text;
    if (!REJECT_TYPES.includes(t)) return err(`--reject-with: unknown type '${o.args[0].text}': expected one of ${REJECT_TYPES.join(", ")}`, o.args[0]);
    return { kind: "REJECT", rejectWith: t };
  },
};

const mark: TargetReader = {
  options: { "--set-xmark": 1, "--set-mark": 1, "--and-mark": 1, "--or-mark": 1, "--xor-mark": 1 },
  build(opts) {
    if (opts.length !== 1) return err("MARK: expected exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark", (opts[1] ?? opts[0]).token);
    const o = opts[0];
    const a = o.args[0];
    if (o.name === "--set-xmark" || o.name === "--set-mark") {
      const r = readValueMask(a.text);
      if (!r.ok) return err(`${o.name}: ${r.message}`, a);
      const { value, mask } = r.value;
      // --set-mark V/M means (mark & ~M) | V, which is xmark V/(M|V).
      return { kind: "MARK", value, mask: o.name === "--set-mark" ? (mask | value) >>> 0 : mask };
    }
    const r = readUnsigned(a.text);
    if (!r.ok) return err(`${o.name}: ${r.message}`, a);
    const bits = r.value;
    if (o.name === "--and-mark") return { kind: "MARK", value: 0, mask: ~bits >>> 0 };
    if (o.name === "--or-mark") return { kind: "MARK", value: bits, mask: bits };
    return { kind: "MARK", value: bits, mask: 0 };
  },
};

const connmark: TargetReader = {
  options: {
    "--set-xmark": 1, "--set-mark": 1, "--save-mark": 0, "--restore-mark": 0, "--and-mark": 1, "--or-mark": 1,
    "--xor-mark": 1, "--nfmask": 1, "--ctmask": 1, "--mask": 1,
  },
  build(opts) {
    const by = new Map(opts.map((o) => [o.name, o]));
    const maskOf = (name: string): number | BuildError => {
      const o = by.get(name) ?? by.get("--mask");
      if (!o) return 0xffffffff;
      const r = readUnsigned(o.args[0].text);
      return r.ok ? r.value : err(`${o.name}: ${r.message}`, o.args[0]);
    };
    for (const mode of ["--save-mark", "--restore-mark"] as const) {
      if (!by.has(mode)) continue;
      const nfmask = maskOf("--nfmask"), ctmask = maskOf("--ctmask");
      if (typeof nfmask !== "number") return nfmask;
      if (typeof ctmask !== "number") return ctmask;
      return { kind: "CONNMARK", mode: mode === "--save-mark" ? "save" : "restore", nfmask, ctmask };
    }
    const o = opts.find((x) => ["--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark"].includes(x.name));
    if (!o) return err("CONNMARK: expected --set-xmark, --set-mark, --save-mark or --restore-mark", opts[0]?.token ?? ({} as Token));
    const built = mark.build([o], "MARK");
    if (built instanceof BuildError) return built;
    const m = built as { value: number; mask: number };
    return { kind: "CONNMARK", mode: "set", value: m.value, mask: m.mask };
  },
};

/** The first two `-`-separated parts of `text` from `from` to `to`, as `split("-")` gives them (`b` undefined without a dash). */
function dashParts(text: string, from: number, to: number): { a: string; b: string | undefined } {
  const dash = text.indexOf("-", from);
  if (dash < 0 || dash >= to) return { a: text.slice(from, to), b: undefined };
  const next = text.indexOf("-", dash + 1);
  return { a: text.slice(from, dash), b: text.slice(dash + 1, next < 0 || next >= to ? to : next) };
}

function readRange(text: string, token: Token, allowIp: boolean): NatRange | BuildError {
  // ip[-ip][:port[-port]], read by offsets: every DNAT rule of a kube-proxy dump has one.
  const range: NatRange = {};
  const colon = text.indexOf(":");
  const ipEnd = colon < 0 ? text.length : colon;
  if (ipEnd > 0) {
    if (!allowIp) return err(`expected ports, got '${text}'`, token);
    const { a: lo, b: hi } = dashParts(text, 0, ipEnd);
    if (parseIPv4(lo) === null) return err(`expected IP[-IP][:PORT[-PORT]], got '${text}'`, token);
    if (hi !== undefined && parseIPv4(hi) === null) return err(`expected IP[-IP][:PORT[-PORT]], got '${text}'`, token);
    range.minIp = lo;
    range.maxIp = hi ?? lo;
  }
  if (colon >= 0) {
    const { a: lo, b: hi } = dashParts(text, colon + 1, text.length);
    const a = readPort(lo), b = hi === undefined ? a : readPort(hi);
    if (!a.ok) return err(a.message, token);
    if (!b.ok) return err(b.message, token);
    if (a.value > b.value) return err(`invalid port range in '${text}'`, token);
    range.minPort = a.value;
    range.maxPort = b.value;
  }
  return range;
}

function natReader(kind: "DNAT" | "SNAT"): TargetReader {
  const option = kind === "DNAT" ? "--to-destination" : "--to-source";
  return {
    options: { [option]: 1, "--random": 0, "--random-fully": 0, "--persistent": 0 },
    aliases: { [kind === "DNAT" ? "--to" : "--to-src"]: option },
    build(opts) {
      const ranges: NatRange[] = [];
      for (const o of opts.filter((x) => x.name === option)) {
        const r = readRange(o.args[0].text, o.args[0], true);
        if (r instanceof BuildError) return r;
        ranges.push(r as NatRange);
      }
      if (ranges.length === 0) return err(`${kind}: expected ${option} ADDRESS[:PORT]`, opts[0]?.token ?? ({ start: 0 } as Token));
      const has = (n: string) => opts.some((o) => o.name === n);
      if (kind === "DNAT") {
        if (has("--random-fully")) return err("DNAT: --random-fully is only for SNAT and MASQUERADE", opts.find((o) => o.name === "--random-fully")!.token);
        return { kind, ranges: ranges.slice(), random: has("--random"), persistent: has("--persistent") };
      }
      return { kind, ranges: ranges.slice(), random: has("--random"), randomFully: has("--random-fully"), persistent: has("--persistent") };
    },
  };
}

function portsOption(opts: RawOption[]): { min: number; max: number } | undefined | BuildError {
  const o = opts.find((x) => x.name === "--to-ports");
  if (!o) return undefined;
  const r = readRange(":" + o.args[0].text, o.args[0], false);
  if (r instanceof BuildError) return r;
  const range = r as NatRange;
  return { min: range.minPort!, max: range.maxPort! };
}

const masquerade: TargetReader = {
  options: { "--to-ports": 1, "--random": 0, "--random-fully": 0 },
  build(opts) {
    const ports = portsOption(opts);
    if (ports instanceof BuildError) return ports;
    const has = (n: string) => opts.some((o) => o.name === n);
    return { kind: "MASQUERADE", ...(ports ? { ports } : {}), random: has("--random"), randomFully: has("--random-fully") };
  },
};

const redirect: TargetReader = {
  options: { "--to-ports": 1, "--random": 0 },
  build(opts) {
    const ports = portsOption(opts);
    if (ports instanceof BuildError) return ports;
    return { kind: "REDIRECT", ...(ports ? { ports } : {}), random: opts.some((o) => o.name === "--random") };
  },
};

const log: TargetReader = {
  options: {
    "--log-prefix": 1, "--log-level": 1, "--log-tcp-sequence": 0, "--log-tcp-options": 0,
    "--log-ip-options": 0, "--log-uid": 0, "--log-macdecode": 0,
  },
  build(opts) {
    const LEVELS = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"];
    let level = 4;
    const lv = opts.find((o) => o.name === "--log-level");
    if (lv) {
      const t = lv.args[0].text;
      const named = LEVELS.indexOf(t === "err" ? "error" : t === "warn" ? "warning" : t === "panic" ? "emerg" : t);
      const n = readUnsigned(t, 7);
      if (named >= 0) level = named;
      else if (n.ok) level = n.value;
      else return err(`--log-level: expected 0-7 or a syslog level name, got '${t}'`, lv.args[0]);
    }
    const prefix = opts.find((o) => o.name === "--log-prefix");
    if (prefix && prefix.args[0].text === "") return err("--log-prefix: expected at least 1 character", prefix.args[0]);
    if (prefix && utf8Length(prefix.args[0].text) > 29) return err("--log-prefix: at most 29 characters", prefix.args[0]);
    const has = (n: string) => opts.some((o) => o.name === n);
    return {
      kind: "LOG", ...(prefix ? { prefix: prefix.args[0].text } : {}), level,
      tcpSequence: has("--log-tcp-sequence"), tcpOptions: has("--log-tcp-options"), ipOptions: has("--log-ip-options"),
      uid: has("--log-uid"), macDecode: has("--log-macdecode"),
    };
  },
};

const nflog: TargetReader = {
  options: { "--nflog-group": 1, "--nflog-prefix": 1, "--nflog-range": 1, "--nflog-size": 1, "--nflog-threshold": 1 },
  aliases: { "--nflog-range": "--nflog-size" },
  build(opts) {
    const num = (name: string): number | undefined | BuildError => {
      const o = opts.find((x) => x.name === name);
      if (!o) return undefined;
      const r = readUnsigned(o.args[0].text);
      return r.ok ? r.value : err(`${name}: ${r.message}`, o.args[0]);
    };
    const group = num("--nflog-group"), size = num("--nflog-size"), threshold = num("--nflog-threshold");
    for (const x of [group, size, threshold]) if (typeof x === "object") return x;
    const prefix = opts.find((o) => o.name === "--nflog-prefix");
    if (prefix && prefix.args[0].text === "") return err("--nflog-prefix: expected at least 1 character", prefix.args[0]);
    return {
      kind: "NFLOG", group: (group as number | undefined) ?? 0,
      ...(prefix ? { prefix: prefix.args[0].text } : {}),
      ...(size !== undefined ? { size: size as number } : {}),
      ...(threshold !== undefined ? { threshold: threshold as number } : {}),
    };
  },
};

const ct: TargetReader = {
  options: { "--notrack": 0, "--zone": 1, "--zone-orig": 1, "--zone-reply": 1, "--helper": 1, "--ctevents": 1, "--expevents": 1, "--timeout": 1 },
  build(opts, name) {
    const options = opts.filter((o) => o.name !== "--notrack").flatMap((o) => [o.name, ...o.args.map((a) => a.text)]);
    return { kind: "CT", notrack: name === "NOTRACK" || opts.some((o) => o.name === "--notrack"), legacyName: name === "NOTRACK", options };
  },
};

/** The targets the kit models, by `-j` name. */
export const TARGET_READERS: Readonly<Record<string, TargetReader>> = {
  ACCEPT: verdict("ACCEPT"), DROP: verdict("DROP"), RETURN: verdict("RETURN"), QUEUE: verdict("QUEUE"),
  REJECT: reject, MARK: mark, CONNMARK: connmark, DNAT: natReader("DNAT"), SNAT: natReader("SNAT"),
  MASQUERADE: masquerade, REDIRECT: redirect, LOG: log, NFLOG: nflog, CT: ct, NOTRACK: ct,
  TRACE: { options: {}, build: () => ({ kind: "TRACE" }) },
};

/** Target extensions that exist in iptables but are not modelled: kept and flagged rather than read as a missing chain. */
export const KNOWN_UNMODELLED_TARGETS = new Set([
  "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNSECMARK", "DSCP", "ECN", "HMARK", "IDLETIMER", "LED",
  "NETMAP", "NFQUEUE", "RATEEST", "SECMARK", "SET", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS",
  "TPROXY", "TTL", "ULOG", "ECN", "MIRROR", "SAME", "IPV4OPTSSTRIP", "CONNSECMARK", "TARPIT",
]);
