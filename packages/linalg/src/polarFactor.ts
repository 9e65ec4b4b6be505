import { checkFinite, checkMatrix } from './check.js';
import { gemmTransposed } from './gemm.js';
import { mirrorUpperToLower, transpose } from './matrixBasics.js';
import { congruenceWithDiagonal } from './rankK.js';
import { eigenOfSymmetrized } from './symmetricEigen.js';

const EPS = 2 ** -52;
const MAX_REFINEMENT_STEPS = 8;

/**
 * The orthogonal polar factor U V^T of G = U S V^T (rows x cols), the closest matrix with
 * orthonormal columns (rows), what Newton-Schulz approximates.
 *
 * For tall G (rows >= cols; wide G is transposed and the result transposed back):
 *   G^T G = V diag(s^2) V^T (symmetric eigendecomposition, float64),
 *   X = G V diag(1/s_i) V^T (1/s_i replaced by 0 for numerically zero s_i, see below),
 *   then cubic Newton-Schulz polishing X <- X (3 I - X^T X) / 2 (at most 8 steps, until
 *   the update is below 4 * 2^-52), which drives every non-zero singular value of X to 1
 *   quadratically and keeps zero ones at 0.
 *
 * Rank deficiency: singular values with s_i^2 <= max(rows, cols) 2^-52 s_max^2 (that is
 * s_i <= sqrt(max(rows, cols) 2^-52) s_max, about 1e-7 s_max) count as zero; the result is
 * then the partial isometry U_r V_r^T on G's numerical rank r (the minimum-norm polar
 * factor, a pseudo-inverse-style choice), and G = 0 gives 0. Squaring G into G^T G costs
 * accuracy in the singular vectors of the smallest singular values (relative error about
 * 2^-52 (s_max / s_i)^2 before polishing); the polishing restores orthonormality.
 */
export function polarFactor(g: Float64Array, rows: number, cols: number): Float64Array {
  const fn = 'polarFactor';
  checkMatrix(fn, 'g', g, rows, cols);
  checkFinite(fn, 'g', g, cols);
  const wide = rows < cols;
  const m = wide ? cols : rows;
  const k = wide ? rows : cols;
  const x0 = wide ? transpose(g, rows, cols) : g;
  const x = tallPolar(x0, m, k);
  return wide ? transpose(x, m, k) : x;
}

function tallPolar(g: Float64Array, m: number, k: number): Float64Array {
  if (k === 0) return new Float64Array(0);
  // Scale to max|g| = 1 so that G^T G neither overflows nor underflows.
  let maxAbs = 0;
  for (let i = 0; i < g.length; i++) maxAbs = Math.max(maxAbs, Math.abs(g[i]));
  if (maxAbs === 0) return new Float64Array(m * k);
  const gs = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) gs[i] = g[i] / maxAbs;
  const gt = transpose(gs, m, k); // k x m
  const gram = new Float64Array(k * k);
  gemmTransposed(gt, gt, gram, k, m, k, 1, 0, true);
  mirrorUpperToLower(gram, k);
  const eigen = eigenOfSymmetrized(gram, k);
  const lambdaMax = Math.max(eigen.values[k - 1], 0);
  const cutoff = Math.max(m, k) * EPS * lambdaMax;
  const w = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const lambda = eigen.values[j];
    w[j] = lambda > cutoff ? 1 / Math.sqrt(lambda) : 0;
  }
  const inverseSqrt = congruenceWithDiagonal(eigen.vectors, w, k); // (G^T G)^(-1/2) on the range
  let x = new Float64Array(m * k);
  gemmTransposed(gs, inverseSqrt, x, m, k, k, 1, 0, false); // symmetric factor: X = G S = G S^T
  return polish(x, m, k);
}

/** Cubic Newton-Schulz X <- X (3I - X^T X)/2 until the step is below 4 * 2^-52 (max entry). */
function polish(x: Float64Array, m: number, k: number): Float64Array {
  const b = new Float64Array(k * k);
  for (let step = 0; step < MAX_REFINEMENT_STEPS; step++) {
    const xt = transpose(x, m, k);
    gemmTransposed(xt, xt, b, k, m, k, -0.5, 0, true); // -X^T X / 2
    mirrorUpperToLower(b, k);
    for (let i = 0; i < k; i++) b[i * k + i] += 1.5;
    const next = new Float64Array(m * k);
    gemmTransposed(x, b, next, m, k, k, 1, 0, false);
    let change = 0;
    for (let i = 0; i < next.length; i++) change = Math.max(change, Math.abs(next[i] - x[i]));
    x = next;
    if (change <= 4 * EPS) break;
  }
  return x;
}
