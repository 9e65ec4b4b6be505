import { checkFinite, checkInteger, checkNonNegative, checkPositive, checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import type { CoupledRootResult } from './coupledNewton.js';
import { multiply } from './matmul.js';
import { addToDiagonal, affineWithIdentity, identity, maxAbsDeviationFromIdentity, maxRowSum, symmetrize, trace } from './matrixBasics.js';
import { integerMatrixPower } from './matrixPower.js';
import { allFinite, inverseRootResidual, type Termination } from './rootResult.js';
import { rationalApproximation } from './scalarPower.js';

/** Options of {@link coupledHigherOrderInverseRoot}. */
export interface CoupledHigherOrderOptions {
  /** The root r of A^(-1/r): a positive rational p/q with q <= 64 (4, 2, 1.5, 0.75 ...). */
  root: number;
  /** Order of the method, >= 2 (2 is Newton). Default 3. */
  order?: number;
  /** Absolute ridge. Default 0. */
  epsilon?: number;
  /** Relative ridge: the ridge is max(relativeEpsilon * ||A||_inf, epsilon). Default 0. */
  relativeEpsilon?: number;
  /** Default 100. */
  maxIterations?: number;
  /** Stop when max|M - I| <= tolerance. Default 1e-8. */
  tolerance?: number;
  /** See symmetricEigen. Default 1e-6. */
  symmetryTolerance?: number;
}

/** The largest residual max|A_r X^p - I| the reference accepts (it raises above it; we report converged = false). */
export const HIGHER_ORDER_RESIDUAL_LIMIT = 0.1;

/**
 * Coupled higher-order iteration for A^(-1/r), r = p/q rational (the reference's
 * `CoupledHigherOrderConfig`, after Lakic's family of iterations):
 *
 *   ridge = max(relativeEpsilon ||A||_inf, epsilon),  A_r = A + ridge I,
 *   z = 1 / trace(A_r),  X = z^(1/p) I,  M = z A_r,
 *   one plain Newton step first (M' = (1 + 1/p) I - M / p), then repeatedly
 *   M' = sum_{i < order} b_i (I - M)^i   (Horner),   X <- X M',   M <- M'^p M,
 *   b_0 = 1, b_i = prod_{j=1..i} (1 + (j - 1) p) / (j p)   (the series of (1 - t)^(-1/p)),
 *
 * stopping when max|M - I| <= tolerance, after maxIterations, or early when the error
 * grows by more than 1.2x or stops changing below 1e-3 (rounding floor). Finally
 * X <- X^q. The residual max|A_r X^p - I| is measured before the power q, as in the
 * reference; the reference raises when it exceeds 0.1, here that is `converged = false`
 * (with the residual), as is a non-finite X. Never throws for non-convergence; throws on
 * invalid input (not square, NaN/Inf, not symmetric, root <= 0 or not a small-denominator
 * rational, epsilons < 0, order < 2).
 */
export function coupledHigherOrderInverseRoot(a: Float64Array, n: number, options: CoupledHigherOrderOptions): CoupledRootResult {
  const fn = 'coupledHigherOrderInverseRoot';
  const { root, order = 3, epsilon = 0, relativeEpsilon = 0, maxIterations = 100, tolerance = 1e-8 } = options;
  checkSymmetricMatrix(fn, 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  checkPositive(fn, 'root', root);
  const { p, q } = rationalRoot(fn, root);
  checkInteger(fn, 'order', order, 2);
  checkNonNegative(fn, 'epsilon', epsilon);
  checkNonNegative(fn, 'relativeEpsilon', relativeEpsilon);
  checkInteger(fn, 'maxIterations', maxIterations, 0);
  checkNonNegative(fn, 'tolerance', tolerance);
  const sym = symmetrize(a, n);
  const lambdaMaxBound = maxRowSum(sym, n);
  if (!Number.isFinite(lambdaMaxBound)) {
    throw new Error(`${fn}: ||a||_inf = ${lambdaMaxBound} overflows; scale the matrix down first`);
  }
  const ar = addToDiagonal(sym, n, Math.max(relativeEpsilon * lambdaMaxBound, epsilon));
  checkFinite(fn, 'a + ridge I', ar, n);
  return runHigherOrder(ar, n, p, q, order, maxIterations, tolerance);
}

/** Splits a positive real root into p/q (q <= 64, relative error <= 1e-12), or throws naming it. */
export function rationalRoot(fn: string, root: number): { p: number; q: number } {
  const { p, q, error } = rationalApproximation(root, 64);
  if (error > 1e-12 || p < 1) {
    throw new Error(
      `${fn}: root = ${root} is not a rational p/q with denominator <= 64 (closest: ${p}/${q}); ` +
        `the coupled iterations need A^(-1/p) with an integer p, then the power q`,
    );
  }
  return { p, q };
}

function seriesCoefficients(order: number, p: number): Float64Array {
  const b = new Float64Array(order);
  b[0] = 1;
  let num = 1;
  let den = 1;
  for (let i = 1; i < order; i++) {
    num *= 1 + (i - 1) * p;
    den *= i * p;
    b[i] = num / den;
  }
  return b;
}

function runHigherOrder(
  ar: Float64Array,
  n: number,
  p: number,
  q: number,
  order: number,
  maxIterations: number,
  tolerance: number,
): CoupledRootResult {
  if (n === 0) {
    return { root: new Float64Array(0), residual: 0, iterations: 0, converged: true, iterationError: 0, termination: 'converged' };
  }
  const t = trace(ar, n);
  if (!(t > 0)) {
    return { root: new Float64Array(n * n).fill(NaN), residual: Infinity, iterations: 0, converged: false, iterationError: Infinity, termination: 'early-stop' };
  }
  const b = seriesCoefficients(order, p);
  const z = 1 / t;
  let x: Float64Array = identity(n);
  const x0 = Math.pow(z, 1 / p);
  for (let i = 0; i < n; i++) x[i * n + i] = x0;
  let m: Float64Array = Float64Array.from(ar);
  for (let i = 0; i < m.length; i++) m[i] *= z;

  // One plain Newton step, which the reference uses to guarantee convergence of the rest.
  let mPrime: Float64Array = affineWithIdentity(m, n, 1 + 1 / p, -1 / p);
  x = multiply(x, mPrime, n, n, n);
  m = multiply(integerMatrixPower(mPrime, n, p), m, n, n, n);
  let error = maxAbsDeviationFromIdentity(m, n);
  let iterations = 1;
  let termination: Termination | null = null;
  while (error > tolerance && iterations < maxIterations) {
    iterations++;
    const base = affineWithIdentity(m, n, 1, -1); // I - M
    mPrime = affineWithIdentity(base, n, b[order - 2], b[order - 1]);
    for (let i = order - 3; i >= 0; i--) {
      const next = multiply(mPrime, base, n, n, n);
      for (let d = 0; d < n; d++) next[d * n + d] += b[i];
      mPrime = next;
    }
    const xNext = multiply(x, mPrime, n, n, n);
    const mNext = multiply(integerMatrixPower(mPrime, n, p), m, n, n, n);
    const newError = maxAbsDeviationFromIdentity(mNext, n);
    if (!(newError <= error * 1.2) || (newError === error && error < 1e-3)) {
      termination = 'early-stop';
      if (newError < error) {
        x = xNext;
        m = mNext;
        error = newError;
      }
      break;
    }
    x = xNext;
    m = mNext;
    error = newError;
  }
  termination ??= error <= tolerance ? 'converged' : 'max-iterations';
  let root: Float64Array = symmetrize(x, n);
  if (!allFinite(root)) {
    return { root, residual: Infinity, iterations, converged: false, iterationError: error, termination };
  }
  const residual = inverseRootResidual(ar, root, n, p);
  if (q > 1) root = symmetrize(integerMatrixPower(root, n, q), n);
  const converged = allFinite(root) && residual <= HIGHER_ORDER_RESIDUAL_LIMIT;
  return { root, residual, iterations, converged, iterationError: error, termination };
}
