/**
 * The packet mark, step by step: each MARK rule's arithmetic
 * `(mark & ~mask) ^ value` and each mark test `(mark & mask) == value`, in
 * hex and in binary, with the values read from the rule in the dump.
 */
import type { Dump } from "../model/dump.js";
import type { MarkMatch } from "../model/matches.js";
import { rulesAtLines } from "../model/predicates.js";
import type { Outcome, Step } from "../trace/outcome.js";
import { escapeHtml } from "./escape.js";
import { markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { highlightRule } from "./rule-text.js";
import { bin32, hex32, outcomeList, probabilityCell, type OutcomeSource } from "./outcomes.js";
import { t } from "../i18n/language.js";

/** Options of `markTable`. */
export interface MarkTableOptions extends ViewOptions {
  /** Also show the rules that test the mark (`-m mark --mark V/M`), not only the ones that set it (default true). */
  tests?: boolean;
}

function bitsTable(rows: [string, number, boolean?][]): string {
  const trs = rows.map(([what, v, result]) => `<tr${result ? ` class="kil-result"` : ""}><td>${escapeHtml(what)}</td><td>${hex32(v)}</td><td>${bin32(v)}</td></tr>`).join("");
  return `<table class="kil-bits"><tbody>${trs}</tbody></table>`;
}

/** The arithmetic of a MARK rule (`--set-xmark value/mask`). */
export function markArithmetic(before: number, value: number, mask: number): string {
  const kept = (before & ~mask) >>> 0;
  const after = (kept ^ value) >>> 0;
  return `<code>(mark &amp; ~${escapeHtml(hex32(mask))}) ^ ${escapeHtml(hex32(value))}</code>` +
    bitsTable([["mark", before], ["& ~mask", ~mask >>> 0], ["=", kept, true], ["^ value", value], [t("= new mark"), after, true]]);
}

/** The arithmetic of a mark test (`-m mark --mark value/mask`). */
export function markTest(mark: number, m: MarkMatch): string {
  const masked = (mark & m.mask) >>> 0;
  const equal = masked === m.value >>> 0;
  const result = equal !== m.invert;
  return `<code>${m.invert ? "! " : ""}(mark &amp; ${escapeHtml(hex32(m.mask))}) == ${escapeHtml(hex32(m.value))}</code>` +
    bitsTable([["mark", mark], ["& mask", m.mask], ["=", masked, true], ["== value?", m.value]]) +
    `<span class="${result ? "kil-yes" : "kil-no"}">${escapeHtml(`${equal ? t("equal") : t("not equal")}${m.invert ? ` ${t("(negated)")}` : ""}: ${result ? t("matches") : t("does not match")}`)}</span>`;
}

/** The mark a packet carries just before each step (recomputed from the MARK steps). */
function markBeforeSteps(o: Outcome): number[] {
  const out: number[] = [];
  let mark = 0;
  for (const s of o.steps) {
    out.push(s.markBefore ?? mark);
    if (s.markAfter !== undefined) mark = s.markAfter;
  }
  return out;
}

/** Table of each MARK step of the outcomes (mask arithmetic in binary and hex) and of each mark test; needs the dump for the rules' values. */
export function markTable(source: OutcomeSource, dump: Dump | null, options: MarkTableOptions = {}): string {
  const outcomes = outcomeList(source);
  const rows: Row[] = [];
  outcomes.forEach((o, oi) => {
    const marks = markBeforeSteps(o);
    const steps: { s: Step; i: number; html: string }[] = [];
    // One pass over the dump for every line of this outcome (a path can check thousands of rules).
    const rules = dump ? rulesAtLines(dump, o.steps.filter((s) => s.kind === "rule" && s.line !== null).map((s) => s.line!)) : null;
    o.steps.forEach((s, i) => {
      const rule = rules && s.line !== null && s.kind === "rule" ? rules.get(s.line) : undefined;
      if (s.markAfter !== undefined) {
        const t = rule?.target;
        const html = t && t.kind === "MARK" ? markArithmetic(s.markBefore!, t.value, t.mask) : `<code>${escapeHtml(hex32(s.markBefore!))} → ${escapeHtml(hex32(s.markAfter))}</code>`;
        steps.push({ s, i, html });
      } else if (options.tests !== false && rule && s.kind === "rule") {
        const m = rule.matches.find((x): x is MarkMatch => x.kind === "mark");
        const failedElsewhere = !s.matched && s.reason !== undefined && !/^(! )?-m mark /.test(s.reason);
        if (m && !failedElsewhere) steps.push({ s, i, html: markTest(marks[i], m) });
      }
    });
    if (steps.length === 0) {
      rows.push({ className: "kil-group", cells: [{ content: oi + 1, className: "kil-num" }, probabilityCell(o.probability), { content: t("No rule set or tested the packet's mark; it stays 0x0."), colSpan: 5 }] });
      return;
    }
    steps.forEach(({ s, i, html }, k) => {
      const cells: Row = [
        { content: i + 1, className: "kil-num" },
        `${s.table ?? ""} ${s.chain ?? ""}`.trim(),
        { content: s.line ?? "", className: "kil-num" },
        markup(`<span class="kil-rule">${highlightRule(s.rule, s)}</span>`),
        markup(html),
      ];
      if (k === 0) cells.unshift({ content: oi + 1, className: "kil-num", rowSpan: steps.length }, { content: probabilityCell(o.probability), rowSpan: steps.length });
      rows.push({ className: k === 0 ? "kil-group" : undefined, cells });
    });
  });
  const table = tableHtml({
    head: [{ text: t("outcome"), className: "kil-num" }, t("probability"), { text: t("step"), className: "kil-num" }, t("chain"), { text: t("line"), className: "kil-num" }, t("rule"), t("mark arithmetic")],
    rows,
  });
  const note = `<p class="kil-note">${escapeHtml(`${t("MARK --set-xmark value/mask computes (mark & ~mask) ^ value; a mark test --mark value/mask matches when (mark & mask) == value.")}${dump ? "" : ` ${t("Without the dump only the marks before and after are known.")}`}`)}</p>`;
  return viewHtml("marks", table + note, { title: options.title ?? "The packet mark", caption: options.caption });
}
