/**
 * Seeded pseudo-random numbers. Every place randomness enters the engine draws from an
 * `Rng` made from the user's seed, so the same seed on the same backend gives the same result.
 * sfc32 is small, fast in JS (32-bit integer ops only) and passes PractRand to 2^40+ bytes.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A new, independent stream (for a sub-task that must not shift this stream). */
  fork(): Rng;
  /** Fill with uniform 32-bit integers (bulk draws for hot loops). */
  fillUint32(out: Uint32Array): Uint32Array;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  let spare: number | null = null;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextU32();
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor((nextU32() / 4294967296) * n),
    normal: () => {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: () => createRng(nextU32()),
    fillUint32: (out) => {
      // sfc32 inlined on locals: closure variables are several times slower to update in V8.
      let a1 = a, b1 = b, c1 = c, d1 = d;
      for (let i = 0; i < out.length; i++) {
        const t = (((a1 + b1) | 0) + d1) | 0;
        d1 = (d1 + 1) | 0;
        a1 = b1 ^ (b1 >>> 9);
        b1 = (c1 + (c1 << 3)) | 0;
        c1 = (c1 << 21) | (c1 >>> 11);
        c1 = (c1 + t) | 0;
        out[i] = t;
      }
      a = a1; b = b1; c = c1; d = d1;
      return out;
    },
  };
  return rng;
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
