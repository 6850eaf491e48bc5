/** Reading inputs for the command line, with one-line errors instead of stack traces. */
import { readFileSync } from "node:fs";
import { diagnosticLines } from "../parse/errors.js";
import { parseDump, type ParseResult } from "../parse/parser.js";
import { JsonInputError, loadJsonText } from "../json/input.js";
import { FORMATS } from "../json/formats.js";
import { toJson } from "../json/json-text.js";

/** A problem with the input (exit code 1), printed as one line; `located` lines are already in the compiler form and printed as they are. */
export class InputError extends Error {
  constructor(message: string, readonly located = false) {
    super(message);
  }
}

/** Read a file, or standard input for `-`. */
export function readInput(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String((e as Error).message);
    throw new InputError(`cannot read ${path}: ${why}`);
  }
}

/** Display name of an input in diagnostics. */
export function inputName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

/**
 * Parse a dump file; print its errors and warnings to stderr. Returns null when it has errors; then, for a
 * `--json` command (`json` given), its diagnostics also go there as a `kube-iptables-lab/diagnostics@1` document.
 */
export function loadDump(path: string, stderr: (s: string) => void, json?: (s: string) => void): ParseResult | null {
  const result = parseDump(readInput(path), { file: inputName(path) });
  const file = inputName(path);
  for (const line of diagnosticLines(result.warnings, file, "warning")) stderr(line);
  if (result.errors.length > 0) {
    for (const line of diagnosticLines(result.errors, file, "error")) stderr(line);
    stderr(`${result.errors.length} error${result.errors.length === 1 ? "" : "s"} in ${inputName(path)}`);
    json?.(toJson({ format: FORMATS.diagnostics, file, errors: result.errors, warnings: result.warnings }));
    return null;
  }
  return result;
}

/** Where a command's dump diagnostics go as JSON: standard output under --json, nowhere otherwise. */
export function jsonDiagnostics(args: { switches: Set<string> }, io: { out(s: string): void }): ((s: string) => void) | undefined {
  return args.switches.has("--json") ? (s) => io.out(s) : undefined;
}

/** Read a JSON input file and hand its value to `load` (which checks it against its schema); its problems are located input errors. */
export function loadJsonFile<T>(path: string, load: (value: unknown, file: string) => T): T {
  try {
    return loadJsonText(readInput(path), inputName(path), load);
  } catch (e) {
    if (e instanceof JsonInputError) throw new InputError(e.message, true);
    throw e;
  }
}

export { toJson } from "../json/json-text.js";
