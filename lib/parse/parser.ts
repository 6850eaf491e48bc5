/**
 * Reads iptables-save text into the rules model. Every line is accounted
 * for: statements become tables, chains and rules; comments, blank lines and
 * lines that could not be read are kept as extras next to the statement that
 * follows them, so the formatter can print everything back.
 */
import { diagnosticCode } from "./codes.js";
import type { Chain, Counters, Diagnostic, Dump, Extra, IpHeaderMatch, Negatable, Policy, Rule, Table, TableName } from "../model/dump.js";
import type { JumpTarget } from "../model/targets.js";
import type { Match } from "../model/matches.js";
import { BUILTIN_CHAINS, MAX_CHAIN_NAME_LENGTH, isBuiltinChain, isTableName } from "../model/tables.js";
import { sameRule } from "../model/same-rule.js";
import { ReusedTokens, tokenizeLineReusing, utf8Length, type Token } from "./lexer.js";
import { counterNumber, unsignedLongLong, type Read } from "./values.js";
import { RulePools, readRuleParts, type RuleContext, type RuleProblem } from "./rule.js";
import type { RawOption } from "./matches.js";
import { Interner } from "./intern.js";
import type { Cidr } from "../model/address.js";
import { IPVS_MESSAGE, looksLikeIpvsMode, recognizeForeignInput } from "./recognize.js";
import { validateTable } from "./validate.js";

/** Where the text came from, and how it is meant to be loaded. */
export interface ParseOptions {
  /** File name used in diagnostics (`-` or `<stdin>` for standard input). */
  file?: string;
  /**
   * Judge the counters as `iptables-restore -c` does (it reads them, so they must be numbers);
   * by default as plain `iptables-restore`, which ignores a chain's counters and checks only a
   * rule's `[..:..]` brackets.
   */
  counters?: boolean;
}

