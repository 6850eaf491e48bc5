// Property tests: random valid rules and dumps in iptables-save's canonical form survive parse -> format
// unchanged; random damage to the wordpress dump never makes the parser throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDump, formatProbability, parseDump } from "../../lib/index.js";
import { wordpress } from "../parse/support.js";

// The generators below print canonical text themselves (they do not call the printer under test),
// following iptables 1.8.9's save functions and test/fixtures/kernel/README.md.

const SEED = 20180507;
const RUNS = 400;

const hex = (n: number) => `0x${n.toString(16)}`;
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bang = (invert: boolean) => (invert ? " !" : "");

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with ", \ and ' escaped. */
function saveString(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : `"${s.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const TEXT_CHARS = [...PRINTABLE, "\t", "é", "ß", "Ω", "中", "文", "服", "😀", '"', "\\", "'"];

/** Free text of 0..max UTF-8 bytes, with quotes, backslashes, tabs and non-ASCII characters. */
function text(minLength: number, maxBytes: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...TEXT_CHARS), { minLength, maxLength: maxBytes })
    .map((chars) => {
      let s = "";
      for (const c of chars) if (Buffer.byteLength(s + c) <= maxBytes) s += c;
      return s;
    });
}

const ipNumber = u32;
const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const prefixMask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

/** An address as iptables prints it: host bits cleared, `/len` for a contiguous mask, a dotted mask otherwise. */
const cidr = fc.oneof(
  fc.tuple(ipNumber, fc.integer({ min: 1, max: 32 })).map(([a, len]) => `${ip((a & prefixMask(len)) >>> 0)}/${len}`),
  fc.tuple(ipNumber, u32).filter(([, m]) => ((~m >>> 0) & ((~m >>> 0) + 1)) !== 0).map(([a, m]) => `${ip((a & m) >>> 0)}/${ip(m)}`),
);

/** `-s`/`-d`: 0.0.0.0/0 only appears negated. */
const address = fc.oneof(
  { arbitrary: fc.tuple(fc.boolean(), cidr).map(([inv, c]) => ({ inv, c })), weight: 9 },
  { arbitrary: fc.constant({ inv: true, c: "0.0.0.0/0" }), weight: 1 },
);

const ifaceName = fc.tuple(
  fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789.-_"), { minLength: 1, maxLength: 14 }).map((a) => a.join("")),
  fc.boolean(),
).map(([n, plus]) => (plus ? `${n}+` : n));

const PROTOCOLS = ["tcp", "udp", "sctp", "icmp", "gre", "esp", "ah", "dccp", "ipip", "253"];

const port = fc.integer({ min: 0, max: 65535 });
/** A port or range as libxt_tcp prints it, never the whole 0:65535. */
const portRange = fc.tuple(port, port)
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)])
  .filter(([a, b]) => a !== 0 || b !== 65535)
  .map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`));

const TCP_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"];
const flagList = fc.subarray(TCP_FLAGS).map((f) => (f.length ? f.join(",") : "NONE"));

function tcpMatch(): fc.Arbitrary<string> {
  return fc.record({
    sport: fc.option(fc.tuple(fc.boolean(), portRange)),
    dport: fc.option(fc.tuple(fc.boolean(), portRange)),
    option: fc.option(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 255 }))),
    flags: fc.option(fc.tuple(fc.boolean(), flagList, flagList)),
  }).map(({ sport, dport, option, flags }) => {
    let s = " -m tcp";
    if (sport) s += `${bang(sport[0])} --sport ${sport[1]}`;
    if (dport) s += `${bang(dport[0])} --dport ${dport[1]}`;
    if (option) s += `${bang(option[0])} --tcp-option ${option[1]}`;
    if (flags && (flags[1] !== "NONE" || flags[0])) s += `${bang(flags[0])} --tcp-flags ${flags[1]} ${flags[2]}`;
    return s;
  });
}

function udpLike(name: "udp" | "sctp"): fc.Arbitrary<string> {
  return fc.record({ sport: fc.option(fc.tuple(fc.boolean(), portRange)), dport: fc.option(fc.tuple(fc.boolean(), portRange)) })
    .map(({ sport, dport }) => ` -m ${name}${sport ? `${bang(sport[0])} --sport ${sport[1]}` : ""}${dport ? `${bang(dport[0])} --dport ${dport[1]}` : ""}`);
}

