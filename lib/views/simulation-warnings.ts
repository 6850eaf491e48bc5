/**
 * A simulation's warnings as a reader reads them: each distinct warning once, then which
 * connections it was given for ("for 3 connections: #1, #2, #5"), in the current language.
 */
import { t } from "../i18n/language.js";
import type { SimulationWarning } from "../trace/simulate.js";

/** Which connections a warning concerns, in words; `name` writes one connection (its number, its time). */
export function warningConnections(w: SimulationWarning, name: (c: SimulationWarning["first"][number]) => string): string {
  const listed = w.first.map(name).join(t(", "));
  const more = w.count - w.first.length;
  if (w.count === 1) return t("for 1 connection: {}", listed);
  return more > 0 ? t("for {} connections: {} and {} more", w.count, listed, more) : t("for {} connections: {}", w.count, listed);
}
