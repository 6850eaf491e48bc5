/**
 * Reads the words of one `-A CHAIN ...` line into a typed rule: the fixed
 * header options, then each match module, then the target. Options a module
 * does not model are kept verbatim as an unsupported part, never dropped.
 */
import type { Cidr } from "../model/address.js";
import type { Counters, IpHeaderMatch, Negatable, TableName } from "../model/dump.js";
import type { Match } from "../model/matches.js";
import type { Target } from "../model/targets.js";
import { isBuiltinChain } from "../model/tables.js";
import { emptyList, type Token } from "./lexer.js";
import { BuildError, MATCH_READERS, MAX_COMMENT_LENGTH, isBuildError, type MatchReader, type RawOption } from "./matches.js";
import { utf8Length } from "../math/utf8.js";
import { KNOWN_UNMODELLED_TARGETS, TARGET_READERS, type TargetReader } from "./targets.js";
import { protocolName } from "../model/protocols.js";
import { counterNumber, portRangeWarning, readPortRange, readProtocol, strtoui, type Read } from "./values.js";

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
  /** The one copy of a string that repeats through the dump (interface, module and target names, text kept verbatim). */
  intern(text: string): string;
  /** An address as `-s`/`-d` read it; one shared value for each spelling that repeats. */
  cidr(text: string): Read<Cidr>;
  /** `{ value, invert }` shared by every rule that says the same of a value shared by intern() or cidr(). */
  negatable<T>(value: T, invert: boolean): Negatable<T>;
  /** A match read before with the same meaning, for the kinds that repeat through a dump (comments, random statistics, single ports); else `m`. */
  sharedMatch(m: Match): Match;
  /** The match the parse made before for these words, when it keeps one (the comment just before, a random statistic by its probability as written); else null. */
  matchReadBefore(module: string, options: RawOption[]): Match | null;
  /** A header read before that holds only the same shared option (`-p tcp`), or `ip` itself. */
  sharedHeader(ip: IpHeaderMatch): IpHeaderMatch;
  /** The builders and options the reader reuses from rule to rule (one set per parse). */
  pools: RulePools;
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
/** The modelled modules' names, so every builder shares one string per module. */
const MATCH_NAMES = new Map(Object.keys(MATCH_READERS).map((name) => [name, name]));
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

/**
 * Builders and options live only while one rule is read (the readers copy what they keep out of them), and
 * a kube-proxy rule makes three or four of each: they are taken from these pools, which every rule starts
 * again from the beginning, instead of being made and dropped 600 000 times on a 10k-Service dump. Their
 * lists are emptied, not replaced, so they keep their room too. One set per parse, so two parses (a reader
 * of the model that parses again, a generator that calls back) never share them.
 */
export class RulePools {
  readonly builders: Builder[] = [];
  readonly options: RawOption[] = [];
  /** The builders of the rule being read (Reading.builders), and the matches built from them before they are copied out. */
  readonly ruleBuilders: Builder[] = [];
  readonly builtMatches: Match[] = [];
  buildersTaken = 0;
  optionsTaken = 0;

  /** Start a rule: every pooled builder and option is free again. */
  release(): void {
    this.buildersTaken = 0;
    this.optionsTaken = 0;
    emptyList(this.ruleBuilders);
  }
}

function newBuilder(r: Reading, name: string, reader: MatchReader | TargetReader | null, isTarget: boolean, goto: boolean, implicit: boolean, unsupported: string | null): Builder {
  const pools = r.ctx.pools;
  const b = pools.builders[pools.buildersTaken++];
  if (b === undefined) {
    const made: Builder = { name, reader, tokens: [], options: [], unsupported, isTarget, goto, implicit };
    pools.builders.push(made);
    return made;
  }
  b.name = name;
  b.reader = reader;
  emptyList(b.tokens);
  emptyList(b.options);
  b.unsupported = unsupported;
  b.isTarget = isTarget;
  b.goto = goto;
  b.implicit = implicit;
  return b;
}

