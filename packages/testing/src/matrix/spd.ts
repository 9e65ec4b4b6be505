/** SPD matrices with a chosen condition number and a known spectrum. */
import { fromEigenpairs, randomOrthogonal } from './orthogonal.js';
import { assertDimension } from './validate.js';

/** A symmetric matrix built as Q diag(eigenvalues) Q^T, with everything that built it. */
export interface KnownSpectrumMatrix {
  n: number;
  /** Row-major n x n, exactly symmetric. */
  a: Float64Array;
  /** The eigenvalues used, ascending. */
  eigenvalues: Float64Array;
  /** The orthogonal matrix used; column j is the eigenvector of eigenvalues[j]. */
  q: Float64Array;
}

/** An SPD matrix with its requested condition number and scale. */
export interface SpdMatrix extends KnownSpectrumMatrix {
  /** lambda_max / lambda_min of `eigenvalues`: the requested cond (1 when n = 1). */
  cond: number;
  /** lambda_max. */
  scale: number;
}

/** What `spdWithCondition` builds: A = Q diag(λ) Qᵀ of size n with log-spaced eigenvalues λⱼ = scale · cond^(−(n−1−j)/(n−1)). */
export interface SpdSpec {
  n: number;
  /** Requested condition number lambda_max / lambda_min, >= 1. */
  cond: number;
  /** Seed of the random orthogonal basis. */
  seed: number;
  /** The largest eigenvalue; default 1. */
  scale?: number;
}

/**
 * A = Q diag(lambda) Q^T with Q = randomOrthogonal(n, seed) and the log-spaced spectrum
 *   lambda_j = scale * cond^(-(n - 1 - j) / (n - 1)),   j = 0 .. n-1 (ascending),
 * i.e. logspace(0, -log10(cond), n) * scale reversed: lambda_max = scale,
 * lambda_min = scale / cond. For n = 1, A = [scale] and cond is 1.
 * The eigenvalues are exact for Q diag(lambda) Q^T in real arithmetic; forming A in
 * float64 moves them by at most about n * 2^-52 * scale (Weyl), so lambda_min is known
 * to relative accuracy about n * 2^-52 * cond.
 */
export function spdWithCondition(spec: SpdSpec): SpdMatrix {
  const { n, cond, seed, scale = 1 } = spec;
  assertDimension('spdWithCondition', 'n', n, 1);
  if (!(cond >= 1 && Number.isFinite(cond))) {
    throw new RangeError(`spdWithCondition: cond is ${cond}; allowed: a finite number >= 1`);
  }
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`spdWithCondition: scale is ${scale}; allowed: a finite number > 0`);
  }
  const eigenvalues = new Float64Array(n);
  for (let j = 0; j < n; j++) eigenvalues[j] = n === 1 ? scale : scale * Math.pow(cond, -(n - 1 - j) / (n - 1));
  const q = randomOrthogonal(n, seed);
  const a = fromEigenpairs(q, eigenvalues, n);
  return { n, a, eigenvalues, q, cond: eigenvalues[n - 1] / eigenvalues[0], scale };
}
