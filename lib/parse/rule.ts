/**
 * Reads the words of one `-A CHAIN ...` line into a typed rule: the fixed
 * header options, then each match module, then the target. Options a module
 * does not model are kept verbatim as an unsupported part, never dropped.
 */
import type { Counters, IpHeaderMatch, Negatable, TableName } from "../model/dump.js";
import type { Match } from "../model/matches.js";
import type { Target } from "../model/targets.js";
import { isBuiltinChain } from "../model/tables.js";
import type { Token } from "./lexer.js";
import { MATCH_READERS, MAX_COMMENT_LENGTH, isBuildError, type MatchReader, type RawOption } from "./matches.js";
import { utf8Length } from "../math/utf8.js";
import { KNOWN_UNMODELLED_TARGETS, TARGET_READERS, type TargetReader } from "./targets.js";
import { protocolName } from "../model/protocols.js";
import { counterNumber, portRangeWarning, readCidr, readPortRange, readProtocol, strtoui } from "./values.js";

/** A problem found while reading a rule, at a 1-based column. */
export interface RuleProblem {
  column: number;
  message: string;
  severity: "error" | "warning";
}

/** What the rule reader needs to know about the table so far. */
export interface RuleContext {
  table: TableName;
  chain: string;
  /** Whether a chain of this name exists in the table at this point. */
  hasChain(name: string): boolean;
  line: string;
}

/** The typed parts of a rule line (everything after `-A CHAIN`). */
export interface RuleParts {
  counters: Counters | null;
  ip: IpHeaderMatch;
  matches: Match[];
  target: Target | null;
}

type HeaderKey = keyof IpHeaderMatch;

const GENERIC = new Map<string, HeaderKey | "match" | "jump" | "goto" | "counters">([
  ["-s", "source"], ["--source", "source"], ["--src", "source"],
  ["-d", "destination"], ["--destination", "destination"], ["--dst", "destination"],
  ["-p", "protocol"], ["--protocol", "protocol"],
  ["-i", "inInterface"], ["--in-interface", "inInterface"],
  ["-o", "outInterface"], ["--out-interface", "outInterface"],
  ["-f", "fragment"], ["--fragment", "fragment"],
  ["-m", "match"], ["--match", "match"],
  ["-j", "jump"], ["--jump", "jump"],
  ["-g", "goto"], ["--goto", "goto"],
  ["-c", "counters"], ["--set-counters", "counters"],
]);

// Words of a rule are fresh strings: looking one up as an object property makes V8 probe its table of every
// interned string, which costs much more on a big dump than probing these small Maps.
const MATCHES = new Map(Object.entries(MATCH_READERS));
const TARGETS = new Map(Object.entries(TARGET_READERS));

const HEADER_FLAG: Record<HeaderKey, string> = {
  source: "-s", destination: "-d", protocol: "-p", inInterface: "-i", outInterface: "-o", fragment: "-f",
};

/** Longest interface name Linux allows (IFNAMSIZ - 1). */
const MAX_INTERFACE_LENGTH = 15;

interface Builder {
  /** Module or target name as written. */
  name: string;
  reader: MatchReader | TargetReader | null;
  tokens: Token[];
  options: RawOption[];
  /** Why this part is kept verbatim, when it is. */
  unsupported: string | null;
  isTarget: boolean;
  goto: boolean;
  implicit: boolean;
}

// Every spelling of every option of a module or target, mapped to its canonical name. Maps, for the
// same reason as MATCHES: an `in` test on an object with a fresh word probes V8's string table.
const spellings = new Map<MatchReader | TargetReader, Map<string, string>>();

function canonicalOption(reader: MatchReader | TargetReader, name: string): string | undefined {
  let table = spellings.get(reader);
  if (!table) {
    table = new Map(Object.keys(reader.options).map((o) => [o, o]));
    for (const [alias, canonical] of Object.entries(reader.aliases ?? {})) if (canonical in reader.options && !table.has(alias)) table.set(alias, canonical);
    spellings.set(reader, table);
  }
  return table.get(name);
}

function isOptionWord(t: Token): boolean {
  return !t.quoted && t.text.length > 1 && t.text[0] === "-";
}

function sourceText(line: string, tokens: Token[]): string {
  return tokens.map((t) => line.slice(t.start, t.end)).join(" ");
}

