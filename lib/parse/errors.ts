import type { Diagnostic } from "../model/dump.js";

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
