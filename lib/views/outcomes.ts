/** What the outcome tables accept: one outcome, a list, or a whole trace. */
import type { Outcome, Trace, TraceOutcome } from "../trace/outcome.js";
import { formatFraction, formatPercent, type Fraction } from "../math/fraction.js";
import { hex } from "../math/hex.js";
import { t } from "../i18n/language.js";

/** One outcome, several, or a trace (all its outcomes). */
export type OutcomeSource = Outcome | readonly Outcome[] | Trace;

/** The outcomes of a source, in order. */
export function outcomeList(source: OutcomeSource): readonly Outcome[] {
  if (Array.isArray(source)) return source as readonly Outcome[];
  if ("outcomes" in (source as object)) return (source as Trace).outcomes;
  return [source as Outcome];
}

/** How an outcome ended in one word of the current language: accepted, dropped, rejected, uncertain. */
export function verdictWord(o: Outcome): string {
  return t(o.verdict);
}

/** `1/2 (50%)`, or `100%` for certainty. */
export function probabilityCell(f: Fraction): string {
  return f.num === f.den ? "1 (100%)" : `${formatFraction(f)} (${formatPercent(f)})`;
}

/** A mark as 8 hex digits: `0x00004000`. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}

/** A mark as 32 bits in groups of four: `0000 0000 0000 0000 0100 0000 0000 0000`. */
export function bin32(value: number): string {
  return (value >>> 0).toString(2).padStart(32, "0").replace(/(.{4})(?=.)/g, "$1 ");
}

/** A mark as iptables prints it (`0x4000`). */
export function markText(value: number): string {
  return hex(value);
}

/** How an outcome ended, in words: `accepted, out of flannel.1`, `dropped at line 27`. */
export function verdictText(o: Outcome): string {
  if (o.verdict === "accepted") return o.delivery === "local" ? t("accepted, delivered locally") : t("accepted, out of {}", o.outInterface ?? "?");
  const verdict = t(o.verdict);
  const where = o.line !== null ? t("{} at line {}", verdict, o.line) : verdict;
  if (o.verdict === "rejected") return `${where}${o.rejectWith ? ` (${o.rejectWith})` : ""}`;
  return where;
}

/** The Service port a traced outcome reached (`default/wordpress-01-svc:`), `none: no Service rule matched`, or "" for a bare engine outcome, which does not know. */
export function serviceText(o: Outcome): string {
  const service = (o as Partial<TraceOutcome>).service;
  return service === undefined ? "" : service ?? t("none: no Service rule matched");
}

/** For an accepted outcome that leaves for an address nothing owns (`answerable` false): `nobody: nothing owns 10.254.42.62:81`; null otherwise. */
export function unownedText(o: Outcome): string | null {
  return o.verdict === "accepted" && (o as Partial<TraceOutcome>).answerable === false ? t("nobody: nothing owns {}", `${o.after.dst}:${o.after.dport}`) : null;
}