/** The model, plus every problem found, in line order. */
export interface ParseResult {
  dump: Dump;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

interface OpenTable {
  table: Table;
  chains: Map<string, Chain>;
  /** The chain the last rule went to: iptables-save writes a chain's rules together, so most look-ups are this one. */
  last: Chain | null;
  /**
   * The chains declared (`:NAME`) in order, and where the next rule's chain is looked for first:
   * iptables-save prints the rules chain by chain in the order it declared them (built-ins first, then
   * user chains by name), so when a rule's chain changes it is nearly always one of the next few.
   * Emptied when a chain is deleted (-X), which leaves the table as the only way to find a chain.
   */
  declared: Chain[];
  nextDeclared: number;
  /** The greatest user chain name declared or made so far: a declaration after it cannot be a second one. */
  greatestName: string | null;
  scope: RuleScope;
  /** The token objects each line's words are written into (one set per parse). */
  tokens: ReusedTokens;
}

const COUNTERS = /^\[([0-9]+):([0-9]+)\]$/;
/** iptables-restore reads lines with fgets into 10240 bytes: a longer line is cut and its rest read as the next line. */
export const MAX_LINE_BYTES = 10239;
/** iptables-restore hands a rule to its parser as at most 254 arguments, three of them its own (program, -t, table). */
export const MAX_RULE_WORDS = 251;
const NO_EXTRAS: Extra[] = Object.freeze([]) as unknown as Extra[];
/** `[0:0]`, what every user chain of a dump carries: one shared value (counters are replaced, never changed in place). */
const ZERO_COUNTERS: Counters = Object.freeze({ packets: "0", bytes: "0" });
/** Commands that name a chain right after them. */
const NEEDS_CHAIN = new Set(["-A", "--append", "-I", "--insert", "-R", "--replace", "-D", "--delete", "-N", "--new-chain", "-P", "--policy"]);

/** Parse an iptables-save dump; never throws on bad input, it reports located errors instead. */
export function parseDump(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.file ?? "<input>";
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const report = (line: number, column: number, message: string, severity: "error" | "warning" = "error") =>
    (severity === "error" ? errors : warnings).push({ file, line, column, message, severity, code: diagnosticCode(message) });

  // The lines are read one at a time from the text (no array of all of them is kept while the model grows).
  const n = text.length;
  const finalNewline = n > 0 && text.charCodeAt(n - 1) === 10;
  const firstEnd = text.indexOf("\n");
  const eol: "\n" | "\r\n" = n > 0 && text.charCodeAt((firstEnd < 0 ? n : firstEnd) - 1) === 13 ? "\r\n" : "\n";
  const dump: Dump = { file, eol, finalNewline, tables: [], trailer: [] };

  const foreign = recognizeForeignInput(leadingLines(text, FOREIGN_LOOK));
  if (foreign) {
    report(foreign.line, 1, foreign.message);
    const lines = text.split("\n");
    if (finalNewline) lines.pop();
    dump.trailer = lines.map((l, i) => ({ kind: "unparsed", line: i + 1, text: stripCr(l) }));
    return { dump, errors, warnings };
  }

  let pending: Extra[] = [];
  let open: OpenTable | null = null;
  let mixedEol = false;

  const closeTable = (commitLine: number | null) => {
    if (!open) return;
    const t = open.table;
    if (commitLine === null) report(t.line, 1, `table ${t.name} has no COMMIT: expected a COMMIT line to end it`);
    else t.commit = { line: commitLine, leading: takePending() };
    finishChains(open);
    validateTable(t, report);
    open = null;
  };
  // Most statements have nothing above them: they share one frozen empty list instead of a new one each.
  const takePending = () => {
    if (pending.length === 0) return NO_EXTRAS;
    const p = pending;
    pending = [];
    return p;
  };
  const keep = (lineNo: number, textLine: string) => pending.push({ kind: "unparsed", line: lineNo, text: textLine });
  const extras: ExtraLines = {
    take: takePending,
    giveBack: (lines) => {
      pending = [...lines, ...pending];
    },
  };
  const strings = new Interner();
  const pools = new RulePools();
  const tokens = new ReusedTokens();
  // Inside an unknown table every line up to its COMMIT is kept without further errors.
  let skipping = false;

  // iptables-restore stops at the first line it cannot take; a CRLF file fails at its first line, so one error says it.
  let crReported = false;
  const reportCr = (lineNo: number, column: number, message: string) => {
    if (crReported) return;
    crReported = true;
    report(lineNo, column, `${message} (the line ends with a carriage return, \\r, which iptables reads as part of the line: save the file with LF line endings)`);
  };

  for (let at = 0, end = 0, lineNo = 1; at < n; at = end + 1, lineNo++) {
    end = text.indexOf("\n", at);
    if (end < 0) end = n;
    let line = text.slice(at, end);
    // A character code, not endsWith(): this runs for every line of the file.
    const cr = line.charCodeAt(line.length - 1) === 13 /* \r */;
    if (cr) line = line.slice(0, -1);
    else if (eol === "\r\n" && !mixedEol) {
      mixedEol = true;
      report(lineNo, line.length + 1, "line ends with LF while the file uses CRLF: line endings will be printed as CRLF", "warning");
    }
    if (line.length > MAX_LINE_BYTES / 3 && utf8Length(line) > MAX_LINE_BYTES) {
      report(lineNo, 1, `line of ${utf8Length(line)} bytes: iptables-restore reads at most ${MAX_LINE_BYTES} bytes of a line and would read the rest as another line`);
      keep(lineNo, line);
      continue;
    }
    const full = line;
    const nul = line.indexOf("\0");
    if (nul >= 0) {
      // iptables-restore handles each line as a C string: it ends at the first NUL byte.
      if (nul > 0) report(lineNo, nul + 1, `NUL byte: iptables-restore reads the line only up to it and ignores the ${full.length - nul} characters from there`, "warning");
      line = line.slice(0, nul);
    }
    const first = line.charCodeAt(0);
    if (full.length === 0) {
      if (cr) reportCr(lineNo, 1, "a line holding only '\\r' is an empty command (iptables: Bad argument `')");
      pending.push({ kind: "blank", line: lineNo, text: line });
      continue;
    }
    if (first === 35 /* # */) {
      pending.push({ kind: "comment", line: lineNo, text: full });
      continue;
    }
    if (skipping && first !== 42 /* * */) {
      keep(lineNo, full);
      if (line === "COMMIT") skipping = false;
      continue;
    }
    if (line.length === 0 || ((first === 32 || first === 9) && /^[ \t]*$/.test(line))) {
      // Not an empty line for iptables-restore: in a table it is a rule with no command, elsewhere a line it cannot take.
      report(lineNo, 1, open ? `${nul === 0 ? "a NUL byte at the start of the line leaves" : "a line of only spaces or tabs is"} a rule with no command: iptables-restore refuses it (no command specified)` : "a line of only spaces or tabs outside a table: iptables-restore refuses it; leave the line empty");
      keep(lineNo, full);
      continue;
    }
    // Inside a table, iptables-restore reads a '*' line as a rule and fails: the table above lacks its COMMIT.
    if (first === 42 /* * */ && open) closeTable(null);
    if (first === 42 /* * */) {
      // iptables-restore takes the first word after '*' as the table name and ignores the rest of the line.
      const name = line.slice(1).split(/[ \t]+/).find((w) => w !== "") ?? "";
      if (cr && /[ \t]*$/.exec(line)![0] === "") {
        reportCr(lineNo, 2, `unable to initialize table '${name}\\r'`);
        skipping = true;
        keep(lineNo, full);
        continue;
      }
      skipping = !isTableName(name);
      if (!isTableName(name)) {
        report(lineNo, 2, `unknown table '${name}': expected raw, mangle, nat, filter or security`);
        keep(lineNo, full);
        continue;
      }
      if (line.slice(1).trim() !== name) report(lineNo, line.indexOf(name) + name.length + 1, `text after the table name: iptables-restore ignores it, and so does the kit`, "warning");
      if (dump.tables.some((t) => t.name === name))
        report(lineNo, 2, `table ${name} appears twice: iptables-restore would replace the first with the second`, "warning");
      const table: Table = { name, line: lineNo, leading: takePending(), chains: [], commit: null };
      dump.tables.push(table);
      const chains = new Map<string, Chain>();
      open = { table, chains, last: null, declared: [], nextDeclared: 0, greatestName: null, scope: new RuleScope(name, chains, strings, pools), tokens };
      continue;
    }
    if (line === "COMMIT" && nul < 0 && !cr) {
      if (!open) {
        report(lineNo, 1, "COMMIT outside a table: expected a *table line before it");
        keep(lineNo, line);
        continue;
      }
      if (end === n)
        report(lineNo, 7, "COMMIT without a newline after it: iptables-legacy-restore refuses it (it compares the line with \"COMMIT\\n\"), iptables-nft-restore takes it", "warning");
      closeTable(lineNo);
      continue;
    }
    const ruleLine = first === 45 /* - */ || first === 91 /* [ */ || ((first === 32 || first === 9) && open !== null);
    if (cr && !ruleLine && !(first === 58 /* : */ && line.slice(1).split(/[ \t]+/).filter((w) => w !== "").length >= 3)) {
      // A chain declaration with counters keeps working ('[0:0]\r' still reads); anything else ends in an error.
      reportCr(lineNo, line.length + 1, /^COMMIT[ \t]*$/.test(line) ? "COMMIT followed by '\\r' is not COMMIT (iptables: Bad argument `COMMIT')" : `iptables reads the last word of this line with '\\r' at its end and refuses it`);
    }
    if (first === 58 /* : */) {
      if (!open) {
        report(lineNo, 1, "chain declaration outside a table: expected a *table line before it");
        keep(lineNo, full);
        continue;
      }
      if (!declareChain(open, line, lineNo, takePending, report, options.counters ?? false)) keep(lineNo, full);
      continue;
    }
    if (ruleLine) {
      if (!open) {
        report(lineNo, 1, "rule outside a table: expected a *table line (such as *filter) before it");
        keep(lineNo, full);
        continue;
      }
      // A '\r' stays at the end of the last word, as for iptables: a number or a comment may still take it.
      const shown: Report = cr ? (l, c, m, severity) => report(l, c, m.replace(/\r/g, "\\r"), severity) : report;
      // The words are read from the dump's text itself where the statement is exactly its line (no NUL cut it).
      const statement = cr ? `${line}\r` : line;
      const inText = !cr || nul < 0;
      const read = readStatement(open, statement, inText ? text : statement, inText ? at : 0, lineNo, extras, shown, options.counters ?? false);
      if (!read && cr) reportCr(lineNo, line.length + 1, "iptables reads the last word of this line with '\\r' at its end");
      if (!read) keep(lineNo, full);
      continue;
    }
    report(lineNo, 1, open
      ? `cannot read this line: iptables-restore reads it as a rule and refuses its first word '${line.split(/[ \t]/)[0]}' (Bad argument); expected '# comment' (at the start of the line), ':CHAIN POLICY [pkts:bytes]', '-A CHAIN rule...' or 'COMMIT'`
      : "cannot read this line: expected '# comment', '*table', ':CHAIN POLICY [pkts:bytes]', '-A CHAIN rule...' or 'COMMIT'");
    keep(lineNo, full);
  }
  if (open) closeTable(null);
  dump.trailer = takePending();

  const ipvs = looksLikeIpvsMode(text);
  if (ipvs !== null) report(ipvs, 1, IPVS_MESSAGE);

  const byPosition = (a: Diagnostic, b: Diagnostic) => a.line - b.line || a.column - b.column;
  errors.sort(byPosition);
  warnings.sort(byPosition);
  return { dump, errors, warnings };
}

/** How many lines at the start of a file recognizeForeignInput looks at. */
const FOREIGN_LOOK = 2000;

/** The first `most` lines of `text` (fewer when it has fewer). */
function leadingLines(text: string, most: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < text.length && lines.length < most; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    lines.push(text.slice(at, end));
    at = end + 1;
  }
  return lines;
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

type Report = (line: number, column: number, message: string, severity?: "error" | "warning") => void;

/**
 * Counters as iptables reads them with sscanf("[%llu:%llu]"): each number after optional blanks and
 * a sign, a negative one wrapping around 2^64 as strtoull does; anything after the numbers ignored.
 * null when they are not numbers.
 */
function readCounters(text: string): Counters | null {
  // What every user chain of a dump carries, read without the pattern below.
  if (text === "[0:0]") return ZERO_COUNTERS;
  // sscanf has both numbers once the second is read: the closing ']' is not needed.
  const m = /^\[[ \t]*([+-]?[0-9]+):[ \t]*([+-]?[0-9]+)/.exec(text);
  return m ? { packets: unsignedLongLong(m[1]), bytes: unsignedLongLong(m[2]) } : null;
}

/** The first `most` words of `line` from `from` on, split at spaces and tabs (as strtok does), with their 1-based columns. */
function blankSeparatedWords(line: string, from: number, most: number): { text: string; column: number }[] {
  const words: { text: string; column: number }[] = [];
  let i = from;
  while (i < line.length && words.length < most) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    while (i < line.length && (c = line.charCodeAt(i)) !== 32 && c !== 9) i++;
    words.push({ text: line.slice(start, i), column: start + 1 });
  }
  return words;
}

function declareChain(open: OpenTable, line: string, lineNo: number, takePending: () => Extra[], report: Report, withCounters: boolean): boolean {
  // iptables-restore splits the line at blanks (strtok): chain, policy, and with -c the counters; the rest is ignored.
  const words = blankSeparatedWords(line, 1, 4);
  const nameWord = words[0], policyWord = words[1], countersWord = words[2];
  if (!nameWord) {
    report(lineNo, 2, "expected ':CHAIN POLICY [packets:bytes]'");
    return false;
  }
  const name = nameWord.text, policyText = policyWord?.text, countersText = countersWord?.text;
  const table = open.table.name;
  const builtin = isBuiltinChain(table, name);
  if (name.length > MAX_CHAIN_NAME_LENGTH) {
    report(lineNo, 2, `chain name '${name}' is ${name.length} characters long: the kernel allows at most ${MAX_CHAIN_NAME_LENGTH}`);
    return false;
  }
  if (name.startsWith("-") || name.startsWith("!")) {
    report(lineNo, 2, `invalid chain name '${name}': a chain name cannot start with '-' or '!'`);
    return false;
  }
  if (policyText === undefined) {
    report(lineNo, line.length + 1, `expected a policy after ':${name}' (${builtin ? "ACCEPT or DROP" : "'-' for a user chain"})`);
    return false;
  }
  const policyColumn = policyWord!.column;
  let policy: Policy | null = null;
  if (builtin) {
    if (policyText === "ACCEPT" || policyText === "DROP") policy = policyText;
    else if (policyText === "-") policy = "ACCEPT";
    else {
      report(lineNo, policyColumn, `policy '${policyText}' of built-in chain ${name}: expected ACCEPT or DROP`);
      return false;
    }
  } else if (policyText !== "-") {
    report(lineNo, policyColumn, `user chain ${name} cannot have a policy: expected '-' (only ${BUILTIN_CHAINS[table].join(", ")} in table ${table} take ACCEPT or DROP)`);
    return false;
  }
  let counters: Counters | null = null;
  if (countersText !== undefined || (withCounters && policyText !== "-")) {
    counters = countersText === undefined ? null : readCounters(countersText);
    const column = countersWord ? countersWord.column : line.length + 1;
    if (!counters && withCounters && policyText !== "-") {
      report(lineNo, column, `invalid policy counters for chain '${name}': expected [packets:bytes]${countersText === undefined ? "" : `, got '${countersText}'`} (iptables-restore -c reads them)`);
      return false;
    }
    if (!counters && countersText !== undefined && policyText !== "-")
      report(lineNo, column, `counters '${countersText}' are not [packets:bytes]: iptables-restore ignores them (with -c it refuses them)`, "warning");
  }
  if (words.length > 3) report(lineNo, words[3].column, `text after the counters: iptables-restore ignores it, and so does the kit`, "warning");
  // A kube-proxy dump declares its user chains by name, in order: one after the greatest so far is new.
  const existing = !builtin && open.greatestName !== null && name > open.greatestName ? undefined : open.chains.get(name);
  if (existing && !builtin) {
    report(lineNo, 2, `chain ${name} is declared twice in table ${table} (first on line ${existing.line})`);
    return false;
  }
  if (existing && existing.line !== null) {
    // iptables-restore accepts a built-in chain declared twice: the last policy and counters win.
    report(lineNo, 2, `chain ${name} is declared twice in table ${table} (first on line ${existing.line}): the policy ${policy} of this line wins`, "warning");
    Object.assign(existing, { policy, counters, leading: [...existing.leading, ...takePending()] });
    return true;
  }
  const chain: Chain = { name, builtin, policy, counters, line: lineNo, leading: takePending(), rules: existing?.rules ?? [] };
  open.chains.set(name, chain);
  open.declared.push(chain);
  if (!builtin) noteUserChain(open, name);
  open.last = null;
  return true;
}

/**
 * The `[packets:bytes]` at the start of a rule line as iptables-restore splits it (up to the first `]`,
 * packets before the first `:`), with the values -c would load; without -c the values are not read.
 */
function readRuleCounters(line: string, lineNo: number, withCounters: boolean, report: Report): { counters: Counters; end: number } | null {
  const close = line.indexOf("]");
  if (close < 0) {
    report(lineNo, 1, "counters without their ']': expected [packets:bytes] (iptables: need ])");
    return null;
  }
  const inner = line.slice(1, close).replace(/^:+/, "");
  const colon = inner.indexOf(":");
  // strtok: with nothing between ':' and ']', the bytes are whatever follows up to the next ']' or the end.
  const bytesText = colon < 0 ? "" : colon < inner.length - 1 ? inner.slice(colon + 1) : line.slice(close + 1).replace(/^\]+/, "").split("]")[0];
  if (colon < 0 || bytesText === "") {
    report(lineNo, 1, `counters '${line.slice(0, close + 1)}': expected [packets:bytes] (iptables: need ${colon < 0 ? ":" : "]"})`);
    return null;
  }
  const packets = counterNumber(inner.slice(0, colon)), bytes = counterNumber(bytesText);
  if (packets === null || bytes === null) {
    const what = packets === null ? "packet" : "byte";
    if (withCounters) {
      report(lineNo, 2, `-c ${what} counter not numeric: expected [packets:bytes], got '${line.slice(0, close + 1)}'`);
      return null;
    }
    report(lineNo, 2, `counters '${line.slice(0, close + 1)}' are not numbers: iptables-restore ignores them (with -c it refuses them)`, "warning");
  } else if (!COUNTERS.test(line.slice(0, close + 1)))
    report(lineNo, 2, `counters '${line.slice(0, close + 1)}' read as [${packets}:${bytes}], as iptables-restore -c reads them`, "warning");
  return { counters: { packets: packets ?? "0", bytes: bytes ?? "0" }, end: close + 1 };
}

