/** A small seeded generator (xoshiro128**, seeded by splitmix32), so simulations repeat exactly. */

/** Uniform random integers from a seed. */
export interface Random {
  /** A uniform 32-bit unsigned integer. */
  next32(): number;
  /** A uniform BigInt in [0, n). */
  below(n: bigint): bigint;
}

/** Create a generator; the same seed always gives the same sequence. */
export function createRandom(seed: number): Random {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const next32 = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const below = (n: bigint): bigint => {
    if (n <= 0n) throw new RangeError("below(n) needs n > 0");
    const bits = n.toString(2).length;
    const words = Math.ceil(bits / 32);
    const excess = BigInt(words * 32 - bits);
    // Rejection sampling keeps the draw exactly uniform.
    for (;;) {
      let r = 0n;
      for (let i = 0; i < words; i++) r = (r << 32n) | BigInt(next32());
      r >>= excess;
      if (r < n) return r;
    }
  };
  return { next32, below };
}