/** Read the words after `-A CHAIN` into typed parts, collecting problems. */
export function readRuleParts(tokens: Token[], ctx: RuleContext, problems: RuleProblem[]): RuleParts | null {
  const ip: IpHeaderMatch = {};
  let counters: Counters | null = null;
  const builders: Builder[] = [];
  let target: Builder | null = null;
  let invert: Token | null = null;
  let failed = false;
  const error = (t: Token | undefined, message: string) => {
    problems.push({ column: (t?.start ?? ctx.line.length) + 1, message, severity: "error" });
    failed = true;
  };

  // The part (module or target) written last: iptables takes matches after the target too (`-j ACCEPT -m comment ...`).
  let last: Builder | null = null;
  const current = (): Builder | null => last;

  let i = 0;
  while (i < tokens.length && !failed) {
    const t = tokens[i];
    if (!t.quoted && t.text === "!") {
      if (invert) error(t, "'!' given twice: expected one '!' before an option");
      invert = t;
      i++;
      continue;
    }
    // Only words starting with '-' can be generic options; looking others up would cost a hash of every value.
    const generic = t.quoted || t.text.charCodeAt(0) !== 45 ? undefined : GENERIC.get(t.text);
    if (generic === "match" || generic === "jump" || generic === "goto") {
      const nameTok = tokens[i + 1];
      if (!nameTok) {
        error(t, `${t.text} expects a ${generic === "match" ? "match module" : "target or chain"} name`);
        break;
      }
      if (invert) {
        error(invert, `'!' cannot negate ${t.text}: put it before an option of the module`);
        break;
      }
      const name = nameTok.text;
      if (generic === "match") {
        const reader = MATCHES.get(name) ?? null;
        builders.push((last = {
          name, reader, tokens: [t, nameTok], options: [], isTarget: false, goto: false, implicit: false,
          unsupported: reader ? null : `match module '${name}' is not modelled`,
        }));
      } else {
        if (target) {
          error(t, "a rule has one target: -j/-g given twice");
          break;
        }
        const reader = generic === "jump" ? TARGETS.get(name) ?? null : null;
        target = last = {
          name, reader, tokens: [t, nameTok], options: [], isTarget: true, goto: generic === "goto", implicit: false,
          unsupported: null,
        };
      }
      i += 2;
      continue;
    }
    if (generic === "counters") {
      // iptables reads `-c P B` (or `-c P,B`) with sscanf("%llu"): each word need only start with a number.
      const p = tokens[i + 1];
      const comma = p ? p.text.indexOf(",", 1) : -1;
      const b = comma >= 0 ? null : tokens[i + 2];
      const packets = p ? counterNumber(comma >= 0 ? p.text.slice(0, comma) : p.text) : null;
      const bytes = comma >= 0 ? counterNumber(p!.text.slice(comma + 1)) : b && !b.text.startsWith("-") && !b.text.startsWith("!") ? counterNumber(b.text) : null;
      if (packets === null || bytes === null) {
        error(t, `-c expects two numbers: packets and bytes (iptables: -c ${packets === null ? "packet" : "byte"} counter not numeric)`);
        break;
      }
      counters = { packets, bytes };
      i += comma >= 0 ? 2 : 3;
      continue;
    }
    if (generic !== undefined) {
      const key = generic;
      const flag = HEADER_FLAG[key];
      if (ip[key] !== undefined) {
        error(t, `${flag} given twice: expected at most one`);
        break;
      }
      let inv = invert !== null;
      let legacy = false;
      invert = null;
      if (key === "fragment") {
        ip.fragment = { value: true, invert: inv };
        i++;
        continue;
      }
      let arg = tokens[i + 1];
      if (arg && !arg.quoted && arg.text === "!") {
        // Pre-1.4.3 position: `-s ! 10.0.0.0/8`.
        if (inv) {
          error(arg, "'!' given twice: expected one '!' before an option");
          break;
        }
        inv = true;
        legacy = true;
        i++;
        arg = tokens[i + 1];
        problems.push({
          column: tokens[i].start + 1,
          message: `'${flag} !' is the pre-1.4.3 way to write '! ${flag}'; iptables 1.8.8 and later refuse it`,
          severity: "warning",
        });
      }
      if (!arg) {
        error(t, `${flag} expects a value`);
        break;
      }
      const neg = <T>(value: T): Negatable<T> => (legacy ? { value, invert: inv, legacyNegation: true } : { value, invert: inv });
      if (key === "source" || key === "destination") {
        const c = readCidr(arg.text);
        if (!c.ok) {
          error(arg, `${flag}: ${c.message}`);
          break;
        }
        ip[key] = neg(c.value);
      } else if (key === "protocol") {
        const n = readProtocol(arg.text);
        if (!n.ok) {
          error(arg, `-p: ${n.message}`);
          break;
        }
        if (n.value === 0) {
          // iptables refuses `! -p all` ("rule would never match protocol").
          if (inv) {
            error(arg, `! -p ${arg.text}: a rule that excludes every protocol would never match`);
            break;
          }
        } else if (n.value === 58) {
          error(arg, `-p ${arg.text}: ICMPv6 belongs to ip6tables; this kit reads IPv4 iptables dumps only`);
          break;
        } else ip.protocol = neg(protocolName(n.value));
      } else {
        if (arg.text.length === 0 || arg.text.length > MAX_INTERFACE_LENGTH) {
          error(arg, `${flag}: expected an interface name of 1 to ${MAX_INTERFACE_LENGTH} characters`);
          break;
        }
        ip[key] = neg(arg.text);
      }
      i += 2;
      continue;
    }

    if (isOptionWord(t)) {
      const cur = current();
      const inv = invert;
      invert = null;
      // An unknown module keeps every option after it, as written.
      if (cur && cur.unsupported !== null && cur.reader === null) {
        if (inv) cur.tokens.push(inv);
        cur.tokens.push(t);
        i++;
        while (i < tokens.length && !isOptionWord(tokens[i]) && !(tokens[i].text === "!" && !tokens[i].quoted)) cur.tokens.push(tokens[i++]);
        continue;
      }
      let owner: Builder | null = null;
      let name: string | undefined;
      if (target?.reader) {
        name = canonicalOption(target.reader, t.text);
        if (name) owner = target;
      }
      if (!owner) {
        for (let b = builders.length - 1; b >= 0 && !owner; b--) {
          const r = builders[b].reader;
          if (!r || builders[b].unsupported) continue;
          name = canonicalOption(r, t.text);
          if (name) owner = builders[b];
        }
      }
      if (!owner && !target) {
        // `-p tcp --dport 80` (or `-p icmp --icmp-type 8`) loads the protocol's match implicitly, where the option appears.
        const proto = ip.protocol?.value;
        const reader = proto ? MATCHES.get(proto) : undefined;
        if (proto && (proto === "tcp" || proto === "udp" || proto === "sctp" || proto === "icmp") && reader && canonicalOption(reader, t.text)
          && !builders.some((b) => b.name === proto)) {
          owner = { name: proto, reader, tokens: [], options: [], isTarget: false, goto: false, implicit: true, unsupported: null };
          builders.push(owner);
          name = canonicalOption(reader, t.text);
        }
      }
      if (owner && name) {
        const nargs = owner.reader!.options[name];
        const args = tokens.slice(i + 1, i + 1 + nargs);
        if (args.length < nargs) {
          error(t, `${t.text} expects ${nargs === 1 ? "a value" : `${nargs} values`}`);
          break;
        }
        const invertible = owner.isTarget ? [] : ((owner.reader as MatchReader).invertible ?? []);
        if (inv && !invertible.includes(name)) {
          error(inv, `'!' cannot negate ${t.text}`);
          break;
        }
        if (owner.options.some((o) => o.name === name)) {
          error(t, `${t.text} given twice in ${owner.isTarget ? owner.name : `-m ${owner.name}`}: expected at most one`);
          break;
        }
        owner.options.push({ name, invert: inv !== null, args, token: t });
        if (inv) owner.tokens.push(inv);
        owner.tokens.push(t, ...args);
        i += 1 + nargs;
        continue;
      }
      // iptables reads options with getopt over the modules loaded so far: when each of them is one the kit
      // models (or there is none), nobody knows this option and iptables stops with "unknown option".
      if (!builders.some((b) => b.reader === null && b.name !== "") && !(target && target.reader === null && target.name !== "")) {
        error(t, `unknown option "${t.text}"${cur?.name ? ` (${cur.isTarget ? cur.name : `-m ${cur.name}`} has no such option)` : ""}`);
        break;
      }
      // An option nobody models: keep it with the part it belongs to, verbatim.
      let keeper = cur;
      if (!keeper) {
        keeper = last = { name: "", reader: null, tokens: [], options: [], isTarget: false, goto: false, implicit: false, unsupported: null };
        builders.push(keeper);
      }
      keeper.unsupported ??= keeper.name
        ? `option ${t.text} of ${keeper.isTarget ? keeper.name : `-m ${keeper.name}`} is not modelled`
        : `option ${t.text} belongs to no module the kit models`;
      if (inv) keeper.tokens.push(inv);
      keeper.tokens.push(t);
      i++;
      while (i < tokens.length && !isOptionWord(tokens[i]) && !(tokens[i].text === "!" && !tokens[i].quoted)) keeper.tokens.push(tokens[i++]);
      continue;
    }

    const cur = current();
    if (cur && cur.unsupported !== null) {
      if (invert) cur.tokens.push(invert);
      invert = null;
      cur.tokens.push(t);
      i++;
      continue;
    }
    error(t, `unexpected word '${t.text}': expected an option such as -s, -d, -p, -m or -j`);
  }
  if (!failed && invert) error(invert, "'!' at the end of the rule: expected an option after it");
  if (failed) return null;

  const matches: Match[] = [];
  const warn = (t: Token, message: string) => problems.push({ column: t.start + 1, message, severity: "warning" });
  for (const b of [...builders, ...(target && target.reader === null ? [target] : [])]) {
    const bad = dscpProblem(b.name, b.tokens);
    if (bad) error(bad.token, bad.message);
  }
  for (const b of builders) {
    if (b.unsupported !== null || b.reader === null) {
      const reason = b.unsupported ?? `match module '${b.name}' is not modelled`;
      matches.push({ kind: "unsupported", module: b.name, text: sourceText(ctx.line, b.tokens), reason });
      warn(b.tokens[0], `kept but not modelled: ${reason}`);
      continue;
    }
    const m = (b.reader as MatchReader).build(b.options);
    if (isBuildError(m)) {
      error(m.token ?? b.tokens[0], m.message);
      continue;
    }
    const problem = protocolProblem(m.kind, ip);
    if (problem) {
      error(b.tokens[0], problem);
      continue;
    }
    for (const o of b.options) {
      const range = o.args[0] && (o.name === "--sport" || o.name === "--dport") ? readPortRange(o.args[0].text) : null;
      const backwards = range?.ok ? portRangeWarning(range.value, o.args[0].text) : null;
      if (backwards) warn(o.args[0], backwards);
    }
    const commentText = m.kind === "comment" ? b.options.find((o) => o.name === "--comment")!.args[0] : null;
    if (commentText && m.kind === "comment" && m.text !== commentText.text)
      warn(commentText, `--comment: text is ${utf8Length(commentText.text)} bytes long: the kernel keeps its first ${MAX_COMMENT_LENGTH} bytes, and so does the kit (iptables-save prints them)`);
    matches.push(m);
  }

  let built: Target | null = null;
  if (target) {
    const t = target;
    const here = t.tokens[1];
    // An option after a name that is neither a modelled nor a known target (a chain, a typo) is an error, as in iptables.
    if (t.unsupported !== null && (t.reader || KNOWN_UNMODELLED_TARGETS.has(t.name))) {
      built = { kind: "unsupported", name: t.name, text: sourceText(ctx.line, t.tokens), reason: t.unsupported };
      warn(t.tokens[0], `kept but not modelled: ${t.unsupported}`);
    } else if (t.reader) {
      const r = (t.reader as TargetReader).build(t.options, t.name);
      if ("message" in r && "token" in r) error(r.token ?? here, r.message);
      else built = r as Target;
    } else if (isBuiltinChain(ctx.table, t.name)) {
      error(here, `${t.tokens[0].text} ${t.name}: cannot jump to a built-in chain`);
    } else if (ctx.hasChain(t.name)) {
      if (t.tokens.length > 2) error(t.tokens[2], `unexpected option ${t.tokens[2].text} after ${t.tokens[0].text} ${t.name}: a chain takes no options`);
      built = { kind: "jump", chain: t.name, goto: t.goto };
    } else if (!t.goto && KNOWN_UNMODELLED_TARGETS.has(t.name)) {
      const reason = `target ${t.name} is not modelled`;
      built = { kind: "unsupported", name: t.name, text: sourceText(ctx.line, t.tokens), reason };
      warn(t.tokens[0], `kept but not modelled: ${reason}`);
    } else if (t.goto && TARGETS.has(t.name)) {
      error(here, `-g ${t.name}: goto needs a user chain, not a target`);
    } else {
      error(here, `${t.tokens[0].text} ${t.name}: no chain called '${t.name}' is declared in table ${ctx.table} before this line, and it is not a known target`);
    }
  }
  if (built) checkTargetProtocol(built, ip, target!, error);
  if (failed) return null;
  return { counters, ip, matches, target: built };
}