/** One command line being read: its words, where it is, and the table it acts on. */
interface Statement {
  open: OpenTable;
  tokens: Token[];
  line: string;
  lineNo: number;
  counters: Counters | null;
  report: Report;
  extras: ExtraLines;
  /** The command word (`-A`, `--delete`, ...) and the chain name after it, when there is one. */
  cmd: Token;
  chainTok: Token | undefined;
}

/** Where the comments and blank lines above a statement go. */
interface ExtraLines {
  /** The lines waiting above the statement being read (they become its `leading`). */
  take(): Extra[];
  /** Lines of something a command removed (-D, -F, -X): they go to the next statement, so no line is lost. */
  giveBack(extras: Extra[]): void;
}

/** Read a rule line or one of the other commands iptables-restore accepts (-I, -R, -D, -N, -X, -F, -Z, -P). */
function readStatement(open: OpenTable, line: string, text: string, lineStart: number, lineNo: number, extras: ExtraLines, report: Report, withCounters: boolean): boolean {
  const words = readCommandWords(line, text, lineStart, lineNo, open.tokens, report, withCounters);
  if (!words) return false;
  const { tokens, counters } = words;
  const cmd = tokens[0];
  const s: Statement = { open, tokens, line, lineNo, counters, report, extras, cmd, chainTok: tokens[1] };
  if (NEEDS_CHAIN.has(cmd.text) && !s.chainTok) {
    report(lineNo, cmd.end + 1, `${cmd.text} expects a chain name`);
    return false;
  }
  switch (cmd.text) {
    case "-A": case "--append": case "-I": case "--insert":
      return appendRule(s);
    case "-R": case "--replace": case "-D": case "--delete":
      return replaceOrDeleteRule(s);
    case "-N": case "--new-chain":
      return newChain(s);
    case "-X": case "--delete-chain": case "-F": case "--flush":
      return deleteOrFlushChains(s);
    case "-Z": case "--zero":
      return zeroCounters(s);
    case "-P": case "--policy":
      return setPolicy(s);
    default:
      report(lineNo, cmd.start + 1, `unsupported command '${cmd.text}': a dump holds -A rules (iptables-restore also takes -I, -R, -D, -N, -X, -F, -Z, -P)`);
      return false;
  }
}

