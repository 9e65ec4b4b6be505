import { checkFinite, checkInteger, checkMatrix, checkNonNegative, checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import { qrUnchecked } from './householderQr.js';
import { multiply, multiplyTransposedLeft } from './matmul.js';
import { offDiagonalRatio, symmetrize } from './matrixBasics.js';
import { sortedEigen, type SymmetricEigen } from './symmetricEigen.js';

/** Options of {@link qrIterationEigenbasis}. */
export interface QrIterationOptions {
  /** Maximum QR steps. Default 1 (SOAP's one warm-started step per root computation). */
  steps?: number;
  /**
   * Skip / stop once ||offdiag(B)||_F <= tolerance ||B||_F for B = Q^T A Q, in [0, 1].
   * Default 0: always take `steps` steps.
   */
  tolerance?: number;
  /** Relative asymmetry accepted in `a`. Default 1e-6. */
  symmetryTolerance?: number;
}

/**
 * Warm-started QR iteration (simultaneous/orthogonal iteration) for the eigenbasis of a
 * symmetric A, from a previous orthogonal estimate Q (the reference's QR eigendecomposition):
 *
 *   B = Q^T A Q;  while steps remain and ||offdiag(B)||_F > tol ||B||_F:
 *     (Q', R) = qr(B);  B = R Q';  Q = Q Q'
 *   then sort diag(B) ascending and permute Q's columns to match.
 *
 * Each step is a similarity (R Q' = Q'^T B Q'), so B stays Q^T A Q; unshifted, the
 * off-diagonal part decays like |lambda_i / lambda_j| per step for |lambda_i| < |lambda_j|
 * provided the diagonal is ordered by decreasing magnitude, the order unshifted QR
 * converges to. Before the first step the columns are therefore put in that order (the
 * reference keeps the ascending order of its previous output, for which a step from a
 * nearly converged basis first increases the off-diagonal part by the eigenvalue ratios;
 * the fixed points are the same).
 * `skipped` is true when the starting basis already met the tolerance (no step taken);
 * `offDiagonalRatio` is ||offdiag(B)||_F / ||B||_F of the final B, i.e.
 * ||A - Q diag(B) Q^T||_F / ||A||_F. `values` are diag(B) (Rayleigh quotients), ascending.
 * About (4 + 16/3) n^3 flops for B and per step. `previousVectors` is not modified.
 */
export function qrIterationEigenbasis(
  a: Float64Array,
  n: number,
  previousVectors: Float64Array,
  options: QrIterationOptions = {},
): SymmetricEigen & { skipped: boolean; offDiagonalRatio: number } {
  const fn = 'qrIterationEigenbasis';
  const { steps = 1, tolerance = 0 } = options;
  checkSymmetricMatrix(fn, 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  checkMatrix(fn, 'previousVectors', previousVectors, n, n);
  checkFinite(fn, 'previousVectors', previousVectors, n);
  checkInteger(fn, 'steps', steps, 0);
  checkNonNegative(fn, 'tolerance', tolerance);
  if (tolerance > 1) throw new Error(`${fn}: tolerance must be in [0, 1], got ${tolerance}`);

  let q: Float64Array = Float64Array.from(previousVectors);
  let b: Float64Array = symmetrize(multiplyTransposedLeft(q, multiply(symmetrize(a, n), q, n, n, n), n, n, n), n);
  let ratio = offDiagonalRatio(b, n);
  if (steps > 0 && !(ratio <= tolerance)) {
    // Unshifted QR orders the diagonal by decreasing |lambda|; started from the opposite
    // order (ascending, as returned here) a step first grows the off-diagonal part.
    ({ q, b } = orderByDecreasingMagnitude(q, b, n));
  }
  let taken = 0;
  while (taken < steps && !(ratio <= tolerance)) {
    const { q: qStep, r } = qrUnchecked(b, n, n);
    b = symmetrize(multiply(r, qStep, n, n, n), n);
    q = multiply(q, qStep, n, n, n);
    ratio = offDiagonalRatio(b, n);
    taken++;
  }
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = b[i * n + i];
  const sorted = sortedEigen(diagonal, q, n);
  return { ...sorted, skipped: taken === 0 && steps > 0, offDiagonalRatio: ratio };
}

/** Permutes Q's columns (and B = Q^T A Q symmetrically) so that |diag(B)| decreases. */
function orderByDecreasingMagnitude(q: Float64Array, b: Float64Array, n: number): { q: Float64Array; b: Float64Array } {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => Math.abs(b[y * n + y]) - Math.abs(b[x * n + x]) || x - y);
  const qp = new Float64Array(n * n);
  const bp = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      qp[i * n + j] = q[i * n + order[j]];
      bp[i * n + j] = b[order[i] * n + order[j]];
    }
  }
  return { q: qp, b: bp };
}
