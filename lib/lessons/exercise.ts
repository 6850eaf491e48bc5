/**
 * Exercise checks for the lessons: compare a reader's answer with what the
 * library computes, and say right or wrong and why, without giving the
 * answer away when it is wrong.
 */
import { escapeHtml } from "../views/escape.js";

/** The verdict on one answer. */
export interface ExerciseResult {
  /** `null` while the reader has not answered yet. */
  correct: boolean | null;
  message: string;
}

/** How to judge one exercise. */
export interface ExerciseSpec<T> {
  /** Why the right answer is right (shown once the answer is correct). */
  why: string;
  /** A nudge shown for a wrong answer; never the answer itself. */
  hint: string;
  /** Equality for this kind of answer; `===`, or element-wise for arrays, by default. */
  equals?: (given: T, expected: T) => boolean;
}

function defaultEquals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => defaultEquals(x, b[i]));
  if (typeof a === "string" && typeof b === "string") return a.trim() === b.trim();
  return a === b;
}

/** Judge an answer (`null`/`undefined` means not answered yet). */
export function checkAnswer<T>(given: T | null | undefined, expected: T, spec: ExerciseSpec<T>): ExerciseResult {
  if (given === null || given === undefined) return { correct: null, message: "Not answered yet: replace null with your answer and run the cell again." };
  const ok = (spec.equals ?? defaultEquals)(given, expected);
  return ok ? { correct: true, message: `Right. ${spec.why}` } : { correct: false, message: `Not quite. ${spec.hint}` };
}

/** A probability answer given as a number is right within `tolerance` of the exact value. */
export function closeTo(tolerance: number): (given: number, expected: number) => boolean {
  return (given, expected) => Math.abs(given - expected) <= tolerance;
}

/** The verdict as a small HTML block (text is escaped). */
export function exerciseHtml(result: ExerciseResult): string {
  const mark = result.correct === null ? "…" : result.correct ? "✔" : "✘";
  const color = result.correct === null ? "#555" : result.correct ? "#007a3d" : "#b3261e";
  const text = escapeHtml(result.message);
  return `<div class="kil-exercise" style="border-left:4px solid ${color};padding:6px 10px;margin:4px 0;font-family:system-ui,sans-serif"><strong style="color:${color}">${mark}</strong> ${text}</div>`;
}