/** `-m icmp` as iptables-save prints it: a type (0-254), a type and code, or any. */
const icmpMatch = fc.tuple(fc.boolean(), fc.oneof(
  fc.constant("any"),
  fc.integer({ min: 0, max: 254 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 254 }), fc.integer({ min: 0, max: 255 })).map(([t, c]) => `${t}/${c}`),
)).map(([inv, type]) => ` -m icmp${bang(inv)} --icmp-type ${type}`);

/** Up to 15 slots, a range (first below last) taking two. */
const multiport = fc.tuple(
  fc.boolean(),
  fc.constantFrom("--sports", "--dports", "--ports"),
  fc.array(fc.oneof(port.map((p) => ({ text: `${p}`, slots: 1 })), fc.tuple(port, port).filter(([a, b]) => a !== b)
    .map(([a, b]) => ({ text: `${Math.min(a, b)}:${Math.max(a, b)}`, slots: 2 }))), { minLength: 1, maxLength: 15 }),
).map(([inv, opt, parts]) => {
  const kept: string[] = [];
  let slots = 0;
  for (const p of parts) if ((slots += p.slots) <= 15) kept.push(p.text);
  return ` -m multiport${bang(inv)} ${opt} ${kept.join(",")}`;
});

const comment = text(0, 255).map((t) => ` -m comment --comment ${saveString(t)}`);

const mark = fc.tuple(fc.boolean(), u32, u32).map(([inv, v, m]) => ` -m mark${bang(inv)} --mark ${hex(v)}${m === 0xffffffff ? "" : `/${hex(m)}`}`);

const CT_STATES = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];
const CT_STATUS = ["EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"];
/** libxt_conntrack keeps host bits, prints a prefix but no /32, and no mask at all when it is not a prefix. */
const ctAddr = fc.tuple(ipNumber, fc.option(fc.integer({ min: 0, max: 31 }))).map(([a, len]) => (len === null ? ip(a) : `${ip(a)}/${len}`));
const ctPorts = fc.tuple(port, port).map(([a, b]) => (a === b ? `${a}` : `${Math.min(a, b)}:${Math.max(a, b)}`))
  .filter((p) => !/^(\d+):\1$/.test(p));

const conntrack = fc.record({
  state: fc.option(fc.tuple(fc.boolean(), fc.subarray(CT_STATES, { minLength: 1 }))),
  proto: fc.option(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 255 }))),
  origsrc: fc.option(fc.tuple(fc.boolean(), ctAddr)),
  repldst: fc.option(fc.tuple(fc.boolean(), ctAddr)),
  origdstport: fc.option(fc.tuple(fc.boolean(), ctPorts)),
  status: fc.option(fc.tuple(fc.boolean(), fc.subarray(CT_STATUS))),
  expire: fc.option(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 100000 }))),
  dir: fc.option(fc.constantFrom("ORIGINAL", "REPLY")),
}).map((m) => {
  let s = " -m conntrack";
  if (m.state) s += `${bang(m.state[0])} --ctstate ${m.state[1].join(",")}`;
  if (m.proto) s += `${bang(m.proto[0])} --ctproto ${m.proto[1]}`;
  if (m.origsrc) s += `${bang(m.origsrc[0])} --ctorigsrc ${m.origsrc[1]}`;
  if (m.repldst) s += `${bang(m.repldst[0])} --ctrepldst ${m.repldst[1]}`;
  if (m.origdstport) s += `${bang(m.origdstport[0])} --ctorigdstport ${m.origdstport[1]}`;
  if (m.status) s += `${bang(m.status[0])} --ctstatus ${m.status[1].length ? m.status[1].join(",") : "NONE"}`;
  if (m.expire) {
    const [lo, hi] = [Math.min(m.expire[1], m.expire[2]), Math.max(m.expire[1], m.expire[2])];
    s += `${bang(m.expire[0])} --ctexpire ${lo === hi ? lo : `${lo}:${hi}`}`;
  }
  if (m.dir) s += ` --ctdir ${m.dir}`;
  return s;
});

const state = fc.tuple(fc.boolean(), fc.subarray(CT_STATES.slice(0, 5), { minLength: 1 }))
  .map(([inv, states]) => ` -m state${bang(inv)} --state ${states.join(",")}`);

