/**
 * The condition number of the matrix a root computation inverts, as a by-product of that
 * computation (root-task.ts attaches it to every 'ok' outcome; shampooStats reports it).
 *
 * For a task with prepared matrix A (F / bc, trace-scaled) and damping eps, the matrix in use is
 * A_eps (A + eps I, or A with its eigenvalues shifted as eigen-task.ts does), and
 *   kappa(A_eps) = lambda_max(A_eps) / lambda_min(A_eps).
 * - Eigen kinds, and 'inverse-root' by the direct 'eigen' method ('eigenvalues'): exact from
 *   the eigenvalues the task computed anyway (for the inverse root, those of A + eps I that
 *   linalg decomposed, before any relativeEpsilon or negative-eigenvalue shift),
 *   kappa = max lambda / min lambda over lambda > 0 (with the pseudo-inverse the null space,
 *   mapped to 0, is left out). Costs O(n).
 * - 'inverse-root' by 'newton' or 'higher-order' ('power-iteration'): the task computed
 *   X = A_eps^(-1/r), not the eigenvalues. lambda_max(X) = lambda_min(A_eps)^(-1/r), so
 *     kappa = (lambda_max(A) + eps) * lambda_max(X)^r,
 *   with both largest eigenvalues by power iteration (Rayleigh quotients, at most 30
 *   products, O(n^2) each, stopping when the quotient changes by <= 1e-10 relatively).
 *   A lower bound that converges to kappa as the iteration does (fast when the top
 *   eigenvalues are well separated); cheap next to the iterations' O(n^3) products.
 */

/** Where a condition number came from (see the module comment). */
export type ConditionSource = 'eigenvalues' | 'power-iteration';

/** kappa = max lambda / min lambda over the positive eigenvalues (Infinity if none is positive). */
export function eigenvalueCondition(values: ArrayLike<number>): number {
  let max = 0;
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 0) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
  }
  return max > 0 ? max / min : Infinity;
}

/**
 * lambda_max of a symmetric PSD n x n matrix (row-major) by power iteration from a fixed
 * start vector v_i = 1 + sin(i + 1) / 2 (never orthogonal to a positive eigenvector);
 * returns the last Rayleigh quotient v^T M v / v^T v.
 */
export function largestEigenvalue(m: Float64Array, n: number, maxIterations = 30, rtol = 1e-10): number {
  let v = Float64Array.from({ length: n }, (_, i) => 1 + Math.sin(i + 1) / 2);
  let lambda = 0;
  for (let k = 0; k < maxIterations; k++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j] * v[j];
      w[i] = s;
    }
    let vw = 0;
    let vv = 0;
    let ww = 0;
    for (let i = 0; i < n; i++) {
      vw += v[i] * w[i];
      vv += v[i] * v[i];
      ww += w[i] * w[i];
    }
    const next = vw / vv;
    if (ww === 0) return 0;
    const norm = Math.sqrt(ww);
    v = w.map((x) => x / norm);
    if (k > 0 && Math.abs(next - lambda) <= rtol * Math.abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

/** kappa(A + eps I) from A and its inverse root X = (A + eps I)^(-1/r): (lambda_max(A) + eps) lambda_max(X)^r. */
export function rootCondition(a: Float64Array, root: Float64Array, n: number, r: number, epsilon: number): number {
  return (largestEigenvalue(a, n) + epsilon) * largestEigenvalue(root, n) ** r;
}
