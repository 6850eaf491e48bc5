import type { Diagnostic } from "../model/dump.js";
import { diagnosticCode } from "./codes.js";

/** Print a diagnostic as compilers do, for editors and CI to parse: `FILE:LINE:COL: error: message` (or `warning:`). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === "warning" ? "warning" : "error"}: ${d.message}`;
}

/** How many diagnostics of one kind and one file are printed before the rest are only counted. */
export const DIAGNOSTICS_SHOWN = 20;

/** The printed lines of a file's errors (or warnings): the first DIAGNOSTICS_SHOWN, then one line counting the rest. */
export function diagnosticLines(list: Diagnostic[], file: string, kind: "error" | "warning"): string[] {
  const lines = list.slice(0, DIAGNOSTICS_SHOWN).map(formatDiagnostic);
  const more = list.length - DIAGNOSTICS_SHOWN;
  if (more > 0) lines.push(`${file}: ${more} more ${kind}${more === 1 ? "" : "s"} not shown`);
  return lines;
}

/** Where a file's bytes stop being UTF-8 (lib/math/utf8.ts firstNonUtf8). */
export interface NonUtf8 {
  line: number;
  column: number;
  byte: number;
  count: number;
}

/** The dump's warnings with the one for bytes that are not UTF-8 (when there is one) among them in line order, as the parser's are printed. */
export function withEncodingWarning(warnings: Diagnostic[], encoding: Diagnostic | null): Diagnostic[] {
  return encoding ? [encoding, ...warnings].sort((a, b) => a.line - b.line || a.column - b.column) : warnings;
}

/** The warning for a file with bytes that are not UTF-8: decoding read them as U+FFFD, so it cannot be printed back byte for byte. */
export function nonUtf8Warning(file: string, at: NonUtf8): Diagnostic {
  const message = `byte 0x${at.byte.toString(16).padStart(2, "0")} is not UTF-8 (${at.count} such byte${at.count === 1 ? "" : "s"} in the file): read as U+FFFD, so this text is not printed back byte for byte`;
  return { file, line: at.line, column: at.column, severity: "warning", message, code: diagnosticCode(message) };
}
