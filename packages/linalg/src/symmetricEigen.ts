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

/** The TypeScript pipeline on an already checked, exactly symmetric matrix (internal). */
export function eigenOfSymmetrized(a: Float64Array, n: number): SymmetricEigen {
  const { diagonal, offDiagonal, q } = tridiagonalize(a, n);
  tridiagonalQl(diagonal, offDiagonal, q, n);
  return sortedEigen(diagonal, q, n);
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