/** The `[packets:bytes]` at the start of the line, if any, and the line's words, within iptables-restore's limits. The line is `text` from `lineStart` on. */
function readCommandWords(line: string, text: string, lineStart: number, lineNo: number, reused: ReusedTokens, report: Report, withCounters: boolean): { tokens: Token[]; counters: Counters | null } | null {
  // `[packets:bytes]` only at the very start of the line; iptables-restore reads the rule from just after the `]`.
  let counters: Counters | null = null;
  let from = 0;
  if (line.charCodeAt(0) === 91 /* [ */) {
    const rc = readRuleCounters(line, lineNo, withCounters, report);
    if (!rc) return null;
    counters = rc.counters;
    from = rc.end;
  }
  const lexed = tokenizeLineReusing(text, lineStart, from, lineStart + line.length, reused);
  if (!lexed.ok) {
    report(lineNo, lexed.column, lexed.message);
    return null;
  }
  const tokens = lexed.tokens;
  // Three of iptables' 254 arguments are its own; with -c, the counters take three more.
  const most = MAX_RULE_WORDS - (withCounters && counters ? 3 : 0);
  if (tokens.length > most) {
    report(lineNo, tokens[most].start + 1, `${tokens.length} words: iptables-restore takes at most ${most} words in one rule ("Parser cannot handle more arguments")`);
    return null;
  }
  if (tokens.length === 0) {
    report(lineNo, from + 1, "expected a command such as -A CHAIN after the counters (iptables: no command specified)");
    return null;
  }
  return { tokens, counters };
}

