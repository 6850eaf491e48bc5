import type { Diagnostic } from "../model/dump.js";

/** Print a diagnostic as `FILE:LINE:COL: message` (warnings say so). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}