function newOption(r: Reading, name: string, invert: boolean, token: Token): RawOption {
  const pools = r.ctx.pools;
  const o = pools.options[pools.optionsTaken++];
  if (o === undefined) {
    const made: RawOption = { name, invert, args: [], token };
    pools.options.push(made);
    return made;
  }
  o.name = name;
  o.invert = invert;
  emptyList(o.args);
  o.token = token;
  return o;
}

/** The state of reading one rule's words: what has been read so far, and whether an error stopped it. */
interface Reading {
  tokens: Token[];
  ctx: RuleContext;
  problems: RuleProblem[];
  ip: IpHeaderMatch;
  counters: Counters | null;
  /** Match modules in the order written (an implicit `-p` match where its first option appears). */
  builders: Builder[];
  target: Builder | null;
  /** The part (module or target) written last: iptables takes matches after the target too (`-j ACCEPT -m comment ...`). */
  last: Builder | null;
  /** A `!` waiting for the option it negates. */
  invert: Token | null;
  failed: boolean;
}

function fail(r: Reading, t: Token | undefined, message: string): void {
  r.problems.push({ column: (t?.start ?? r.ctx.line.length) + 1, message, severity: "error" });
  r.failed = true;
}

function warn(r: Reading, t: Token, message: string): void {
  r.problems.push({ column: t.start + 1, message, severity: "warning" });
}

function isBang(t: Token): boolean {
  return !t.quoted && t.text === "!";
}

/**
 * Read the words after `-A CHAIN` (from `tokens[from]` on) into typed parts, collecting problems. Two passes: the words are
 * sorted into the header, the match modules and the target (readWord), then each module and the
 * target is built from its options (buildMatches, buildTarget).
 */
export function readRuleParts(tokens: Token[], from: number, ctx: RuleContext, problems: RuleProblem[]): RuleParts | null {
  ctx.pools.release();
  const r: Reading = { tokens, ctx, problems, ip: NO_HEADER_OPTIONS, counters: null, builders: ctx.pools.ruleBuilders, target: null, last: null, invert: null, failed: false };
  let i = from;
  while (i < tokens.length && !r.failed) i = readWord(r, i);
  if (!r.failed && r.invert) fail(r, r.invert, "'!' at the end of the rule: expected an option after it");
  if (r.failed) return null;
  checkDscp(r);
  const matches = buildMatches(r);
  const target = r.target ? buildTarget(r, r.target) : null;
  if (target) checkTargetProtocol(target, r.ip, r.target!, (t, message) => fail(r, t, message));
  if (r.failed) return null;
  return { counters: r.counters, ip: r.ip === NO_HEADER_OPTIONS ? r.ip : ctx.sharedHeader(r.ip), matches, target };
}

/**
 * The header of every rule without -s, -d, -p, -i, -o or -f (most rules of a kube-proxy dump): one frozen,
 * shared empty object, where each rule would otherwise keep one of its own (56 bytes with its spare slots).
 */
const NO_HEADER_OPTIONS: IpHeaderMatch = Object.freeze({});

/** Read the word at `i` (with the words it takes); the index of the next word. */
function readWord(r: Reading, i: number): number {
  const t = r.tokens[i];
  if (isBang(t)) {
    if (r.invert) fail(r, t, "'!' given twice: expected one '!' before an option");
    r.invert = t;
    return i + 1;
  }
  // Only words starting with '-' can be generic options; looking others up would cost a hash of every value.
  const generic = t.quoted || t.text.charCodeAt(0) !== 45 ? undefined : GENERIC.get(t.text);
  if (generic === "match" || generic === "jump" || generic === "goto") return readPartName(r, i, generic);
  if (generic === "counters") return readCounterOption(r, i);
  if (generic !== undefined) return readHeaderOption(r, i, generic);
  if (isOptionWord(t)) return readModuleOption(r, i);
  const cur = r.last;
  if (cur && cur.unsupported !== null) {
    if (r.invert) cur.tokens.push(r.invert);
    r.invert = null;
    cur.tokens.push(t);
    return i + 1;
  }
  fail(r, t, `unexpected word '${t.text}': expected an option such as -s, -d, -p, -m or -j`);
  return i + 1;
}

