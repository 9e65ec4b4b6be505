/**
 * A tiny deterministic random source for matrix constructions, so that a fast-check
 * arbitrary can map one seed integer to a whole matrix reproducibly.
 */

/** A stream of numbers drawn from a fixed seed. */
export interface SeededRandom {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
}

/**
 * A seeded generator: the mulberry32 recurrence (state += 0x6D2B79F5, then two
 * xorshift-multiply rounds) for uniforms, and the Box-Muller transform
 * z = sqrt(-2 ln u1) cos(2 pi u2) for Gaussians. Same seed, same sequence.
 */
export function seededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seededRandom: seed is ${seed}; allowed: an integer`);
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = (): number => {
    const u1 = 1 - uniform(); // in (0, 1], so the log is finite
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { uniform, gaussian };
}

/** A rows x cols row-major matrix of independent N(0, 1) entries. */
export function gaussianMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = seededRandom(seed);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.gaussian();
  return out;
}
