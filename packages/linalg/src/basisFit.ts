import { checkFinite, checkMatrix, checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import { multiply, multiplyTransposedLeft } from './matmul.js';
import { addToDiagonal, offDiagonalRatio, symmetrize } from './matrixBasics.js';

/** How well an orthogonal basis Q diagonalises a symmetric A (see {@link basisFit}). */
export interface BasisFit {
  /** B = Q^T A Q (exactly symmetric), n x n row-major. */
  readonly estimate: Float64Array;
  /** diag(B): the Rayleigh quotients of Q's columns, in Q's column order (not sorted). */
  readonly diagonal: Float64Array;
  /** ||offdiag(B)||_F / ||B||_F (0 for B = 0), which equals ||A - Q diag(B) Q^T||_F / ||A||_F. */
  readonly offDiagonalRatio: number;
}

/**
 * The eigenvalue estimate of a previous eigenbasis (the reference's adaptive refresh
 * criterion): B = Q^T A Q, its diagonal and ||offdiag(B)||_F / ||B||_F. Since Q is
 * orthogonal, ||A - Q diag(B) Q^T||_F = ||B - diag(B)||_F and ||B||_F = ||A||_F, so the
 * ratio is the relative error of keeping Q with eigenvalues diag(B). A refresh can be
 * skipped when the ratio is <= a tolerance in [0, 1]. `shift` evaluates the criterion
 * for A + shift I (the reference perturbs A by epsilon before the decomposition):
 * Q^T (A + s I) Q = B + s I. About 4 n^3 flops.
 */
export function basisFit(a: Float64Array, n: number, q: Float64Array, shift = 0): BasisFit {
  const fn = 'basisFit';
  checkSymmetricMatrix(fn, 'a', a, n, DEFAULT_SYMMETRY_TOLERANCE);
  checkMatrix(fn, 'q', q, n, n);
  checkFinite(fn, 'q', q, n);
  const b = symmetrize(multiplyTransposedLeft(q, multiply(symmetrize(a, n), q, n, n, n), n, n, n), n);
  const estimate = shift === 0 ? b : addToDiagonal(b, n, shift);
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = estimate[i * n + i];
  return { estimate, diagonal, offDiagonalRatio: offDiagonalRatio(estimate, n) };
}