/** `-m NAME`, `-j NAME` or `-g NAME`: start a match module or the target. */
function readPartName(r: Reading, i: number, generic: "match" | "jump" | "goto"): number {
  const t = r.tokens[i];
  const nameTok = r.tokens[i + 1];
  if (!nameTok) {
    fail(r, t, `${t.text} expects a ${generic === "match" ? "match module" : "target or chain"} name`);
    return i;
  }
  if (r.invert) {
    fail(r, r.invert, `'!' cannot negate ${t.text}: put it before an option of the module`);
    return i;
  }
  const name = nameTok.text;
  if (generic === "match") {
    const reader = MATCHES.get(name) ?? null;
    const b = (r.last = newBuilder(r, reader ? MATCH_NAMES.get(name)! : r.ctx.intern(name), reader, false, false, false, reader ? null : `match module '${name}' is not modelled`));
    b.tokens.push(t, nameTok);
    r.builders.push(b);
    return i + 2;
  }
  if (r.target) {
    fail(r, t, "a rule has one target: -j/-g given twice");
    return i;
  }
  const reader = generic === "jump" ? TARGETS.get(name) ?? null : null;
  r.target = r.last = newBuilder(r, name, reader, true, generic === "goto", false, null);
  r.target.tokens.push(t, nameTok);
  return i + 2;
}

/** `-c PACKETS BYTES` (or `-c P,B`), read as iptables does with sscanf("%llu"): each word need only start with a number. */
function readCounterOption(r: Reading, i: number): number {
  const t = r.tokens[i];
  const p = r.tokens[i + 1];
  const comma = p ? p.text.indexOf(",", 1) : -1;
  const b = comma >= 0 ? null : r.tokens[i + 2];
  const packets = p ? counterNumber(comma >= 0 ? p.text.slice(0, comma) : p.text) : null;
  const bytes = comma >= 0 ? counterNumber(p!.text.slice(comma + 1)) : b && !b.text.startsWith("-") && !b.text.startsWith("!") ? counterNumber(b.text) : null;
  if (packets === null || bytes === null) {
    fail(r, t, `-c expects two numbers: packets and bytes (iptables: -c ${packets === null ? "packet" : "byte"} counter not numeric)`);
    return i;
  }
  r.counters = { packets, bytes };
  return i + (comma >= 0 ? 2 : 3);
}

/** An option of the fixed header (`-s`, `-d`, `-p`, `-i`, `-o`, `-f`), with its `!` before it or (pre-1.4.3) after it. */
function readHeaderOption(r: Reading, i: number, key: HeaderKey): number {
  const t = r.tokens[i];
  const flag = HEADER_FLAG[key];
  if (r.ip[key] !== undefined) {
    fail(r, t, `${flag} given twice: expected at most one`);
    return i;
  }
  let inv = r.invert !== null;
  let legacy = false;
  r.invert = null;
  // The rule's own header is made with its first option (until then it is the shared empty one).
  if (r.ip === NO_HEADER_OPTIONS) r.ip = {};
  if (key === "fragment") {
    r.ip.fragment = { value: true, invert: inv };
    return i + 1;
  }
  let arg = r.tokens[i + 1];
  if (arg && isBang(arg)) {
    // Pre-1.4.3 position: `-s ! 10.0.0.0/8`.
    if (inv) {
      fail(r, arg, "'!' given twice: expected one '!' before an option");
      return i;
    }
    inv = true;
    legacy = true;
    i++;
    arg = r.tokens[i + 1];
    warn(r, r.tokens[i], `'${flag} !' is the pre-1.4.3 way to write '! ${flag}'; iptables 1.8.8 and later refuse it`);
  }
  if (!arg) {
    fail(r, t, `${flag} expects a value`);
    return i;
  }
  const value = readHeaderValue(r, key, arg, inv);
  if (value === null) return i;
  // A value read here is shared (an interned name, a network), so its `{ value, invert }` can be too; a host
  // address (`/32`: a pod, a Service) is the rule's own, and so is its wrapper, made without asking.
  if (value !== undefined) r.ip[key] = (legacy ? { value, invert: inv, legacyNegation: true } : isHost(value) ? { value, invert: inv } : r.ctx.negatable(value, inv)) as Negatable<never>;
  return i + 2;
}

