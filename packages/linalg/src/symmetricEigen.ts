import { checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import { symmetrize } from './matrixBasics.js';
import { tridiagonalize } from './tridiagonalize.js';
import { tridiagonalQl } from './tridiagonalEigen.js';

/**
 * A symmetric eigendecomposition A = V diag(values) V^T.
 * `values` ascending; `vectors` n x n row-major, column j (entries vectors[i*n + j]) is the
 * unit eigenvector of values[j]; V is orthogonal.
 */
export interface SymmetricEigen {
  n: number;
  values: Float64Array;
  vectors: Float64Array;
}

/** Options shared by the eigensolvers. */
export interface SymmetricEigenOptions {
  /** Relative asymmetry accepted in the input: |a_ij - a_ji| <= tol * max|a|. Default 1e-6. */
  symmetryTolerance?: number;
}

/**
 * Reference symmetric eigensolver in plain TypeScript (float64).
 *
 * 1. Householder tridiagonalisation A = Q T Q^T (see `tridiagonalize`), 8n^3/3 flops with Q.
 * 2. Implicit Wilkinson-shifted QL on T, rotations applied to the columns of Q
 *    (see `tridiagonalQl`), 6n flops per rotation, roughly n^2 rotations in total.
 * 3. Sort ascending; V = the rotated Q with its columns permuted to match.
 *
 * The input is checked (n x n, finite, symmetric within `symmetryTolerance`) and then
 * symmetrised, (A + A^T)/2; it is never modified. Backward stable: the computed pairs are
 * exact for some A + E with ||E|| = O(n 2^-52 ||A||); docs/linalg.md states the measured
 * orthogonality and residual constants.
 */
export function symmetricEigenJs(a: Float64Array, n: number, options: SymmetricEigenOptions = {}): SymmetricEigen {
  checkSymmetricMatrix('symmetricEigenJs', 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  return eigenOfSymmetrized(symmetrize(a, n), n);
}

/**
 * The TypeScript pipeline on an already checked, exactly symmetric matrix (internal).
 * Matrices whose largest entry is outside [2^-100, 2^100] are first scaled by a power of
 * two (exact) towards 1, so that neither subnormal underflow nor overflow can occur, and
 * the eigenvalues are scaled back (exact again).
 */
export function eigenOfSymmetrized(a: Float64Array, n: number): SymmetricEigen {
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  let factor = 1;
  let input = a;
  if (maxAbs > 0 && (maxAbs < 2 ** -100 || maxAbs > 2 ** 100)) {
    const exponent = -Math.round(Math.log2(maxAbs));
    input = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) input[i] = scaleByPowerOfTwo(a[i], exponent);
    factor = exponent;
  }
  const { diagonal, offDiagonal, q } = tridiagonalize(input, n);
  tridiagonalQl(diagonal, offDiagonal, q, n);
  if (factor !== 1) for (let i = 0; i < n; i++) diagonal[i] = scaleByPowerOfTwo(diagonal[i], -factor);
  return sortedEigen(diagonal, q, n);
}

/** x * 2^e, exact (two steps so that neither 2^e nor the intermediate over/underflows). */
function scaleByPowerOfTwo(x: number, e: number): number {
  const half = Math.trunc(e / 2);
  return x * 2 ** half * 2 ** (e - half);
}

/**
 * Sorts eigenvalues ascending and permutes the eigenvector columns to match: column i of
 * `columns` belongs to values[i]. Ties keep their original order (stable).
 */
export function sortedEigen(values: Float64Array, columns: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => values[x] - values[y] || x - y);
  const sortedValues = new Float64Array(n);
  for (let j = 0; j < n; j++) sortedValues[j] = values[order[j]];
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) vectors[row + j] = columns[row + order[j]];
  }
  return { n, values: sortedValues, vectors };
}
