/** Residual of a claimed eigendecomposition. */
import { assertMatrix, type NumericArray } from '../matrix/validate.js';
import { frobeniusNorm } from '../matrix/dense.js';

/**
 * Relative residual ||A Q - Q diag(values)||_F / ||A||_F for an n x n A, Q (column j is
 * the eigenvector of values[j]) and n eigenvalues. For the zero matrix the absolute
 * residual is returned. A backward-stable solver gives a small multiple of n * 2^-52.
 */
export function eigenResidual(a: NumericArray, q: NumericArray, values: NumericArray, n: number): number {
  assertMatrix('eigenResidual', 'a', a, n, n);
  assertMatrix('eigenResidual', 'q', q, n, n);
  assertMatrix('eigenResidual', 'values', values, n, 1);
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * q[k * n + j];
      r[i * n + j] = s - q[i * n + j] * values[j];
    }
  }
  const norm = frobeniusNorm(a);
  const res = frobeniusNorm(r);
  return norm === 0 ? res : res / norm;
}