/** Whether a header value is a single host's address, which the parse reads afresh for each rule (Interner.cidr). */
function isHost(value: Cidr | string): boolean {
  return typeof value !== "string" && value.prefix === 32;
}

/** The value of a header option: null after an error, undefined when it sets nothing (`-p all`). */
function readHeaderValue(r: Reading, key: Exclude<HeaderKey, "fragment">, arg: Token, inv: boolean): Cidr | string | null | undefined {
  const flag = HEADER_FLAG[key];
  if (key === "source" || key === "destination") {
    const c = r.ctx.cidr(arg.text);
    if (!c.ok) fail(r, arg, `${flag}: ${c.message}`);
    return c.ok ? c.value : null;
  }
  if (key === "protocol") {
    const n = readProtocol(arg.text);
    if (!n.ok) {
      fail(r, arg, `-p: ${n.message}`);
      return null;
    }
    if (n.value === 0) {
      // iptables refuses `! -p all` ("rule would never match protocol").
      if (inv) fail(r, arg, `! -p ${arg.text}: a rule that excludes every protocol would never match`);
      return inv ? null : undefined;
    }
    if (n.value === 58) {
      fail(r, arg, `-p ${arg.text}: ICMPv6 belongs to ip6tables; this kit reads IPv4 iptables dumps only`);
      return null;
    }
    return protocolName(n.value);
  }
  if (arg.text.length === 0 || arg.text.length > MAX_INTERFACE_LENGTH) {
    fail(r, arg, `${flag}: expected an interface name of 1 to ${MAX_INTERFACE_LENGTH} characters`);
    return null;
  }
  return r.ctx.intern(arg.text);
}

/** An option word (`--dport`, `--comment`, ...): given to the module or target it belongs to, or kept verbatim. */
function readModuleOption(r: Reading, i: number): number {
  const t = r.tokens[i];
  const cur = r.last;
  const inv = r.invert;
  r.invert = null;
  // An unknown module keeps every option after it, as written.
  if (cur && cur.unsupported !== null && cur.reader === null) {
    if (inv) cur.tokens.push(inv);
    cur.tokens.push(t);
    return keepValues(r, cur, i + 1);
  }
  const found = optionOwner(r, t.text);
  if (found) return giveOption(r, i, found.owner, found.name, inv);
  // iptables reads options with getopt over the modules loaded so far: when each of them is one the kit
  // models (or there is none), nobody knows this option and iptables stops with "unknown option".
  const target = r.target;
  if (!r.builders.some((b) => b.reader === null && b.name !== "") && !(target && target.reader === null && target.name !== "")) {
    fail(r, t, `unknown option "${t.text}"${cur?.name ? ` (${cur.isTarget ? cur.name : `-m ${cur.name}`} has no such option)` : ""}`);
    return i;
  }
  // An option nobody models: keep it with the part it belongs to, verbatim.
  let keeper = cur;
  if (!keeper) {
    keeper = r.last = newBuilder(r, "", null, false, false, false, null);
    r.builders.push(keeper);
  }
  keeper.unsupported ??= keeper.name
    ? `option ${t.text} of ${keeper.isTarget ? keeper.name : `-m ${keeper.name}`} is not modelled`
    : `option ${t.text} belongs to no module the kit models`;
  if (inv) keeper.tokens.push(inv);
  keeper.tokens.push(t);
  return keepValues(r, keeper, i + 1);
}