/** The chain of this name in the table being read; a built-in chain is made on first use. */
function chainOf(open: OpenTable, name: string): Chain | undefined {
  if (open.last !== null && open.last.name === name) return open.last;
  const next = nextDeclared(open, name);
  if (next !== undefined) return (open.last = next);
  const found = open.chains.get(name);
  if (found) return (open.last = found);
  if (isBuiltinChain(open.table.name, name)) {
    const chain: Chain = { name, builtin: true, policy: "ACCEPT", counters: null, line: null, leading: [], rules: [] };
    open.chains.set(name, chain);
    return chain;
  }
  return undefined;
}

/** How many of the chains declared after the last one found are compared with a rule's chain before the table is probed. */
const DECLARED_AHEAD = 8;

/** The chain of this name among the next few declared (OpenTable.declared), or undefined. */
function nextDeclared(open: OpenTable, name: string): Chain | undefined {
  const declared = open.declared;
  const end = Math.min(declared.length, open.nextDeclared + DECLARED_AHEAD);
  for (let k = open.nextDeclared; k < end; k++) {
    if (declared[k].name !== name) continue;
    open.nextDeclared = k + 1;
    return declared[k];
  }
  return undefined;
}

/** Keep the greatest user chain name made so far (see OpenTable.greatestName). */
function noteUserChain(open: OpenTable, name: string): void {
  if (open.greatestName === null || name > open.greatestName) open.greatestName = name;
}

