/** Packet mark arithmetic, as the MARK target computes it. */

/** The mark after `MARK --set-xmark value/mask`: `(mark & ~mask) ^ value` (every other MARK form is normalised to this). */
export function applyMark(mark: number, value: number, mask: number): number {
  return ((mark & ~mask) ^ value) >>> 0;
}

/** Whether `-m mark --mark value/mask` matches: `(mark & mask) == value`. */
export function markMatches(mark: number, value: number, mask: number): boolean {
  return ((mark & mask) >>> 0) === value >>> 0;
}
