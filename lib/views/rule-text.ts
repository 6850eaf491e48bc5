/**
 * A rule's text with parts marked: the conditions that matched, the
 * condition that failed (found from the step's reason, which starts with
 * that condition's text), and the target. Every piece is escaped.
 */
import { tokenizeLine, type Token } from "../parse/lexer.js";
import type { Outcome, Step } from "../trace/outcome.js";
import { escapeHtml } from "./escape.js";
import { engineText } from "./engine-text.js";

interface Span {
  start: number;
  end: number;
  cls: string;
  title?: string;
}

/** The condition named at the start of a step's reason (`-d 10.254.112.177/32: destination is ...` → `-d 10.254.112.177/32`), with the rest. */
export function splitReason(reason: string): { part: string; why: string }[] {
  const out: { part: string; why: string }[] = [];
  let at = reason.indexOf(": ");
  while (at >= 0) {
    out.push({ part: reason.slice(0, at), why: reason.slice(at + 2) });
    at = reason.indexOf(": ", at + 2);
  }
  return out.reverse(); // longest first
}

/** Where a condition's words occur, word for word, among the rule's tokens (a shorter tail is tried when the full text is not there). */
function findWords(tokens: Token[], words: string[], from: number): [number, number] | null {
  for (let drop = 0; drop < words.length; drop++) {
    const want = words.slice(drop);
    if (want.length < 2 && words.length > 1) break;
    for (let i = from; i + want.length <= tokens.length; i++) {
      let ok = true;
      for (let k = 0; k < want.length && ok; k++) ok = tokens[i + k].text === want[k];
      if (ok) return [i, i + want.length - 1];
    }
  }
  return null;
}

/** Locate the failing condition of a non-matching step in its rule text: its word range, and the reason without the condition. */
export function failingCondition(rule: string, reason: string): { start: number; end: number; part: string; why: string } | null {
  const lexed = tokenizeLine(rule);
  if (!lexed.ok) return null;
  const body = bodyStart(lexed.tokens);
  for (const { part, why } of splitReason(reason)) {
    const words = part.trim().split(/\s+/);
    const hit = findWords(lexed.tokens, words, body);
    if (hit) return { start: lexed.tokens[hit[0]].start, end: lexed.tokens[hit[1]].end, part, why };
  }
  return null;
}

/** Index of the first token after `[counters] -A CHAIN`. */
function bodyStart(tokens: Token[]): number {
  let i = 0;
  if (tokens[i] && /^\[\d+:\d+\]$/.test(tokens[i].text)) i++;
  if (tokens[i] && (tokens[i].text === "-A" || tokens[i].text === "--append")) i += 2;
  return Math.min(i, tokens.length);
}

/** The rule's text as HTML, with the matching conditions, the failing condition and the target marked. */
export function highlightRule(rule: string, step?: Pick<Step, "matched" | "reason" | "kind">): string {
  const lexed = tokenizeLine(rule);
  if (!lexed.ok || !step || step.kind !== "rule") return escapeHtml(rule);
  const tokens = lexed.tokens;
  const spans: Span[] = [];
  const body = bodyStart(tokens);
  let targetAt = tokens.length;
  for (let i = body; i < tokens.length; i++) {
    if (!tokens[i].quoted && (tokens[i].text === "-j" || tokens[i].text === "-g" || tokens[i].text === "--jump" || tokens[i].text === "--goto")) {
      targetAt = i;
      break;
    }
  }
  if (targetAt < tokens.length) spans.push({ start: tokens[targetAt].start, end: tokens[tokens.length - 1].end, cls: "kil-target" });
  if (step.matched) {
    // Conditions, split around comments (a comment never decides anything).
    let runStart: number | null = null;
    const close = (endToken: number) => {
      if (runStart !== null && endToken >= runStart) spans.push({ start: tokens[runStart].start, end: tokens[endToken].end, cls: "kil-hit" });
      runStart = null;
    };
    for (let i = body; i < targetAt; i++) {
      const isComment = tokens[i].text === "-m" && tokens[i + 1]?.text === "comment";
      if (isComment) {
        close(i - 1);
        i += tokens[i + 2]?.text === "--comment" ? 3 : 1;
        continue;
      }
      if (runStart === null) runStart = i;
    }
    close(targetAt - 1);
  } else if (step.reason) {
    const f = failingCondition(rule, step.reason);
    if (f) spans.push({ start: f.start, end: f.end, cls: "kil-miss", title: engineText(f.why) });
  }
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += escapeHtml(rule.slice(at, s.start));
    out += `<span class="${s.cls}"${s.title ? ` title="${escapeHtml(s.title)}"` : ""}>${escapeHtml(rule.slice(s.start, s.end))}</span>`;
    at = s.end;
  }
  return out + escapeHtml(rule.slice(at));
}

/** The highlighted text of the matched rule at `line` on an outcome's path (empty when there is none). */
export function matchedRuleHtml(o: Outcome, line: number | null): string {
  if (line === null) return "";
  const s = o.steps.find((x) => x.line === line && x.kind === "rule" && x.matched);
  return s ? `<span class="kil-rule">${highlightRule(s.rule, s)}</span>` : "";
}
