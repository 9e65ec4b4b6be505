/**
 * The eigen kinds of a root task ('eigen' and 'eigen-qr'), for A = F / bc (trace-scaled),
 * with eps = the task's epsilon (0 with the pseudo-inverse):
 *   'eigen':    if tolerance > 0 and the previous basis Q still diagonalises A + eps I,
 *               ||offdiag(B)||_F <= tolerance ||B||_F for B = Q^T (A + eps I) Q, keep Q
 *               (columns in their order) with lambda = diag(Q^T A Q); otherwise
 *               A = Q diag(lambda) Q^T by the full symmetric eigendecomposition (ascending);
 *   'eigen-qr': qrSteps warm-started QR steps on A + eps I from the previous Q, stopping
 *               early under the same criterion (linalg qrIterationEigenbasis; sorted
 *               ascending), lambda = diag(Q^T A Q).
 * Then the eigenvalues are made usable: perturbation, lambda <- lambda - min(lambda_min, 0) + eps_eff
 * (the reference's rule: the same as perturbing before the computation, A + eps I, and
 * shifting when its smallest eigenvalue is below eps), eps_eff = max(eps, c 2^-23 ||A||_F) the
 * float32 floor of damping-floor.ts (the outcome's `notice` says when it won); pseudo-inverse:
 * lambda is kept as computed (the variant maps lambda <= its rank cutoff to 0).
 */
import { basisFit, frobeniusNorm, qrIterationEigenbasis, symmetricEigen } from '@shampoo-ts/linalg';
import { dampingFloorNotice, effectiveEpsilon } from './damping-floor.js';
import type { RootOutcome, RootTask } from './root-task.js';

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** lambda <- lambda - min(lambda_min, 0) + eps (perturbation), unchanged (pseudo-inverse). */
export function usableEigenvalues(lambda: Float64Array, epsilon: number, rankDeficiency: RootTask['rankDeficiency']): Float64Array {
  if (rankDeficiency === 'pseudo-inverse') return lambda;
  let min = Infinity;
  for (let i = 0; i < lambda.length; i++) min = Math.min(min, lambda[i]);
  const shift = Math.min(min, 0);
  return lambda.map((v) => v - shift + epsilon);
}

/** Whether a task reads the previous eigenvectors: 'eigen-qr' always, 'eigen' when tolerance > 0. */
export function needsPreviousVectors(spec: Pick<RootTask, 'kind' | 'tolerance'>): boolean {
  return spec.kind === 'eigen-qr' || (spec.kind === 'eigen' && spec.tolerance > 0);
}

/** The outcome of an 'eigen' or 'eigen-qr' task for its prepared matrix `a` (see the module comment). */
export function eigenOutcome(task: RootTask, a: Float64Array): RootOutcome {
  const { key, n, tolerance } = task;
  const eps = task.rankDeficiency === 'pseudo-inverse' ? 0 : task.epsilon;
  const previous = task.previousVectors;
  if (needsPreviousVectors(task) && (!previous || previous.length !== n * n)) {
    return { key, status: 'failed', message: `'${task.kind}' task '${key}' with tolerance ${tolerance} needs previousVectors of length ${n * n}` };
  }
  let raw: Float64Array;
  let vectors: Float64Array;
  let residual: number | undefined;
  if (task.kind === 'eigen-qr') {
    const ridge = Float64Array.from(a);
    for (let i = 0; i < n; i++) ridge[i * n + i] += eps;
    const e = qrIterationEigenbasis(ridge, n, previous as Float64Array, { steps: task.qrSteps, tolerance });
    raw = e.values.map((v) => v - eps);
    vectors = e.vectors;
    residual = e.offDiagonalRatio;
  } else {
    const fit = tolerance > 0 ? basisFit(a, n, previous as Float64Array, eps) : null;
    if (fit !== null && fit.offDiagonalRatio <= tolerance) {
      raw = fit.diagonal.map((v) => v - eps);
      vectors = Float64Array.from(previous as Float64Array);
      residual = fit.offDiagonalRatio;
    } else {
      const e = symmetricEigen(a, n);
      raw = Float64Array.from(e.values);
      vectors = e.vectors;
    }
  }
  const damping = task.rankDeficiency === 'pseudo-inverse' ? 0 : effectiveEpsilon(eps, task.dampingFloor, frobeniusNorm(a));
  const values = usableEigenvalues(raw, damping, task.rankDeficiency);
  if (!allFinite(values) || !allFinite(vectors)) {
    return { key, status: 'non-finite-root', message: `the ${task.kind === 'eigen-qr' ? 'QR eigenbasis' : 'eigendecomposition'} of '${key}' contains NaN or Inf` };
  }
  const notice = damping > eps ? { notice: dampingFloorNotice(eps, task.dampingFloor ?? 0) } : {};
  return { key, status: 'ok', values, vectors, ...(residual === undefined ? {} : { residual }), ...notice };
}
