/**
 * Seeded pseudo-random numbers. Every place randomness enters the engine draws from an
 * `Rng` made from the user's seed, so the same seed on the same backend gives the same result.
 * sfc32 is small, fast in JS (32-bit integer ops only) and passes PractRand to 2^40+ bytes.
 */
/** The seed a run uses when none is given. */
export const DEFAULT_SEED = 0;

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
  /**
   * The generator's live sfc32 state (four words). Copying it out and back lets another thread
   * draw a stretch of this same stream (`sfcFill` on the copy) and this one continue after it.
   */
  readonly state: Int32Array;
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

/*
 * sfc32 with its state in an Int32Array and the steps in module-level functions: V8 keeps these
 * loops on untagged integers, where the same code over closure variables runs ~4× slower (the
 * augmentation draws ~10^6 numbers per batch, so this matters).
 */
function sfcNext(s: Int32Array): number {
  const a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/** `out.length` draws of the sfc32 stream in `s`, advancing it. Self-contained: worker threads run its source. */
export function sfcFill(s: Int32Array, out: Uint32Array): void {
  let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
  for (let i = 0; i < out.length; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    out[i] = t;
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
}

export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  const state = Int32Array.of(init(), init(), init(), init());
  for (let i = 0; i < 12; i++) sfcNext(state);
  let spare: number | null = null;
  const rng: Rng = {
    next: () => sfcNext(state) / 4294967296,
    int: (n) => Math.floor((sfcNext(state) / 4294967296) * n),
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
    fork: () => createRng(sfcNext(state)),
    fillUint32: (out) => {
      sfcFill(state, out);
      return out;
    },
    state,
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
