// Small helpers shared by the parser, printer, services and CLI tests.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatRule, parseDump, type Diagnostic, type ParseResult, type Rule, type TableName } from "../../lib/index.js";

/** The repository root. */
export const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A file of the repository, as text. */
export function readRepoFile(path: string): string {
  return readFileSync(join(repo, path), "utf8");
}

/** The 2018 dump the kit teaches from. */
export const wordpress = readRepoFile("data/wordpress/iptables-save.txt");

/** Parse text as the file `t.save`. */
export function parse(text: string): ParseResult {
  return parseDump(text, { file: "t.save" });
}

/** A one-table dump: `*table`, `:NAME - [0:0]` for each user chain, the lines, `COMMIT`. */
export function dump(lines: string[], table: TableName = "filter", userChains: string[] = []): string {
  return [`*${table}`, ...userChains.map((c) => `:${c} - [0:0]`), ...lines, "COMMIT", ""].join("\n");
}

/** What one rule line turns into, in a table of its own. */
export interface OneRule {
  rule: Rule | undefined;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** The rule printed back by formatRule (`""` when there is no rule). */
  printed: string;
}

/** Parse one `-A ...` line (the third line of the dump when there are no user chains). */
export function one(line: string, table: TableName = "filter", userChains: string[] = []): OneRule {
  const r = parse(dump([line], table, userChains));
  const rule = r.dump.tables[0]?.chains.flatMap((c) => c.rules)[0];
  return { rule, errors: r.errors, warnings: r.warnings, printed: rule ? formatRule(rule) : "" };
}

/** Diagnostics as `LINE:COL message` strings, for compact assertions. */
export function located(list: Diagnostic[]): string[] {
  return list.map((d) => `${d.line}:${d.column} ${d.message}`);
}