/** The DiffServ class names libxt_dscp knows. */
const DSCP_CLASSES = new Set(["CS0", "CS1", "CS2", "CS3", "CS4", "CS5", "CS6", "CS7", "BE", "AF11", "AF12", "AF13", "AF21", "AF22", "AF23", "AF31", "AF32", "AF33", "AF41", "AF42", "AF43", "EF"]);

/**
 * `-m dscp` and `-j DSCP` are kept without being modelled, but iptables checks their values:
 * a DSCP is 0 to 63, a class one of the DiffServ names.
 */
function dscpProblem(module: string, tokens: Token[]): { token: Token; message: string } | null {
  if (module !== "dscp" && module !== "DSCP") return null;
  for (let k = 0; k + 1 < tokens.length; k++) {
    const name = tokens[k].text, arg = tokens[k + 1];
    if (name === "--dscp" || name === "--set-dscp") {
      const n = strtoui(arg.text);
      if (n === null || n > 63) return { token: arg, message: `${module}: bad value for option "${name}", or out of range (0-63)` };
    } else if ((name === "--dscp-class" || name === "--set-dscp-class") && !DSCP_CLASSES.has(arg.text.toUpperCase()))
      return { token: arg, message: `${module}: invalid DSCP class '${arg.text}': expected BE, EF, CS0-CS7 or AF11-AF43` };
  }
  return null;
}

