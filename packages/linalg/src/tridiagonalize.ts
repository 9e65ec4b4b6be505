import { accumulateReflectors } from './accumulateReflectors.js';

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Q^T.
 *
 * Step i = n-1, ..., 2 takes row i's entries left of the diagonal, x = A[i][0..i-1], and the
 * reflector P = I - u u^T / h with u = x - g e_{i-1}, g = -sign(x_{i-1}) ||x||, h = u^T u / 2,
 * which maps x to g e_{i-1}. The trailing update A <- P A P is done as
 *
 *   p = A u / h,   K = u^T p / (2h),   q = p - K u,   A <- A - u q^T - q u^T
 *
 * on the lower triangle only, row by row: A u is one pass over the lower triangle that adds
 * both a_jk u_k (row j) and a_jk u_j (column k, the mirror), so every inner loop runs over a
 * contiguous row (row-major access). About 4n^3/3 flops.
 *
 * Q = P_{n-1} ... P_2 is then formed by `accumulateReflectors` (blocked, through the
 * matrix-multiply kernel), another 4n^3/3 flops.
 *
 * Internal and unchecked: `a` must be a finite symmetric n x n Float64Array (only its lower
 * triangle is read; it is not modified).
 */
export interface Tridiagonal {
  /** T's diagonal, length n. */
  diagonal: Float64Array;
  /** T's sub-diagonal: offDiagonal[i] = T[i][i-1] for i >= 1; offDiagonal[0] = 0. */
  offDiagonal: Float64Array;
  /** Q, row-major n x n. */
  q: Float64Array;
}

export function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  const w = Float64Array.from(a);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const hs = new Float64Array(n);
  const p = new Float64Array(n);

  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1;
    const row = i * n;
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(w[row + k]);
    if (l === 0 || scale === 0) {
      offDiagonal[i] = w[row + l];
      hs[i] = 0;
      continue;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const u = w[row + k] / scale; // a division: 1 / scale overflows for subnormal scales
      w[row + k] = u;
      h += u * u;
    }
    const f = w[row + l];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    offDiagonal[i] = scale * g;
    h -= f * g;
    w[row + l] = f - g;
    hs[i] = h;

    // p = A u (A = leading (l+1) x (l+1) block, stored in its lower triangle)
    for (let k = 0; k <= l; k++) p[k] = 0;
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = w[row + j];
      let s = 0;
      for (let k = 0; k < j; k++) {
        const ajk = w[rj + k];
        s += ajk * w[row + k];
        p[k] += ajk * uj;
      }
      p[j] += s + w[rj + j] * uj;
    }
    const invH = 1 / h;
    let up = 0;
    for (let k = 0; k <= l; k++) {
      p[k] *= invH;
      up += w[row + k] * p[k];
    }
    const kk = up * 0.5 * invH;
    for (let k = 0; k <= l; k++) p[k] -= kk * w[row + k];

    // A <- A - u q^T - q u^T on the lower triangle
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = w[row + j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) w[rj + k] -= uj * p[k] + qj * w[row + k];
    }
  }
  for (let i = 0; i < n; i++) diagonal[i] = w[i * n + i];
  offDiagonal[0] = 0;

  return { diagonal, offDiagonal, q: accumulateReflectors(w, hs, n) };
}
