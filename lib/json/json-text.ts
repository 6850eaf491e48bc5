/** The JSON text every JSON output of the kit uses: exact fractions as strings, BigInts as decimals, two-space indents. */

/**
 * Characters JSON.stringify leaves raw that a terminal or an editor acts on:
 * DEL, the C1 controls (U+009B starts an escape sequence on many terminals)
 * and the bidirectional embeddings, overrides and isolates. They can only
 * occur inside strings, where `\uXXXX` means the same character.
 */
const RAW_CONTROLS = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** JSON with BigInt-safe fractions: `{num, den}` fractions become `"num/den"` strings; controls are escaped. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "bigint") return v.toString();
      if (v && typeof v === "object" && typeof v.num === "bigint" && typeof v.den === "bigint" && Object.keys(v).length === 2)
        return v.den === 1n ? `${v.num}` : `${v.num}/${v.den}`;
      return v;
    },
    2,
  ).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
