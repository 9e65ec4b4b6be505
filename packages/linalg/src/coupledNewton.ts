import { checkFinite, checkInteger, checkNonNegative, checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import { multiply } from './matmul.js';
import { addToDiagonal, affineWithIdentity, frobeniusNorm, identity, maxAbsDeviationFromIdentity, symmetrize } from './matrixBasics.js';
import { integerMatrixPower } from './matrixPower.js';
import { allFinite, inverseRootResidual, type InverseRootResult, type Termination } from './rootResult.js';

/** Options of {@link coupledNewtonInverseRoot}. */
export interface CoupledNewtonOptions {
  /** The integer p of A^(-1/p), >= 1. */
  root: number;
  /** Ridge: the iteration runs on A_r = A + epsilon I. Default 0. */
  epsilon?: number;
  /** Default 100. */
  maxIterations?: number;
  /** Stop when max|M - I| <= tolerance. Default 1e-6. */
  tolerance?: number;
  /** Skip the final residual measurement (residual is then NaN). Default true. */
  measureResidual?: boolean;
  /** See symmetricEigen. Default 1e-6. */
  symmetryTolerance?: number;
}

/** Result of the coupled iterations: the common fields plus the iteration's own error and how it ended. */
export interface CoupledRootResult extends InverseRootResult {
  /** The iteration's own error max|M - I| at the end (not the residual). */
  iterationError: number;
  termination: Termination;
}

/**
 * Coupled inverse Newton iteration for A^(-1/p), p a positive integer (Guo and Higham's
 * coupled form, as in the Shampoo reference):
 *
 *   A_r = A + eps I,  z = (p + 1) / (2 ||A_r||_F),  X_0 = z^(1/p) I,  M_0 = z A_r,
 *   M' = (1 + 1/p) I - M / p,   X <- X M',   M <- M'^p M,
 *
 * until max|M - I| <= tolerance or maxIterations. The invariant M = X^p A_r holds
 * throughout, so M -> I means X -> A_r^(-1/p). The scaling puts every eigenvalue of M_0 in
 * (0, (p+1)/2], inside the region of convergence. Small eigenvalues grow by about
 * (1 + 1/p)^p per step, so a condition number kappa needs roughly log(kappa n) / log 2 + 5
 * steps.
 *
 * Costs ceil(log2 p) + 2 products per step. The result is symmetrised ((X + X^T)/2).
 * `converged` is the stopping test (max|M - I| <= tolerance) together with a finite X;
 * `residual` = max|A_r X^p - I| measured on the returned X. Non-convergence is reported,
 * never thrown. Throws on invalid input (not square, NaN/Inf, not symmetric, p not a
 * positive integer, eps < 0).
 */
export function coupledNewtonInverseRoot(a: Float64Array, n: number, options: CoupledNewtonOptions): CoupledRootResult {
  const fn = 'coupledNewtonInverseRoot';
  const { root: p, epsilon = 0, maxIterations = 100, tolerance = 1e-6, measureResidual = true } = options;
  checkSymmetricMatrix(fn, 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  checkInteger(fn, 'root', p, 1);
  checkNonNegative(fn, 'epsilon', epsilon);
  checkInteger(fn, 'maxIterations', maxIterations, 0);
  checkNonNegative(fn, 'tolerance', tolerance);
  const ar = addToDiagonal(symmetrize(a, n), n, epsilon);
  checkFinite(fn, 'a + epsilon I', ar, n);
  return runCoupledNewton(ar, n, p, maxIterations, tolerance, measureResidual);
}

/** The iteration itself on a checked, symmetric A_r (internal). */
export function runCoupledNewton(
  ar: Float64Array,
  n: number,
  p: number,
  maxIterations: number,
  tolerance: number,
  measureResidual: boolean,
): CoupledRootResult {
  const norm = frobeniusNorm(ar);
  if (n === 0) {
    return { root: new Float64Array(0), residual: 0, iterations: 0, converged: true, iterationError: 0, termination: 'converged' };
  }
  if (norm === 0) {
    return { root: new Float64Array(n * n).fill(Infinity), residual: Infinity, iterations: 0, converged: false, iterationError: 1, termination: 'max-iterations' };
  }
  const z = (p + 1) / (2 * norm);
  let x: Float64Array = identity(n);
  const x0 = Math.pow(z, 1 / p);
  for (let i = 0; i < n; i++) x[i * n + i] = x0;
  let m: Float64Array = Float64Array.from(ar);
  for (let i = 0; i < m.length; i++) m[i] *= z;
  let error = maxAbsDeviationFromIdentity(m, n);
  let iterations = 0;
  while (error > tolerance && iterations < maxIterations) {
    iterations++;
    const mPrime = affineWithIdentity(m, n, 1 + 1 / p, -1 / p);
    x = multiply(x, mPrime, n, n, n);
    m = multiply(integerMatrixPower(mPrime, n, p), m, n, n, n);
    error = maxAbsDeviationFromIdentity(m, n);
    if (!(error === error)) break;
  }
  const root = symmetrize(x, n);
  const finite = allFinite(root);
  const residual = !finite ? Infinity : measureResidual ? inverseRootResidual(ar, root, n, p) : NaN;
  const converged = finite && error <= tolerance;
  return { root, residual, iterations, converged, iterationError: error, termination: error <= tolerance ? 'converged' : 'max-iterations' };
}
