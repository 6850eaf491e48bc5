/**
 * Reads iptables-save text into the rules model. Every line is accounted
 * for: statements become tables, chains and rules; comments, blank lines and
 * lines that could not be read are kept as extras next to the statement that
 * follows them, so the formatter can print everything back.
 */
import type { Chain, Counters, Diagnostic, Dump, Extra, Policy, Rule, Table, TableName } from "../model/dump.js";
import { BUILTIN_CHAINS, MAX_CHAIN_NAME_LENGTH, isBuiltinChain, isTableName } from "../model/tables.js";
import { sameRule } from "../model/same-rule.js";
import { tokenizeLine, utf8Length, type Token } from "./lexer.js";
import { counterNumber, unsignedLongLong } from "./values.js";
import { readRuleParts, type RuleProblem } from "./rule.js";
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
}

const COUNTERS = /^\[([0-9]+):([0-9]+)\]$/;
/** iptables-restore reads lines with fgets into 10240 bytes: a longer line is cut and its rest read as the next line. */
export const MAX_LINE_BYTES = 10239;
/** iptables-restore hands a rule to its parser as at most 254 arguments, three of them its own (program, -t, table). */
export const MAX_RULE_WORDS = 251;
const NO_EXTRAS: Extra[] = Object.freeze([]) as unknown as Extra[];
/** Commands that name a chain right after them. */
const NEEDS_CHAIN = new Set(["-A", "--append", "-I", "--insert", "-R", "--replace", "-D", "--delete", "-N", "--new-chain", "-P", "--policy"]);