/** Keep the words after an option kept verbatim, up to the next option or `!`; the index after them. */
function keepValues(r: Reading, keeper: Builder, i: number): number {
  const tokens = r.tokens;
  while (i < tokens.length && !isOptionWord(tokens[i]) && !isBang(tokens[i])) keeper.tokens.push(tokens[i++]);
  return i;
}

/**
 * The part an option belongs to, and the option's canonical name: the target first, then the modules
 * from the last one back, then (`-p tcp --dport 80`) the protocol's match, loaded implicitly.
 */
function optionOwner(r: Reading, word: string): { owner: Builder; name: string } | null {
  const target = r.target;
  if (target?.reader) {
    const name = canonicalOption(target.reader, word);
    if (name) return { owner: target, name };
  }
  for (let b = r.builders.length - 1; b >= 0; b--) {
    const reader = r.builders[b].reader;
    if (!reader || r.builders[b].unsupported) continue;
    const name = canonicalOption(reader, word);
    if (name) return { owner: r.builders[b], name };
  }
  if (target) return null;
  const proto = r.ip.protocol?.value;
  if (!proto || !(proto === "tcp" || proto === "udp" || proto === "sctp" || proto === "icmp")) return null;
  const reader = MATCHES.get(proto);
  const name = reader ? canonicalOption(reader, word) : undefined;
  if (!reader || !name || r.builders.some((b) => b.name === proto)) return null;
  const owner = newBuilder(r, proto, reader, false, false, true, null);
  r.builders.push(owner);
  return { owner, name };
}

/** Give the option at `i` and its values to `owner`; the index after them. */
function giveOption(r: Reading, i: number, owner: Builder, name: string, inv: Token | null): number {
  const t = r.tokens[i];
  const nargs = owner.reader!.options[name];
  if (i + 1 + nargs > r.tokens.length) {
    fail(r, t, `${t.text} expects ${nargs === 1 ? "a value" : `${nargs} values`}`);
    return i;
  }
  const invertible = owner.isTarget ? NONE : ((owner.reader as MatchReader).invertible ?? NONE);
  if (inv && !invertible.includes(name)) {
    fail(r, inv, `'!' cannot negate ${t.text}`);
    return i;
  }
  if (owner.options.some((o) => o.name === name)) {
    fail(r, t, `${t.text} given twice in ${owner.isTarget ? owner.name : `-m ${owner.name}`}: expected at most one`);
    return i;
  }
  const option = newOption(r, name, inv !== null, t);
  owner.options.push(option);
  if (inv) owner.tokens.push(inv);
  owner.tokens.push(t);
  for (let k = i + 1; k <= i + nargs; k++) {
    option.args.push(r.tokens[k]);
    owner.tokens.push(r.tokens[k]);
  }
  return i + 1 + nargs;
}

const NONE: readonly string[] = [];

/** `-m dscp` and `-j DSCP` are kept unmodelled, but their values are checked as iptables does. */
function checkDscp(r: Reading): void {
  for (const b of r.builders) {
    const bad = dscpProblem(b.name, b.tokens);
    if (bad) fail(r, bad.token, bad.message);
  }
  const t = r.target;
  if (t && t.reader === null) {
    const bad = dscpProblem(t.name, t.tokens);
    if (bad) fail(r, bad.token, bad.message);
  }
}

