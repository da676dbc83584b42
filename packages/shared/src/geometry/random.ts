// Frame-agnostic: seeded random numbers for the sampling algorithms (RANSAC, tests). Math.random
// cannot be seeded, and results must be reproducible for a seed so that a scene graph built twice
// from the same image is the same scene graph.

/**
 * mulberry32: a 32-bit state generator, uniform in [0, 1), fast and good enough for sampling
 * (not for cryptography). The same seed always gives the same sequence.
 * Example: `const rng = createRng(42); rng()` → 0.6011…
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from `rng`; n must be a positive integer. */
export function randomInt(rng: () => number, n: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`randomInt needs a positive integer bound, got ${n}`);
  // rng() < 1, so the floor is at most n - 1.
  return Math.floor(rng() * n);
}