/** Parse an iptables-save dump; never throws on bad input, it reports located errors instead. */
export function parseDump(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.file ?? "<input>";
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const report = (line: number, column: number, message: string, severity: "error" | "warning" = "error") =>
    (severity === "error" ? errors : warnings).push({ file, line, column, message, severity });

  const lines = text.length === 0 ? [] : text.split("\n");
  const finalNewline = lines.length > 0 && lines[lines.length - 1] === "";
  if (finalNewline) lines.pop();
  const eol: "\n" | "\r\n" = lines.length > 0 && lines[0].endsWith("\r") ? "\r\n" : "\n";
  const dump: Dump = { file, eol, finalNewline, tables: [], trailer: [] };

  const foreign = recognizeForeignInput(lines);
  if (foreign) {
    report(foreign.line, 1, foreign.message);
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
    validateTable(t, (line, column, message) => report(line, column, message));
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
  // Extras of something a command removed (-D, -F, -X) go to the next statement, so no line is lost.
  const giveBack = (extras: Extra[]) => {
    pending = [...extras, ...pending];
  };
  // Inside an unknown table every line up to its COMMIT is kept without further errors.
  let skipping = false;

  // iptables-restore stops at the first line it cannot take; a CRLF file fails at its first line, so one error says it.
  let crReported = false;
  const reportCr = (lineNo: number, column: number, message: string) => {
    if (crReported) return;
    crReported = true;
    report(lineNo, column, `${message} (the line ends with a carriage return, \\r, which iptables reads as part of the line: save the file with LF line endings)`);
  };

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    let line = lines[idx];
    const cr = line.endsWith("\r");
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
    if (line.length === 0 || /^[ \t]*$/.test(line)) {
      // Not an empty line for iptables-restore: in a table it is a rule with no command, elsewhere a line it cannot take.
      report(lineNo, 1, open ? `${nul === 0 ? "a NUL byte at the start of the line leaves" : "a line of only spaces or tabs is"} a rule with no command: iptables-restore refuses it (no command specified)` : "a line of only spaces or tabs outside a table: iptables-restore refuses it; leave the line empty");
      keep(lineNo, full);
      continue;
    }
    if (first === 42 /* * */ && !open) {
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
      open = { table, chains: new Map(), last: null };
      continue;
    }
    if (first === 42 /* * */) {
      // Inside a table, iptables-restore reads a '*' line as a rule and fails; the table above lacks its COMMIT.
      closeTable(null);
      idx--;
      continue;
    }
    if (line === "COMMIT" && nul < 0 && !cr) {
      if (!open) {
        report(lineNo, 1, "COMMIT outside a table: expected a *table line before it");
        keep(lineNo, line);
        continue;
      }
      if (idx === lines.length - 1 && !finalNewline)
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
      const read = readStatement(open, cr ? `${line}\r` : line, lineNo, takePending, giveBack, shown, options.counters ?? false);
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
  // sscanf has both numbers once the second is read: the closing ']' is not needed.
  const m = /^\[[ \t]*([+-]?[0-9]+):[ \t]*([+-]?[0-9]+)/.exec(text);
  return m ? { packets: unsignedLongLong(m[1]), bytes: unsignedLongLong(m[2]) } : null;
}

function declareChain(open: OpenTable, line: string, lineNo: number, takePending: () => Extra[], report: Report, withCounters: boolean): boolean {
  // iptables-restore splits the line at blanks (strtok): chain, policy, and with -c the counters; the rest is ignored.
  const words = [...line.slice(1).matchAll(/[^ \t]+/g)];
  const [nameWord, policyWord, countersWord] = words;
  if (!nameWord) {
    report(lineNo, 2, "expected ':CHAIN POLICY [packets:bytes]'");
    return false;
  }
  const name = nameWord[0], policyText = policyWord?.[0], countersText = countersWord?.[0];
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
  const policyColumn = policyWord!.index! + 2;
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
    const column = countersWord ? countersWord.index! + 2 : line.length + 1;
    if (!counters && withCounters && policyText !== "-") {
      report(lineNo, column, `invalid policy counters for chain '${name}': expected [packets:bytes]${countersText === undefined ? "" : `, got '${countersText}'`} (iptables-restore -c reads them)`);
      return false;
    }
    if (!counters && countersText !== undefined && policyText !== "-")
      report(lineNo, column, `counters '${countersText}' are not [packets:bytes]: iptables-restore ignores them (with -c it refuses them)`, "warning");
  }
  if (words.length > 3) report(lineNo, words[3].index! + 2, `text after the counters: iptables-restore ignores it, and so does the kit`, "warning");
  const existing = open.chains.get(name);
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

/** Read a rule line or one of the other commands iptables-restore accepts (-I, -R, -D, -N, -X, -F, -Z, -P). */
function readStatement(
  open: OpenTable, line: string, lineNo: number, takePending: () => Extra[], giveBack: (extras: Extra[]) => void, report: Report, withCounters: boolean,
): boolean {
  // `[packets:bytes]` only at the very start of the line; iptables-restore reads the rule from just after the `]`.
  let counters: Counters | null = null;
  let from = 0;
  if (line.charCodeAt(0) === 91 /* [ */) {
    const rc = readRuleCounters(line, lineNo, withCounters, report);
    if (!rc) return false;
    counters = rc.counters;
    from = rc.end;
  }
  const lexed = tokenizeLine(from === 0 ? line : " ".repeat(from) + line.slice(from));
  if (!lexed.ok) {
    report(lineNo, lexed.column, lexed.message);
    return false;
  }
  const tokens = lexed.tokens;
  const i = 0;
  // Three of iptables' 254 arguments are its own; with -c, the counters take three more.
  const most = MAX_RULE_WORDS - (withCounters && counters ? 3 : 0);
  if (tokens.length > most) {
    report(lineNo, tokens[most].start + 1, `${tokens.length} words: iptables-restore takes at most ${most} words in one rule ("Parser cannot handle more arguments")`);
    return false;
  }
  if (tokens.length === 0) {
    report(lineNo, from + 1, "expected a command such as -A CHAIN after the counters (iptables: no command specified)");
    return false;
  }
  const cmd = tokens[i];
  const table = open.table.name;
  const chainTok = tokens[i + 1];
  const chainOf = (name: string): Chain | undefined => {
    if (open.last !== null && open.last.name === name) return open.last;
    const found = open.chains.get(name);
    if (found) return (open.last = found);
    if (isBuiltinChain(table, name)) {
      const chain: Chain = { name, builtin: true, policy: "ACCEPT", counters: null, line: null, leading: [], rules: [] };
      open.chains.set(name, chain);
      return chain;
    }
    return undefined;
  };
  if (!cmd) {
    report(lineNo, 1, "expected a command such as -A CHAIN after the counters");
    return false;
  }
  const command = cmd.text;
  const needsChain = NEEDS_CHAIN.has(command);
  if (needsChain && !chainTok) {
    report(lineNo, cmd.end + 1, `${command} expects a chain name`);
    return false;
  }
  const ruleFrom = (chain: Chain, from: number) => readRule(open, chain, tokens.slice(from), line, lineNo, counters, report);
  const noChain = (name: string, at: Token) => {
    report(lineNo, at.start + 1, `${command} ${name}: no chain called ${name} in table ${table}`);
    return false;
  };
  switch (command) {
    case "-A": case "--append": case "-I": case "--insert": {
      const chain = chainOf(chainTok.text);
      if (!chain) {
        report(lineNo, chainTok.start + 1, `rule in undeclared chain ${chainTok.text}: declare it with ':${chainTok.text} - [0:0]' earlier in table ${table}`);
        return false;
      }
      let rest = i + 2;
      let position = chain.rules.length;
      if (command === "-I" || command === "--insert") {
        position = 0;
        const n = tokens[rest];
        if (n && /^[0-9]+$/.test(n.text)) {
          const k = Number(n.text);
          if (k < 1 || k > chain.rules.length + 1) {
            report(lineNo, n.start + 1, `-I ${chain.name} ${k}: expected a position from 1 to ${chain.rules.length + 1}`);
            return false;
          }
          position = k - 1;
          rest++;
        }
      }
      const rule = ruleFrom(chain, rest);
      if (!rule) return false;
      rule.leading = takePending();
      if (position === chain.rules.length) chain.rules.push(rule);
      else chain.rules.splice(position, 0, rule);
      return true;
    }
    case "-R": case "--replace": case "-D": case "--delete": {
      const chain = chainOf(chainTok.text);
      if (!chain) return noChain(chainTok.text, chainTok);
      const replace = command === "-R" || command === "--replace";
      const n = tokens[i + 2];
      // `-D CHAIN N` deletes by number; `-D CHAIN rule...` deletes the first rule that is the same rule.
      const byNumber = n !== undefined && !n.quoted && /^[0-9]+$/.test(n.text) && (replace || tokens.length === i + 3);
      if (replace && !byNumber) {
        report(lineNo, (n?.start ?? line.length) + 1, `${command} ${chain.name}: expected a rule number, then the new rule`);
        return false;
      }
      let index: number;
      let rule: Rule | null = null;
      if (byNumber) {
        index = Number(n.text) - 1;
        if (index < 0 || index >= chain.rules.length) {
          report(lineNo, n.start + 1, `${command} ${chain.name} ${n.text}: no such rule (chain ${chain.name} has ${chain.rules.length} rule${chain.rules.length === 1 ? "" : "s"})`);
          return false;
        }
        if (replace && !(rule = ruleFrom(chain, i + 3))) return false;
      } else {
        const wanted = ruleFrom(chain, i + 2);
        if (!wanted) return false;
        // Compared as the kernel holds them, so two spellings of one rule are the same rule, as for iptables.
        index = chain.rules.findIndex((r) => sameRule(r, wanted));
        if (index < 0) {
          report(lineNo, cmd.start + 1, `${command} ${chain.name}: no rule in chain ${chain.name} matches this one`);
          return false;
        }
      }
      const [old] = chain.rules.splice(index, 1);
      if (rule) {
        rule.leading = [...old.leading, ...takePending()];
        chain.rules.splice(index, 0, rule);
      } else giveBack(old.leading);
      return true;
    }
    case "-N": case "--new-chain": {
      const name = chainTok.text;
      if (open.chains.has(name) || isBuiltinChain(table, name)) {
        report(lineNo, chainTok.start + 1, `chain ${name} already exists in table ${table}`);
        return false;
      }
      if (name.length > MAX_CHAIN_NAME_LENGTH) {
        report(lineNo, chainTok.start + 1, `chain name '${name}' is ${name.length} characters long: the kernel allows at most ${MAX_CHAIN_NAME_LENGTH}`);
        return false;
      }
      open.chains.set(name, { name, builtin: false, policy: null, counters: null, line: lineNo, leading: takePending(), rules: [] });
      return true;
    }
    case "-X": case "--delete-chain": case "-F": case "--flush": {
      const flush = command === "-F" || command === "--flush";
      const at = chainTok ?? cmd;
      const names = chainTok ? [chainTok.text] : [...open.chains.keys()].filter((n) => flush || !isBuiltinChain(table, n));
      for (const name of names) {
        const chain = chainOf(name);
        if (!chain) return noChain(name, at);
        if (flush) {
          giveBack(chain.rules.flatMap((r) => r.leading));
          chain.rules = [];
          continue;
        }
        if (chain.builtin) {
          report(lineNo, at.start + 1, `${command} ${name}: a built-in chain cannot be deleted`);
          return false;
        }
        // The kernel refuses to delete a chain that still has rules, or that a rule jumps to.
        if (chain.rules.length > 0) {
          report(lineNo, at.start + 1, `${command} ${name}: chain ${name} still has rules: flush it with -F first`);
          return false;
        }
        const user = [...open.chains.values()].find((u) => u.rules.some((r) => r.target?.kind === "jump" && r.target.chain === name));
        if (user) {
          report(lineNo, at.start + 1, `${command} ${name}: a rule in ${user.name} still jumps to ${name}`);
          return false;
        }
        giveBack(chain.leading);
        open.chains.delete(name);
        open.last = null;
      }
      // Nothing of this line stays in the model; comments above it go to the next statement.
      return true;
    }
    case "-Z": case "--zero": {
      const chains = chainTok ? [chainOf(chainTok.text)] : [...open.chains.values()];
      const n = tokens[i + 2];
      const zero = { packets: "0", bytes: "0" };
      for (const chain of chains) {
        if (!chain) return noChain(chainTok.text, chainTok);
        if (n) {
          const rule = /^[0-9]+$/.test(n.text) ? chain.rules[Number(n.text) - 1] : undefined;
          if (!rule) {
            report(lineNo, n.start + 1, `${command} ${chain.name} ${n.text}: no such rule (chain ${chain.name} has ${chain.rules.length} rule${chain.rules.length === 1 ? "" : "s"})`);
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
    case "-P": case "--policy": {
      const chain = chainOf(chainTok.text);
      const p = tokens[i + 2]?.text;
      if (!chain || !chain.builtin) {
        report(lineNo, chainTok.start + 1, `-P ${chainTok.text}: only built-in chains have a policy`);
        return false;
      }
      if (p !== "ACCEPT" && p !== "DROP") {
        report(lineNo, (tokens[i + 2]?.start ?? line.length) + 1, "-P: expected ACCEPT or DROP");
        return false;
      }
      chain.policy = p;
      return true;
    }
    default:
      report(lineNo, cmd.start + 1, `unsupported command '${command}': a dump holds -A rules (iptables-restore also takes -I, -R, -D, -N, -X, -F, -Z, -P)`);
      return false;
  }
}

/** Read the words of one rule for `chain`, with the checks that depend on the chain; null (errors reported) when it is not valid. */
function readRule(open: OpenTable, chain: Chain, words: Token[], line: string, lineNo: number, counters: Counters | null, report: Report): Rule | null {
  const table = open.table.name;
  const problems: RuleProblem[] = [];
  // The chain a jump names, as declared: its name string is shared with the jump, so later look-ups by name
  // (validation, the simulator) find it by identity instead of comparing text.
  let declared: Chain | undefined;
  const hasChain = (n: string) => (declared = open.chains.get(n)) !== undefined && !isBuiltinChain(table, n);
  const parts = readRuleParts(words, { table, chain: chain.name, line, hasChain }, problems);
  for (const p of problems) report(lineNo, p.column, p.message, p.severity);
  if (!parts) return null;
  if (parts.target?.kind === "jump" && declared?.name === parts.target.chain) parts.target.chain = declared.name;
  const column = (...names: string[]) => (words.find((t) => !t.quoted && names.includes(t.text))?.start ?? 0) + 1;
  if (chain.builtin) {
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
    line: lineNo, raw: line, leading: [], table, chain: chain.name,
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
  const users = [...open.chains.values()].filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  table.chains = [...builtins, ...users];
}
