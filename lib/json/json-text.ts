/** The JSON text every JSON output of the kit uses: exact fractions as strings, BigInts as decimals, two-space indents. */

/** JSON with BigInt-safe fractions: `{num, den}` fractions become `"num/den"` strings. */
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
  );
}
