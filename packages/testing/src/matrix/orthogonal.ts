/** Random orthogonal matrices. */
import { identity } from './dense.js';
import { seededRandom } from './seeded-random.js';
import { assertDimension, assertMatrix } from './validate.js';

/**
 * A random n x n orthogonal matrix Q = H_1 H_2 ... H_n, a product of Householder
 * reflections H_k = I - 2 v_k v_k^T / (v_k^T v_k) with Gaussian v_k drawn from `seed`.
 * Each H_k is symmetric and orthogonal, so Q^T Q = I exactly in real arithmetic; in
 * float64 ||Q^T Q - I||_F is a small multiple of n * 2^-52. det Q = (-1)^n. Cost 4 n^3.
 */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  assertDimension('randomOrthogonal', 'n', n);
  const rng = seededRandom(seed);
  const q = identity(n);
  const v = new Float64Array(n);
  const qv = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let vv = 0;
    for (let i = 0; i < n; i++) {
      v[i] = rng.gaussian();
      vv += v[i] * v[i];
    }
    if (vv === 0) continue;
    // Q <- Q H = Q - (2 / v^T v) (Q v) v^T
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[i * n + j] * v[j];
      qv[i] = (2 * s) / vv;
    }
    for (let i = 0; i < n; i++) {
      const f = qv[i];
      for (let j = 0; j < n; j++) q[i * n + j] -= f * v[j];
    }
  }
  return q;
}

/**
 * Q diag(lambda) Q^T for a square Q (row-major) and a spectrum lambda, computed as
 * a_ij = sum_k q_ik lambda_k q_jk for i <= j and mirrored, so the result is exactly symmetric.
 */
export function fromEigenpairs(q: ArrayLike<number>, lambda: ArrayLike<number>, n: number): Float64Array {
  assertMatrix('fromEigenpairs', 'q', q, n, n);
  assertMatrix('fromEigenpairs', 'lambda', lambda, n, 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * lambda[k] * q[j * n + k];
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}