function noChain(s: Statement, name: string, at: Token): false {
  s.report(s.lineNo, at.start + 1, `${s.cmd.text} ${name}: no chain called ${name} in table ${s.open.table.name}`);
  return false;
}

function ruleFrom(s: Statement, chain: Chain, from: number): Rule | null {
  return readRule(s.open, chain, s.tokens, from, s.line, s.lineNo, s.counters, s.report);
}

function isInsert(command: string): boolean {
  return command === "-I" || command === "--insert";
}

/** `-A CHAIN rule...`, or `-I CHAIN [N] rule...`. */
function appendRule(s: Statement): boolean {
  const chainTok = s.chainTok!;
  const chain = chainOf(s.open, chainTok.text);
  if (!chain) {
    s.report(s.lineNo, chainTok.start + 1, `rule in undeclared chain ${chainTok.text}: declare it with ':${chainTok.text} - [0:0]' earlier in table ${s.open.table.name}`);
    return false;
  }
  let rest = 2;
  let position = chain.rules.length;
  if (isInsert(s.cmd.text)) {
    position = 0;
    const n = s.tokens[rest];
    if (n && /^[0-9]+$/.test(n.text)) {
      const k = Number(n.text);
      if (k < 1 || k > chain.rules.length + 1) {
        s.report(s.lineNo, n.start + 1, `-I ${chain.name} ${k}: expected a position from 1 to ${chain.rules.length + 1}`);
        return false;
      }
      position = k - 1;
      rest++;
    }
  }
  const rule = ruleFrom(s, chain, rest);
  if (!rule) return false;
  rule.leading = s.extras.take();
  if (position === chain.rules.length) appendTo(chain, rule);
  else chain.rules.splice(position, 0, rule);
  return true;
}

/** Lists shorter than this are grown by an exact copy; longer ones by push, and copied to their size when the table ends. */
const SHORT_LIST = 8;

/**
 * Add a rule at the end of its chain. Most chains of a kube-proxy dump hold one to three rules, and an array
 * grown by push reserves 17 slots: a short list is copied one longer instead (concat makes it exactly that
 * long), so no oversized array outlives the line that grew it.
 */
function appendTo(chain: Chain, rule: Rule): void {
  if (chain.rules.length < SHORT_LIST) chain.rules = chain.rules.concat(rule);
  else chain.rules.push(rule);
}

/** `-R CHAIN N rule...`, `-D CHAIN N` or `-D CHAIN rule...` (the first rule that is the same rule). */
function replaceOrDeleteRule(s: Statement): boolean {
  const { tokens, chainTok, lineNo } = s;
  const command = s.cmd.text;
  const chain = chainOf(s.open, chainTok!.text);
  if (!chain) return noChain(s, chainTok!.text, chainTok!);
  const replace = command === "-R" || command === "--replace";
  const n = tokens[2];
  const byNumber = n !== undefined && !n.quoted && /^[0-9]+$/.test(n.text) && (replace || tokens.length === 3);
  if (replace && !byNumber) {
    s.report(lineNo, (n?.start ?? s.line.length) + 1, `${command} ${chain.name}: expected a rule number, then the new rule`);
    return false;
  }
  let index: number;
  let rule: Rule | null = null;
  if (byNumber) {
    index = Number(n.text) - 1;
    if (index < 0 || index >= chain.rules.length) {
      s.report(lineNo, n.start + 1, `${command} ${chain.name} ${n.text}: no such rule (chain ${chain.name} has ${chain.rules.length} rule${chain.rules.length === 1 ? "" : "s"})`);
      return false;
    }
    if (replace && !(rule = ruleFrom(s, chain, 3))) return false;
  } else {
    const wanted = ruleFrom(s, chain, 2);
    if (!wanted) return false;
    // Compared as the kernel holds them, so two spellings of one rule are the same rule, as for iptables.
    index = chain.rules.findIndex((r) => sameRule(r, wanted));
    if (index < 0) {
      s.report(lineNo, s.cmd.start + 1, `${command} ${chain.name}: no rule in chain ${chain.name} matches this one`);
      return false;
    }
  }
  const [old] = chain.rules.splice(index, 1);
  if (rule) {
    rule.leading = [...old.leading, ...s.extras.take()];
    chain.rules.splice(index, 0, rule);
  } else s.extras.giveBack(old.leading);
  return true;
}

