/** Low-rank plus ridge matrices, the shape of Shampoo's statistics early in training. */
import { gaussianMatrix } from './seeded-random.js';
import { assertDimension } from './validate.js';

/** A = G G^T + eps I with its factor. */
export interface LowRankMatrix {
  n: number;
  rank: number;
  eps: number;
  /** Row-major n x n, exactly symmetric, PSD (SPD when eps > 0 or rank = n). */
  a: Float64Array;
  /** Row-major n x rank factor G. */
  g: Float64Array;
}

/** What `lowRankPlusRidge` builds: A = G Gᵀ + eps I with G of shape n × rank. */
export interface LowRankSpec {
  n: number;
  /** Columns of G, 0 <= rank. rank < n gives n - rank eigenvalues equal to eps. */
  rank: number;
  /** Ridge eps >= 0 added to the diagonal. */
  eps: number;
  seed: number;
}

/**
 * A = G G^T + eps I with G an n x rank matrix of N(0, 1 / rank) entries drawn from `seed`
 * (so E[A] = (1 + eps) I for rank >= 1). In real arithmetic A has n - rank eigenvalues
 * exactly eps and rank eigenvalues > eps (almost surely); computed upper triangle mirrored,
 * so A is exactly symmetric.
 */
export function lowRankPlusRidge(spec: LowRankSpec): LowRankMatrix {
  const { n, rank, eps, seed } = spec;
  assertDimension('lowRankPlusRidge', 'n', n, 1);
  assertDimension('lowRankPlusRidge', 'rank', rank, 0);
  if (!(eps >= 0 && Number.isFinite(eps))) {
    throw new RangeError(`lowRankPlusRidge: eps is ${eps}; allowed: a finite number >= 0`);
  }
  const g = gaussianMatrix(n, rank, seed);
  const s = rank === 0 ? 1 : 1 / Math.sqrt(rank);
  for (let i = 0; i < g.length; i++) g[i] *= s;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = i === j ? eps : 0;
      for (let k = 0; k < rank; k++) sum += g[i * rank + k] * g[j * rank + k];
      a[i * n + j] = sum;
      a[j * n + i] = sum;
    }
  }
  return { n, rank, eps, a, g };
}