const PORT_PROTOCOLS = ["tcp", "udp", "sctp", "dccp"];
/** Protocols whose match module the kernel loads only for packets of that protocol. */
const PROTOCOL_MATCHES = new Set(["tcp", "udp", "sctp", "icmp"]);
const MULTIPORT_PROTOCOLS = ["tcp", "udp", "udplite", "sctp", "dccp"];

/**
 * Why a match cannot go with the rule's `-p`, or null. iptables-restore --test lets `-m tcp` without
 * `-p tcp` through, but the kernel refuses to load it (xt_tcp: "only valid for protocol 6"); multiport
 * is refused by iptables itself.
 */
function protocolProblem(kind: string, ip: IpHeaderMatch): string | null {
  const proto = ip.protocol && !ip.protocol.invert ? ip.protocol.value : null;
  if (PROTOCOL_MATCHES.has(kind) && proto !== kind) return `-m ${kind} needs -p ${kind}: the kernel loads the ${kind} match only for ${kind.toUpperCase()} packets`;
  if (kind === "multiport" && (proto === null || !MULTIPORT_PROTOCOLS.includes(proto))) return "-m multiport needs -p tcp, udp, udplite, sctp or dccp (iptables: multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP)";
  return null;
}

/** Protocol checks iptables makes on target options: NAT ports need a port protocol, tcp-reset needs tcp. */
function checkTargetProtocol(t: Target, ip: IpHeaderMatch, b: Builder, error: (t: Token | undefined, message: string) => void): void {
  const proto = ip.protocol && !ip.protocol.invert ? ip.protocol.value : null;
  const optionToken = (name: string) => b.options.find((o) => o.name === name)?.args[0] ?? b.tokens[1];
  if (t.kind === "REJECT" && t.rejectWith === "tcp-reset" && proto !== "tcp") {
    // The kernel's REJECT check refuses the rule when the table is loaded.
    error(optionToken("--reject-with"), "--reject-with tcp-reset only works on TCP: add -p tcp");
    return;
  }
  if (proto !== null && PORT_PROTOCOLS.includes(proto)) return;
  if ((t.kind === "DNAT" || t.kind === "SNAT") && t.ranges.some((r) => r.minPort !== undefined)) {
    error(optionToken(t.kind === "DNAT" ? "--to-destination" : "--to-source"), `${t.kind} to a port needs -p tcp, udp, sctp or dccp`);
  } else if ((t.kind === "MASQUERADE" || t.kind === "REDIRECT") && t.ports) {
    error(optionToken("--to-ports"), `${t.kind} --to-ports needs -p tcp, udp, sctp or dccp`);
  }
}