/** Build each match module from its options; an unmodelled one is kept as written, with a warning. */
function buildMatches(r: Reading): Match[] {
  const matches = r.ctx.pools.builtMatches;
  emptyList(matches);
  for (const b of r.builders) {
    if (b.unsupported !== null || b.reader === null) {
      const reason = b.unsupported ?? `match module '${b.name}' is not modelled`;
      matches.push({ kind: "unsupported", module: b.name, text: r.ctx.intern(sourceText(r.ctx.line, b.tokens)), reason });
      warn(r, b.tokens[0], `kept but not modelled: ${reason}`);
      continue;
    }
    // What most rules of a kube-proxy dump repeat is found without building it again.
    const known = r.ctx.matchReadBefore(b.name, b.options);
    if (known !== null) {
      matches.push(known);
      continue;
    }
    const m = (b.reader as MatchReader).build(b.options);
    if (isBuildError(m)) {
      fail(r, m.token ?? b.tokens[0], m.message);
      continue;
    }
    const problem = protocolProblem(m.kind, r.ip);
    if (problem) {
      fail(r, b.tokens[0], problem);
      continue;
    }
    warnBackwardsPorts(r, b);
    if (m.kind === "comment") {
      const written = b.options.find((o) => o.name === "--comment")!.args[0];
      if (m.text !== written.text)
        warn(r, written, `--comment: text is ${utf8Length(written.text)} bytes long: the kernel keeps its first ${MAX_COMMENT_LENGTH} bytes, and so does the kit (iptables-save prints them)`);
    }
    matches.push(r.ctx.sharedMatch(m));
  }
  // The list is reused from rule to rule; the rule keeps a copy of its size (an array grown by push keeps room for 17).
  const built = matches.slice();
  emptyList(matches);
  return built;
}

/** Warn about a `--sport`/`--dport` range written backwards (`65535:1`). */
function warnBackwardsPorts(r: Reading, b: Builder): void {
  for (const o of b.options) {
    if (o.name !== "--sport" && o.name !== "--dport") continue;
    const arg = o.args[0];
    if (!arg || arg.text.indexOf(":") < 0) continue;
    const range = readPortRange(arg.text);
    const backwards = range.ok ? portRangeWarning(range.value, arg.text) : null;
    if (backwards) warn(r, arg, backwards);
  }
}

/** Build the target: a modelled one from its options, a jump to a declared chain, or a known one kept as written. */
function buildTarget(r: Reading, t: Builder): Target | null {
  const ctx = r.ctx;
  const here = t.tokens[1];
  // An option after a name that is neither a modelled nor a known target (a chain, a typo) is an error, as in iptables.
  if (t.unsupported !== null && (t.reader || KNOWN_UNMODELLED_TARGETS.has(t.name))) {
    warn(r, t.tokens[0], `kept but not modelled: ${t.unsupported}`);
    return { kind: "unsupported", name: ctx.intern(t.name), text: sourceText(ctx.line, t.tokens), reason: t.unsupported };
  }
  if (t.reader) {
    const built = (t.reader as TargetReader).build(t.options, t.name);
    if (built instanceof BuildError) {
      fail(r, built.token ?? here, built.message);
      return null;
    }
    return built as Target;
  }
  if (isBuiltinChain(ctx.table, t.name)) {
    fail(r, here, `${t.tokens[0].text} ${t.name}: cannot jump to a built-in chain`);
    return null;
  }
  if (ctx.hasChain(t.name)) {
    if (t.tokens.length > 2) fail(r, t.tokens[2], `unexpected option ${t.tokens[2].text} after ${t.tokens[0].text} ${t.name}: a chain takes no options`);
    return { kind: "jump", chain: t.name, goto: t.goto };
  }
  if (!t.goto && KNOWN_UNMODELLED_TARGETS.has(t.name)) {
    const reason = `target ${t.name} is not modelled`;
    warn(r, t.tokens[0], `kept but not modelled: ${reason}`);
    return { kind: "unsupported", name: ctx.intern(t.name), text: sourceText(ctx.line, t.tokens), reason };
  }
  if (t.goto && TARGETS.has(t.name)) fail(r, here, `-g ${t.name}: goto needs a user chain, not a target`);
  else fail(r, here, `${t.tokens[0].text} ${t.name}: no chain called '${t.name}' is declared in table ${ctx.table} before this line, and it is not a known target`);
  return null;
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
