/**
 * Quoting as iptables-save does it (xtables_save_string): a word made only of
 * letters, digits, `_` and `-` is printed bare; anything else, including the
 * empty string, is double-quoted with `"`, `\` and `'` backslash-escaped.
 */
const BARE = /^[A-Za-z0-9_-]+$/;

/** Quote a string argument (comment, log prefix) the way iptables-save prints it. */
export function saveString(value: string): string {
  if (BARE.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