/** `-N CHAIN`. */
function newChain(s: Statement): boolean {
  const chainTok = s.chainTok!;
  const name = chainTok.text;
  const table = s.open.table.name;
  if (s.open.chains.has(name) || isBuiltinChain(table, name)) {
    s.report(s.lineNo, chainTok.start + 1, `chain ${name} already exists in table ${table}`);
    return false;
  }
  if (name.length > MAX_CHAIN_NAME_LENGTH) {
    s.report(s.lineNo, chainTok.start + 1, `chain name '${name}' is ${name.length} characters long: the kernel allows at most ${MAX_CHAIN_NAME_LENGTH}`);
    return false;
  }
  s.open.chains.set(name, { name, builtin: false, policy: null, counters: null, line: s.lineNo, leading: s.extras.take(), rules: [] });
  noteUserChain(s.open, name);
  return true;
}

/** `-X [CHAIN]` deletes user chains, `-F [CHAIN]` empties chains; without a name, every one. */
function deleteOrFlushChains(s: Statement): boolean {
  const { open, chainTok, lineNo } = s;
  const command = s.cmd.text;
  const table = open.table.name;
  const flush = command === "-F" || command === "--flush";
  const at = chainTok ?? s.cmd;
  const names = chainTok ? [chainTok.text] : [...open.chains.keys()].filter((n) => flush || !isBuiltinChain(table, n));
  for (const name of names) {
    const chain = chainOf(open, name);
    if (!chain) return noChain(s, name, at);
    if (flush) {
      s.extras.giveBack(chain.rules.flatMap((r) => r.leading));
      chain.rules = [];
      continue;
    }
    if (chain.builtin) {
      s.report(lineNo, at.start + 1, `${command} ${name}: a built-in chain cannot be deleted`);
      return false;
    }
    // The kernel refuses to delete a chain that still has rules, or that a rule jumps to.
    if (chain.rules.length > 0) {
      s.report(lineNo, at.start + 1, `${command} ${name}: chain ${name} still has rules: flush it with -F first`);
      return false;
    }
    const user = [...open.chains.values()].find((u) => u.rules.some((r) => r.target?.kind === "jump" && r.target.chain === name));
    if (user) {
      s.report(lineNo, at.start + 1, `${command} ${name}: a rule in ${user.name} still jumps to ${name}`);
      return false;
    }
    s.extras.giveBack(chain.leading);
    open.chains.delete(name);
    open.last = null;
    open.declared = [];
    open.nextDeclared = 0;
    open.scope.forgetJumps();
  }
  // Nothing of this line stays in the model; comments above it go to the next statement.
  return true;
}

/** `-Z [CHAIN [N]]`: counters to zero. */
function zeroCounters(s: Statement): boolean {
  const { open, chainTok } = s;
  const chains = chainTok ? [chainOf(open, chainTok.text)] : [...open.chains.values()];
  const n = s.tokens[2];
  const zero = ZERO_COUNTERS;
  for (const chain of chains) {
    if (!chain) return noChain(s, chainTok!.text, chainTok!);
    if (n) {
      const rule = /^[0-9]+$/.test(n.text) ? chain.rules[Number(n.text) - 1] : undefined;
      if (!rule) {
        s.report(s.lineNo, n.start + 1, `${s.cmd.text} ${chain.name} ${n.text}: no such rule (chain ${chain.name} has ${chain.rules.length} rule${chain.rules.length === 1 ? "" : "s"})`);
        return false;
      }
      if (rule.counters) rule.counters = zero;
      continue;
    }
    if (chain.counters) chain.counters = zero;
    for (const rule of chain.rules) if (rule.counters) rule.counters = zero;
  }
  return true;
}

/** `-P CHAIN ACCEPT|DROP`. */
function setPolicy(s: Statement): boolean {
  const chainTok = s.chainTok!;
  const chain = chainOf(s.open, chainTok.text);
  const p = s.tokens[2]?.text;
  if (!chain || !chain.builtin) {
    s.report(s.lineNo, chainTok.start + 1, `-P ${chainTok.text}: only built-in chains have a policy`);
    return false;
  }
  if (p !== "ACCEPT" && p !== "DROP") {
    s.report(s.lineNo, (s.tokens[2]?.start ?? s.line.length) + 1, "-P: expected ACCEPT or DROP");
    return false;
  }
  chain.policy = p;
  return true;
}

/** How many chains a table's reader keeps at hand for the jumps that name them (RuleScope.recentJumps). */
const RECENT_JUMPS = 4;

/** A chain a rule jumped to, with the `-j` and `-g` targets made for it (a jump holds nothing else, so every rule that makes it can share it). */
interface JumpedTo {
  chain: Chain;
  jump: JumpTarget | null;
  goto: JumpTarget | null;
}

