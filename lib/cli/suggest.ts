/** "Did you mean ...?" for a mistyped command or option name. */

/** The number of single-character edits (insert, delete, replace, swap two neighbours) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The one name a typo most likely meant: the only one it begins, else the nearest within a third of its length (at least one edit), else none. */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const begun = names.filter((n) => typed.replace(/^-+/, "").length >= 2 && n.startsWith(typed));
  if (begun.length === 1) return begun[0];
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

/** " (did you mean 'NAME'?)" when there is a likely name, else "". */
export function didYouMean(typed: string, names: readonly string[]): string {
  const near = closestName(typed, names);
  return near === undefined ? "" : ` (did you mean '${near}'?)`;
}
