/**
 * The statistic probabilities kube-proxy writes and iptables-save prints
 * back. kube-proxy writes `1/n` with Go's `%0.5f` (2018) or `%0.10f` (today);
 * the kernel keeps `round(p * 2^31)`; iptables-save prints that with 11
 * decimals. So a 2018 dump shows `0.33332999982` where kube-proxy wrote
 * `0.33333`.
 */
import { formatProbability, kernelProbability } from "../math/probability.js";

/**
 * Format a double with `digits` decimals exactly as Go's `%0.<digits>f` does:
 * from the double's exact binary value, ties rounded to even.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`formatFixed: expected a finite number >= 0, got ${x}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const exponent = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exponent === 0) e = -1074;
  else {
    mantissa |= 1n << 52n;
    e = exponent - 1075;
  }
  // x = mantissa * 2^e exactly; scale by 10^digits and round half to even.
  let num = mantissa * 10n ** BigInt(digits);
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n) === 1n)) q += 1n;
  if (digits === 0) return q.toString();
  const s = q.toString().padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** What kube-proxy writes for the rule that picks one of `n` remaining endpoints. */
export function kubeProxyProbability(n: number, style: "2018" | "modern"): string {
  return formatFixed(1 / n, style === "2018" ? 5 : 10);
}

const printed = new Map<string, string>();

/** What iptables-save prints for that rule: the kernel's `round(p * 2^31)` with 11 decimals. */
export function savedProbability(n: number, style: "2018" | "modern"): string {
  const key = `${style}/${n}`;
  let text = printed.get(key);
  if (text === undefined) {
    text = formatProbability(kernelProbability(Number(kubeProxyProbability(n, style))));
    printed.set(key, text);
  }
  return text;
}