/** The rule reader's view of a table being read: one per table, updated for each rule. */
class RuleScope implements RuleContext {
  chain = "";
  line = "";
  /** The chain the last hasChain() found: its name string is then shared with the jump that named it. */
  declared: Chain | undefined = undefined;
  /**
   * The chains jumped to last, newest first. Half the rules of a kube-proxy dump jump to KUBE-MARK-MASQ, which
   * so always stays here and is found by comparing names (of another length, most often: no character is
   * read) instead of probing the table of every chain; most other chains are jumped to once or twice, where
   * a table of every jump target would cost more than the objects it shares.
   */
  private recentJumps: JumpedTo[] = [];
  constructor(readonly table: TableName, private readonly chains: Map<string, Chain>, private readonly strings: Interner, readonly pools: RulePools) {}

  hasChain(name: string): boolean {
    const recent = this.recentJumps;
    for (let k = 0; k < recent.length; k++) {
      if (recent[k].chain.name !== name) continue;
      this.declared = recent[k].chain;
      return true;
    }
    return (this.declared = this.chains.get(name)) !== undefined && !isBuiltinChain(this.table, name);
  }

  /** Forget the chains jumped to (one of them was deleted). */
  forgetJumps(): void {
    this.recentJumps = [];
  }

  intern(text: string): string {
    return this.strings.intern(text);
  }

  cidr(text: string): Read<Cidr> {
    return this.strings.cidr(text);
  }

  negatable<T>(value: T, invert: boolean): Negatable<T> {
    return this.strings.negatable(value, invert);
  }

  sharedMatch(m: Match): Match {
    return this.strings.sharedMatch(m);
  }

  sharedHeader(ip: IpHeaderMatch): IpHeaderMatch {
    return this.strings.sharedHeader(ip);
  }

  matchReadBefore(module: string, options: RawOption[]): Match | null {
    return this.strings.matchReadBefore(module, options);
  }

  /** The one `-j CHAIN` (or `-g CHAIN`) target of a user chain, kept while the chain is among the last few jumped to. */
  jumpTo(chain: Chain, goto: boolean): JumpTarget {
    const recent = this.recentJumps;
    let at = 0;
    while (at < recent.length && recent[at].chain !== chain) at++;
    let entry = recent[at];
    if (entry === undefined) {
      entry = { chain, jump: null, goto: null };
      if (recent.length < RECENT_JUMPS) recent.push(entry);
      at = recent.length - 1;
    }
    // Newest first: the entries before it move down one place (the oldest falls off when a new one comes).
    for (let k = at; k > 0; k--) recent[k] = recent[k - 1];
    recent[0] = entry;
    if (goto) return (entry.goto ??= Object.freeze({ kind: "jump", chain: chain.name, goto: true }));
    return (entry.jump ??= Object.freeze({ kind: "jump", chain: chain.name, goto: false }));
  }
}

/** Read the words of one rule for `chain`, with the checks that depend on the chain; null (errors reported) when it is not valid. */
function readRule(open: OpenTable, chain: Chain, words: Token[], from: number, line: string, lineNo: number, counters: Counters | null, report: Report): Rule | null {
  const table = open.table.name;
  const problems: RuleProblem[] = [];
  const scope = open.scope;
  scope.chain = chain.name;
  scope.line = line;
  // The chain a jump names, as declared: its name string is shared with the jump, so later look-ups by name
  // (validation, the simulator) find it by identity instead of comparing text.
  scope.declared = undefined;
  const parts = readRuleParts(words, from, scope, problems);
  for (const p of problems) report(lineNo, p.column, p.message, p.severity);
  if (!parts) return null;
  const declared = scope.declared as Chain | undefined;
  if (parts.target?.kind === "jump" && declared?.name === parts.target.chain) parts.target = scope.jumpTo(declared, parts.target.goto);
  if (chain.builtin) {
    const column = (...names: string[]) => (words.find((t, k) => k >= from && !t.quoted && names.includes(t.text))?.start ?? 0) + 1;
    if (parts.ip.outInterface && (chain.name === "PREROUTING" || chain.name === "INPUT")) {
      report(lineNo, column("-o", "--out-interface"), `-o cannot be used in ${chain.name}: the output interface is not known before routing`);
      return null;
    }
    if (parts.ip.inInterface && (chain.name === "OUTPUT" || chain.name === "POSTROUTING")) {
      report(lineNo, column("-i", "--in-interface"), `-i cannot be used in ${chain.name}: locally generated and outgoing packets have no input interface`);
      return null;
    }
  }
  return {
    line: lineNo, raw: line, leading: NO_EXTRAS, table, chain: chain.name,
    counters: counters ?? parts.counters, ip: parts.ip, matches: parts.matches, target: parts.target,
  };
}

/** Order chains as iptables-save prints them: built-ins in hook order (all of them), then user chains by name. */
function finishChains(open: OpenTable): void {
  const table = open.table;
  const builtins: Chain[] = [];
  for (const hook of BUILTIN_CHAINS[table.name as TableName]) {
    builtins.push(open.chains.get(hook) ?? { name: hook, builtin: true, policy: "ACCEPT", counters: null, line: null, leading: [], rules: [] });
  }
  // Long lists were pushed one by one (appendTo): copy each to its size.
  for (const chain of open.chains.values()) if (chain.rules.length >= SHORT_LIST) chain.rules = chain.rules.slice();
  const users = [...open.chains.values()].filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  table.chains = [...builtins, ...users];
}