const ADDRESS_TYPES = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"];
const addrtype = fc.record({
  src: fc.option(fc.tuple(fc.boolean(), fc.subarray(ADDRESS_TYPES, { minLength: 1 }))),
  dst: fc.option(fc.tuple(fc.boolean(), fc.subarray(ADDRESS_TYPES, { minLength: 1 }))),
  limit: fc.constantFrom("", " --limit-iface-in", " --limit-iface-out"),
}).filter(({ src, dst }) => src !== null || dst !== null).map(({ src, dst, limit }) => ` -m addrtype${src ? `${bang(src[0])} --src-type ${src[1].join(",")}` : ""}${dst ? `${bang(dst[0])} --dst-type ${dst[1].join(",")}` : ""}${limit}`);

/** Random mode prints the kernel's integer through formatProbability, as iptables-save does. */
const statistic = fc.oneof(
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0x80000000 }))
    .map(([inv, kernel]) => ` -m statistic --mode random${bang(inv)} --probability ${formatProbability(kernel)}`),
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 1000 }), fc.nat())
    .map(([inv, every, p]) => ` -m statistic --mode nth${bang(inv)} --every ${every} --packet ${p % every}`),
);

const listName = fc.array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789_-"), { minLength: 1, maxLength: 28 }).map((a) => a.join(""));

const recent = fc.record({
  inv: fc.boolean(),
  command: fc.constantFrom("set", "rcheck", "update", "remove"),
  seconds: fc.integer({ min: 0, max: 100000 }),
  reap: fc.boolean(),
  hitcount: fc.integer({ min: 0, max: 100 }),
  rttl: fc.boolean(),
  name: listName,
  mask: u32,
  side: fc.constantFrom("--rsource", "--rdest"),
}).map((r) => {
  const checks = r.command === "rcheck" || r.command === "update";
  const seconds = checks ? r.seconds : 0;
  let s = ` -m recent${bang(r.inv)} --${r.command}`;
  if (seconds) s += ` --seconds ${seconds}`;
  if (seconds && r.reap) s += " --reap";
  if (checks && r.hitcount) s += ` --hitcount ${r.hitcount}`;
  if (checks && r.rttl) s += " --rttl";
  return `${s} --name ${r.name} --mask ${ip(r.mask)} ${r.side}`;
});

const physdev = fc.record({
  isIn: fc.option(fc.boolean()),
  in: fc.option(fc.tuple(fc.boolean(), ifaceName)),
  isOut: fc.option(fc.boolean()),
  out: fc.option(fc.tuple(fc.boolean(), ifaceName)),
  isBridged: fc.option(fc.boolean()),
}).map((p) => {
  let s = " -m physdev";
  if (p.isIn !== null) s += `${bang(p.isIn)} --physdev-is-in`;
  if (p.in) s += `${bang(p.in[0])} --physdev-in ${p.in[1]}`;
  if (p.isOut !== null) s += `${bang(p.isOut)} --physdev-is-out`;
  if (p.out) s += `${bang(p.out[0])} --physdev-out ${p.out[1]}`;
  if (p.isBridged !== null) s += `${bang(p.isBridged)} --physdev-is-bridged`;
  return s;
});

const socket = fc.subarray([" --transparent", " --nowildcard", " --restore-skmark"]).map((o) => ` -m socket${o.join("")}`);
const set = fc.tuple(fc.boolean(), listName, fc.subarray(["src", "dst"], { minLength: 1 }))
  .map(([inv, name, flags]) => ` -m set${bang(inv)} --match-set ${name} ${flags.join(",")}`);

interface Place {
  chain: string;
  builtin: boolean;
  /** Later user chains this chain may jump to (none backwards, so there are no loops). */
  jumps: string[];
}

const REJECT_TYPES = ["icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable", "icmp-proto-unreachable",
  "icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited"];

