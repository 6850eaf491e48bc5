/** Reading inputs for the command line, with one-line errors instead of stack traces. */
import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { diagnosticLines, nonUtf8Warning, withEncodingWarning } from "../parse/errors.js";
import { parseDump, type ParseResult } from "../parse/parser.js";
import { JsonInputError, loadJsonText } from "../json/input.js";
import { FORMATS } from "../json/formats.js";
import { toJson } from "../json/json-text.js";
import { firstNonUtf8 } from "../math/utf8.js";

/** A problem with the input (exit code 1), printed as one line; `located` lines are already in the compiler form and printed as they are. */
export class InputError extends Error {
  constructor(message: string, readonly located = false) {
    super(message);
  }
}

/** Read a file, or standard input for `-`, as text (bytes that are not UTF-8 become U+FFFD). */
export function readInput(path: string): string {
  return readBytes(path).toString("utf8");
}

/** The bytes of a file, or of standard input for `-`; a file that cannot be read is an input error. */
function readBytes(path: string): Buffer {
  try {
    return readFileSync(path === "-" ? 0 : path);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${fileProblem(e, "no such file")}`);
  }
}

/** Why a file could not be read or written, in words ("no such file" and the like), from Node's error. */
export function fileProblem(e: unknown, missing: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return missing;
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a part of the path is not a directory";
  if (code === "ENOSPC") return "no space left on the device";
  return oneLine((e as Error).message);
}

/** A message on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
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
  const bytes = readBytes(path);
  const text = bytes.toString("utf8");
  const result = parseDump(text, { file: inputName(path) });
  const file = inputName(path);
  // Decoding turned every byte that is not UTF-8 into U+FFFD: only then is the file looked at byte by byte.
  const odd = text.includes("\uFFFD") && !isUtf8(bytes) ? firstNonUtf8(bytes) : null;
  // It goes where the parser's warnings go (stderr, and `warnings` of a --json document), in line order.
  result.warnings = withEncodingWarning(result.warnings, odd && nonUtf8Warning(file, odd));
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
