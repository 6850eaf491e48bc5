/**
 * How big a dump is, in words that fit its size: "812 characters", "44 thousand characters",
 * "1.2 million characters" (and bytes, kB, MB for a file), in the page's language. The worker's
 * progress says this while it decodes and parses.
 */
import { t } from "../lib/i18n/language.js";

/** A count in the largest of ones, thousands and millions that keeps it 1 or more: the number shown and which scale it is in. */
function scaled(count: number): { shown: string; scale: 0 | 1 | 2 } {
  if (count < 1000) return { shown: String(count), scale: 0 };
  // Rounded first, so 999,960 is "1.0 million", not "1000 thousand".
  const inScale = (value: number) => (value < 9.95 ? value.toFixed(1) : String(Math.round(value)));
  const thousands = inScale(count / 1e3);
  if (Number(thousands) < 1000) return { shown: thousands, scale: 1 };
  return { shown: inScale(count / 1e6), scale: 2 };
}

/** A number of characters in words: "812 characters", "44 thousand characters", "1.2 million characters". */
export function characterCount(count: number): string {
  const { shown, scale } = scaled(count);
  if (scale === 0) return t(count === 1 ? "{} character" : "{} characters", shown);
  return t(scale === 1 ? "{} thousand characters" : "{} million characters", shown);
}

/** A file's size: "812 bytes", "44 kB", "1.2 MB" (decimal units, as the command line's wc -c counts bytes). */
export function byteSize(count: number): string {
  const { shown, scale } = scaled(count);
  if (scale === 0) return t(count === 1 ? "{} byte" : "{} bytes", shown);
  return `${shown} ${scale === 1 ? "kB" : "MB"}`;
}