function target(place: Place, tcp: boolean): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [
    fc.constantFrom("", " -j ACCEPT", " -j DROP", " -j RETURN", " -j QUEUE"),
    fc.tuple(u32, u32).map(([v, m]) => ` -j MARK --set-xmark ${hex(v)}/${hex(m)}`),
    fc.oneof(
      fc.tuple(u32, u32).map(([v, m]) => ` -j CONNMARK --set-xmark ${hex(v)}/${hex(m)}`),
      fc.tuple(fc.constantFrom("save", "restore"), u32, u32).map(([mode, n, c]) => ` -j CONNMARK --${mode}-mark --nfmask ${hex(n)} --ctmask ${hex(c)}`),
    ),
    fc.record({
      prefix: fc.option(text(1, 29)), level: fc.integer({ min: 0, max: 7 }),
      flags: fc.subarray(["--log-tcp-sequence", "--log-tcp-options", "--log-ip-options", "--log-uid", "--log-macdecode"]),
    }).map(({ prefix, level, flags }) => ` -j LOG${prefix !== null ? ` --log-prefix ${saveString(prefix)}` : ""}${level !== 4 ? ` --log-level ${level}` : ""}${flags.map((f) => ` ${f}`).join("")}`),
    fc.record({ prefix: fc.option(text(1, 63)), group: fc.integer({ min: 0, max: 65535 }), size: fc.option(fc.nat()), threshold: fc.integer({ min: 0, max: 100 }) })
      .map((n) => ` -j NFLOG${n.prefix !== null ? ` --nflog-prefix ${saveString(n.prefix)}` : ""}${n.group ? ` --nflog-group ${n.group}` : ""}`
        + `${n.size !== null ? ` --nflog-size ${n.size}` : ""}${n.threshold ? ` --nflog-threshold ${n.threshold}` : ""}`),
  ];
  // REJECT only in the built-in chains of the hooks that allow it: a user chain could be reached from another hook.
  if (place.builtin && ["INPUT", "FORWARD", "OUTPUT"].includes(place.chain)) options.push(fc.constantFrom(...REJECT_TYPES, ...(tcp ? ["tcp-reset"] : [])).map((t) => ` -j REJECT --reject-with ${t}`));
  if (place.jumps.length) options.push(fc.tuple(fc.constantFrom("-j", "-g"), fc.constantFrom(...place.jumps)).map(([j, c]) => ` ${j} ${c}`));
  return fc.oneof(...options);
}

/** One rule in canonical form for a chain of the filter or mangle table. */
function rule(place: Place): fc.Arbitrary<string> {
  const { chain } = place;
  const noIn = chain === "OUTPUT" || chain === "POSTROUTING";
  const noOut = chain === "PREROUTING" || chain === "INPUT";
  return fc.record({
    counters: fc.option(fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))),
    s: fc.option(address), d: fc.option(address),
    i: noIn ? fc.constant(null) : fc.option(fc.tuple(fc.boolean(), ifaceName)),
    o: noOut ? fc.constant(null) : fc.option(fc.tuple(fc.boolean(), ifaceName)),
    p: fc.option(fc.tuple(fc.boolean(), fc.constantFrom(...PROTOCOLS))),
    f: fc.option(fc.boolean()),
  }).chain((h) => {
    const proto = h.p && !h.p[0] ? h.p[1] : null;
    const modules: fc.Arbitrary<string>[] = [comment, mark, conntrack, state, addrtype, statistic, recent, physdev, socket, set];
    if (proto === "tcp") modules.push(tcpMatch(), multiport);
    if (proto === "udp") modules.push(udpLike("udp"), multiport);
    if (proto === "sctp") modules.push(udpLike("sctp"));
    if (proto === "icmp") modules.push(icmpMatch);
    return fc.tuple(fc.array(fc.oneof(...modules), { maxLength: 4 }), target(place, proto === "tcp")).map(([matches, t]) => {
      let s = h.counters ? `[${h.counters[0]}:${h.counters[1]}] ` : "";
      s += `-A ${chain}`;
      if (h.s) s += `${bang(h.s.inv)} -s ${h.s.c}`;
      if (h.d) s += `${bang(h.d.inv)} -d ${h.d.c}`;
      if (h.i) s += `${bang(h.i[0])} -i ${h.i[1]}`;
      if (h.o) s += `${bang(h.o[0])} -o ${h.o[1]}`;
      if (h.p) s += `${bang(h.p[0])} -p ${h.p[1]}`;
      if (h.f !== null) s += `${bang(h.f)} -f`;
      return s + matches.join("") + t;
    });
  });
}

const chainName = fc.array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), { minLength: 1, maxLength: 28 })
  .map((a) => a.join(""))
  .filter((n) => !["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"].includes(n) && !n.startsWith("-"));

const BUILTINS = { filter: ["INPUT", "FORWARD", "OUTPUT"], mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] } as const;

