/** Symmetry of a square float64 matrix. */
import { assertMatrix, type NumericArray } from '../matrix/validate.js';
import { frobeniusNorm } from '../matrix/dense.js';

/**
 * Relative asymmetry ||A - A^T||_F / ||A||_F of an n x n row-major matrix
 * (0 for the zero matrix; exactly 0 iff A == A^T entry for entry).
 */
export function symmetryError(a: NumericArray, n: number): number {
  assertMatrix('symmetryError', 'a', a, n, n);
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) scale = Math.max(scale, Math.abs(a[i * n + j] - a[j * n + i]));
  }
  if (scale === 0) return 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = (a[i * n + j] - a[j * n + i]) / scale;
      sum += 2 * d * d;
    }
  }
  return (scale * Math.sqrt(sum)) / frobeniusNorm(a);
}

/** True iff ||A - A^T||_F <= tol ||A||_F (tol = 0 asks for exact symmetry). */
export function isSymmetric(a: NumericArray, n: number, tol = 0): boolean {
  if (!(tol >= 0)) throw new RangeError(`isSymmetric: tol is ${tol}; allowed: a number >= 0`);
  return symmetryError(a, n) <= tol;
}

/**
 * Throws unless ||A - A^T||_F <= tol ||A||_F, naming the entry (i, j) with the largest
 * |a_ij - a_ji| and both values.
 */
export function assertSymmetric(a: NumericArray, n: number, tol = 0, name = 'matrix'): void {
  if (isSymmetric(a, n, tol)) return;
  let worst = { i: 0, j: 0, d: -1 };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.abs(a[i * n + j] - a[j * n + i]);
      if (d > worst.d) worst = { i, j, d };
    }
  }
  const { i, j } = worst;
  throw new Error(
    `${name} is not symmetric: ||A - A^T||_F / ||A||_F = ${symmetryError(a, n)} > tol = ${tol}; ` +
      `worst entry (${i}, ${j}) = ${a[i * n + j]} vs (${j}, ${i}) = ${a[j * n + i]}`,
  );
}
