/**
 * The rules one outcome met, in order: hook, table, chain, line, the rule
 * with what matched (or the condition that failed) marked, and the result.
 */
import type { TableName } from "../model/dump.js";
import type { Outcome, Step } from "../trace/outcome.js";
import { formatFraction } from "../math/fraction.js";
import { escapeHtml } from "./escape.js";
import { markup, tableHtml, viewHtml, type Row, type ViewOptions } from "./html.js";
import { failingCondition, highlightRule } from "./rule-text.js";
import { probabilityCell, verdictText } from "./outcomes.js";
import { tupleText } from "../trace/packet.js";
import { t } from "../i18n/language.js";
import { engineText } from "./engine-text.js";

/** Options of `rulePathTable`. */
export interface RulePathOptions extends ViewOptions {
  /** Leave out rules that did not match (default false). */
  hideNonMatching?: boolean;
  /** Only rules of these tables (default: every table). */
  tables?: readonly TableName[];
  /** Also list routing, conntrack and delivery steps (default true). */
  showOtherSteps?: boolean;
  /**
   * Longest run of non-matching rules of one chain shown in full (default: no limit). A longer run
   * shows its first and last rules around one row that counts the rest: how a dump with thousands
   * of Services stays readable, while the count still shows the linear walk.
   */
  maxRun?: number;
}

/** The indexes of steps to leave out: the middle of each run of non-matching rules of one chain longer than `maxRun`. */
function collapsedSteps(steps: readonly Step[], maxRun: number): Map<number, number> {
  const skipped = new Map<number, number>(); // first hidden index -> how many are hidden
  const keep = Math.max(1, Math.floor(maxRun / 2));
  let start = 0;
  for (let i = 0; i <= steps.length; i++) {
    const s = steps[i];
    const inRun = s !== undefined && s.kind === "rule" && !s.matched && (i === start || steps[start].chain === s.chain);
    if (inRun) continue;
    const length = i - start;
    if (length > maxRun) skipped.set(start + keep, length - 2 * keep);
    start = s !== undefined && s.kind === "rule" && !s.matched ? i : i + 1;
  }
  return skipped;
}

function resultHtml(s: Step): string {
  if (s.kind !== "rule") return escapeHtml(engineText(s.action ?? ""));
  const branch = s.probability ? ` <span class="kil-dim">(${escapeHtml(t("random branch, {}", formatFraction(s.probability)))})</span>` : "";
  if (s.matched) {
    const notes = s.reason ? `<br><span class="kil-dim">${escapeHtml(engineText(s.reason))}</span>` : "";
    return `<span class="kil-yes">${escapeHtml(t("matched"))}</span>: ${escapeHtml(engineText(s.action ?? ""))}${branch}${notes}`;
  }
  const f = s.reason ? failingCondition(s.rule, s.reason) : null;
  const why = f ? `<code>${escapeHtml(f.part)}</code>: ${escapeHtml(engineText(f.why))}` : escapeHtml(engineText(s.reason ?? ""));
  return `<span class="kil-no">${escapeHtml(t("no"))}</span>: ${why}${branch}`;
}

/** What the highlights in the rule column mean. */
function legendHtml(): string {
  return `<ul class="kil-legend"><li><code><span class="kil-hit">-d 10.0.0.1/32</span></code> ${escapeHtml(t("conditions that matched"))}</li>` +
    `<li><code><span class="kil-miss">-d 10.0.0.1/32</span></code> ${escapeHtml(t("the condition that failed"))}</li>` +
    `<li><code><span class="kil-target">-j TARGET</span></code> ${escapeHtml(t("what the rule does (bold)"))}</li></ul>`;
}

/** Table of the rules one outcome met, in order, with the matching part (or the failing condition) highlighted. */
export function rulePathTable(outcome: Outcome, options: RulePathOptions = {}): string {
  const rows: Row[] = [];
  const collapsed = options.maxRun !== undefined && !options.hideNonMatching ? collapsedSteps(outcome.steps, options.maxRun) : new Map<number, number>();
  let hiddenUntil = -1;
  outcome.steps.forEach((s, i) => {
    if (i < hiddenUntil) return;
    const hidden = collapsed.get(i);
    if (hidden !== undefined) {
      hiddenUntil = i + hidden;
      rows.push({ className: "kil-skipped", cells: [{ content: `… ${t("{} more rules of {} did not match (steps {} to {})", hidden, s.chain ?? t("this chain"), i + 1, i + hidden)}`, colSpan: 7 }] });
      return;
    }
    if (options.hideNonMatching && s.kind === "rule" && !s.matched) return;
    if (options.tables && s.table !== null && !options.tables.includes(s.table)) return;
    if (options.tables && s.table === null && options.showOtherSteps === false) return;
    if (options.showOtherSteps === false && s.kind !== "rule" && s.kind !== "policy") return;
    const ruleCell = s.kind === "rule" || s.kind === "policy"
      ? markup(`<span class="kil-rule">${highlightRule(s.rule, s)}</span>`)
      : markup(`<span class="kil-dim">${escapeHtml(engineText(s.rule))}</span>`);
    rows.push({
      className: s.kind === "rule" && !s.matched ? "kil-skipped" : undefined,
      cells: [
        { content: i + 1, className: "kil-num" },
        s.hook ?? "",
        s.table ?? "",
        s.chain ?? "",
        { content: s.line ?? "", className: "kil-num" },
        ruleCell,
        markup(resultHtml(s)),
      ],
    });
  });
  const table = tableHtml({ head: [{ text: "#", className: "kil-num" }, t("hook"), t("table"), t("chain"), { text: t("line"), className: "kil-num" }, t("rule"), t("result")], rows });
  const summary = `<p class="kil-caption">${escapeHtml(tupleText(outcome.before))} → ${escapeHtml(tupleText(outcome.after))}: ${escapeHtml(t("{}, probability {}", verdictText(outcome), probabilityCell(outcome.probability)))}</p>`;
  return viewHtml("rule-path", `${summary}${table}${legendHtml()}`, { title: options.title ?? "The rules on this path", caption: options.caption });
}