/** A whole table: declarations with policies and counters, user chains in byte order, rules grouped by chain. */
function table(name: "filter" | "mangle"): fc.Arbitrary<string[]> {
  return fc.record({
    users: fc.uniqueArray(chainName, { maxLength: 5 }).map((u) => u.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
    policies: fc.array(fc.tuple(fc.constantFrom("ACCEPT", "DROP"), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat()), { minLength: 5, maxLength: 5 }),
  }).chain(({ users, policies }) => {
    const builtins = BUILTINS[name];
    const places: Place[] = [
      ...builtins.map((chain) => ({ chain, builtin: true, jumps: users })),
      ...users.map((chain, i) => ({ chain, builtin: false, jumps: users.slice(i + 1) })),
    ];
    return fc.tuple(...places.map((p) => fc.array(rule(p), { maxLength: 4 }))).map((rulesByChain) => [
      `*${name}`,
      ...builtins.map((c, i) => `:${c} ${policies[i][0]} [${policies[i][1]}:${policies[i][2]}]`),
      ...users.map((c) => `:${c} - [0:0]`),
      ...rulesByChain.flat(),
      "COMMIT",
    ]);
  });
}

const dumpText = fc.record({
  header: fc.constantFrom("# Generated by iptables-save v1.8.9 on Mon Nov 24 09:12:41 2025", "# Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Nov 26 16:20:05 2025"),
  tables: fc.subarray<"mangle" | "filter">(["mangle", "filter"], { minLength: 1 }).chain((names) => fc.tuple(...names.map(table))),
}).map(({ header, tables }) => {
  // LF line endings only: iptables-restore refuses a CRLF file (test/parse/grammar.test.ts).
  const lines = tables.flatMap((t) => [header, ...t, "# Completed on Mon Nov 24 09:12:41 2025"]);
  return lines.join("\n") + "\n";
});

describe("random valid rules in canonical form", () => {
  it("print back byte for byte, with no errors or warnings", () => {
    const place: Place = { chain: "FORWARD", builtin: true, jumps: ["A-CHAIN", "Z_CHAIN"] };
    fc.assert(
      fc.property(rule(place), (line) => {
        const text = `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:A-CHAIN - [0:0]\n:Z_CHAIN - [0:0]\n${line}\nCOMMIT\n`;
        const r = parseDump(text);
        expect(r.errors).toEqual([]);
        expect(r.warnings).toEqual([]);
        expect(formatDump(r.dump)).toBe(text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("random valid dumps", () => {
  it("print back byte for byte, with no errors or warnings", () => {
    fc.assert(
      fc.property(dumpText, (text) => {
        const r = parseDump(text);
        expect(r.errors).toEqual([]);
        expect(r.warnings).toEqual([]);
        expect(formatDump(r.dump)).toBe(text);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("random damage to the wordpress dump", () => {
  const lines = wordpress.split("\n");
  type Edit =
    | { kind: "delete" | "duplicate"; at: number }
    | { kind: "swap"; at: number; with: number }
    | { kind: "insert"; at: number; offset: number; bytes: number[] }
    | { kind: "truncate"; at: number };
  const at = fc.nat({ max: lines.length - 1 });
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at }),
    fc.record({ kind: fc.constant("swap" as const), at, with: at }),
    fc.record({ kind: fc.constant("insert" as const), at, offset: fc.nat({ max: 200 }), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat({ max: wordpress.length }) }),
  );

  function damage(edits: Edit[]): string {
    let ls = [...lines];
    for (const e of edits) {
      const i = Math.min(e.at, ls.length - 1);
      if (i < 0) break;
      if (e.kind === "delete") ls.splice(i, 1);
      else if (e.kind === "duplicate") ls.splice(i, 0, ls[i]);
      else if (e.kind === "swap") {
        const j = Math.min(e.with, ls.length - 1);
        [ls[i], ls[j]] = [ls[j], ls[i]];
      } else if (e.kind === "insert") {
        const o = Math.min(e.offset, ls[i].length);
        ls[i] = ls[i].slice(0, o) + Buffer.from(e.bytes).toString("latin1") + ls[i].slice(o);
      } else ls = ls.join("\n").slice(0, e.at).split("\n");
    }
    return ls.join("\n");
  }

  it("never makes the parser throw, and every diagnostic points into the file", () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const text = damage(edits);
        const count = text.split("\n").length;
        const r = parseDump(text, { file: "damaged" });
        for (const d of [...r.errors, ...r.warnings]) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(count);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.file).toBe("damaged");
        }
        expect(typeof formatDump(r.dump)).toBe("string");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
