/**
 * Exercise checks for the lessons: compare a reader's answer with what the
 * library computes, and say right or wrong and why, without giving the
 * answer away when it is wrong.
 */
import { escapeHtml } from "../views/escape.js";
import { t } from "../i18n/language.js";

/** The verdict on one answer. */
export interface ExerciseResult {
  /** `null` while the reader has not answered yet. */
  correct: boolean | null;
  message: string;
  /** The nudge, shown until the answer is right. */
  hint: string;
  /** The right answer and why, kept folded away (`<details>`) until the reader opens it or answers right. */
  answer: string;
}

/** How to judge one exercise. */
export interface ExerciseSpec<T> {
  /** Why the right answer is right (shown once the answer is correct). */
  why: string;
  /** A nudge shown for a wrong answer; never the answer itself. */
  hint: string;
  /** Equality for this kind of answer; `===`, or element-wise for arrays, by default. */
  equals?: (given: T, expected: T) => boolean;
  /** How to write the right answer (default: the expected value as text). */
  answer?: string;
}

function answerText(expected: unknown): string {
  if (Array.isArray(expected)) return expected.map(answerText).join(", ");
  return typeof expected === "string" ? expected : JSON.stringify(expected) ?? String(expected);
}

function defaultEquals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => defaultEquals(x, b[i]));
  if (typeof a === "string" && typeof b === "string") return a.trim() === b.trim();
  return a === b;
}

/** Judge an answer (`null`/`undefined` means not answered yet); the texts are given in the current language (`t`). */
export function checkAnswer<T>(given: T | null | undefined, expected: T, spec: ExerciseSpec<T>): ExerciseResult {
  const why = t(spec.why);
  const hint = t(spec.hint);
  const answer = t("{}. {}", spec.answer !== undefined ? t(spec.answer) : answerText(expected), why);
  if (given === null || given === undefined) return { correct: null, message: t("Not answered yet: replace null with your answer and run the cell again."), hint, answer };
  const ok = (spec.equals ?? defaultEquals)(given, expected);
  return ok ? { correct: true, message: t("Right. {}", why), hint, answer } : { correct: false, message: t("Not quite."), hint, answer };
}

/** A probability answer given as a number is right within `tolerance` of the exact value. */
export function closeTo(tolerance: number): (given: number, expected: number) => boolean {
  return (given, expected) => Math.abs(given - expected) <= tolerance;
}

/**
 * The verdict as a small HTML block (text is escaped): until the answer is right, the hint, and the
 * answer folded in a `<details>` element, so a reader (or a page of the static site, where the
 * check ran unanswered) sees the hint first and the answer only by opening it.
 */
export function exerciseHtml(result: ExerciseResult): string {
  const mark = result.correct === null ? "…" : result.correct ? "✔" : "✘";
  const color = result.correct === null ? "#4d4d4d" : result.correct ? "#007a3d" : "#b3261e";
  const style = `border-left:4px solid ${color};padding:6px 10px;margin:4px 0;font-family:system-ui,sans-serif`;
  const head = `<strong style="color:${color}">${mark}</strong> ${escapeHtml(result.message)}`;
  if (result.correct) return `<div class="kil-exercise" style="${style}">${head}</div>`;
  const hint = `<p style="margin:4px 0"><strong>${escapeHtml(t("Hint:"))}</strong> ${escapeHtml(result.hint)}</p>`;
  const answer = `<details style="margin:4px 0"><summary>${escapeHtml(t("The answer (open it once you have tried)"))}</summary><p style="margin:4px 0">${escapeHtml(result.answer)}</p></details>`;
  return `<div class="kil-exercise" style="${style}">${head}${hint}${answer}</div>`;
}
