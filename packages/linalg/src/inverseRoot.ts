import { checkChoice, checkFinite, checkInteger, checkNonNegative, checkPositive, checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from './check.js';
import { coupledHigherOrderInverseRoot, rationalRoot } from './coupledHigherOrder.js';
import { runCoupledNewton } from './coupledNewton.js';
import { eigenOfChecked, type EigenKernel } from './eigenDispatch.js';
import { multiply } from './matmul.js';
import { addToDiagonal, maxAbsDeviationFromIdentity, symmetrize } from './matrixBasics.js';
import { matrixPowerFromEigen } from './matrixPowerFromEigen.js';
import { congruence } from './congruence.js';
import { allFinite, inverseRootResidual, type InverseRootResult, type Termination } from './rootResult.js';
import { inverseRootScalar } from './scalarPower.js';
import type { SymmetricEigen } from './symmetricEigen.js';

/**
 * How a singular or indefinite matrix is made invertible (the reference's
 * RankDeficientStabilityConfig):
 * - perturbation: damp by eps = max(relativeEpsilon * lambda_max(A), epsilon) (relativeEpsilon
 *   0 by default, so eps = epsilon). With `perturbBeforeComputation` (default true, the
 *   reference default) the eigendecomposition is of A + epsilon I (then shifted by
 *   eps - epsilon, which leaves the eigenvectors alone), and if its smallest eigenvalue is
 *   still below eps the spectrum is shifted, lambda <- lambda - lambda_min + eps. With false,
 *   A itself is decomposed and lambda <- lambda - min(lambda_min, 0) + eps.
 * - pseudo-inverse: epsilon must be 0; eigenvalues <= max(rtol * max(lambda_max, 0), atol)
 *   map to 0 and the rest to lambda^(-1/r). rtol and atol default to 0 (the reference's
 *   defaults: only eigenvalues <= 0 are dropped); n * 2^-52 is the usual numerical-rank rtol.
 */
export type RankDeficiency =
  | { mode: 'perturbation'; perturbBeforeComputation?: boolean }
  | { mode: 'pseudo-inverse'; rtol?: number; atol?: number };

/** Options of {@link inverseRoot}. */
export interface InverseRootOptions {
  /** r in A^(-1/r), > 0. 'newton' needs an integer; 'higher-order' a rational with denominator <= 64. */
  root: number;
  /** Damping epsilon >= 0 (see RankDeficiency); for 'higher-order' the absolute epsilon. Default 0. */
  epsilon?: number;
  /** Default { mode: 'perturbation' }. Only 'eigen' supports the pseudo-inverse. */
  rankDeficiency?: RankDeficiency;
  /** Default 'eigen'. */
  method?: 'eigen' | 'newton' | 'higher-order';
  /** Coupled iterations only: default 100. */
  maxIterations?: number;
  /** Coupled iterations only: stop at max|M - I| <= tolerance. Default 1e-6 (newton), 1e-8 (higher-order). */
  tolerance?: number;
  /** 'higher-order' only: default 3. */
  order?: number;
  /**
   * Relative epsilon >= 0: the damping is max(relativeEpsilon * lambda_max, epsilon), with
   * lambda_max the largest eigenvalue of A ('eigen', exact) or its bound ||A||_inf
   * ('higher-order', as the reference). Not supported by 'newton' or the pseudo-inverse
   * (must be 0 there). Default 0.
   */
  relativeEpsilon?: number;
  /** 'eigen' only: measure the residual (about 3n^3 extra flops); false reports NaN. Default true. */
  measureResidual?: boolean;
  /** 'eigen' only: the kernel of the eigendecomposition and of the product V diag(f) V^T. Default 'auto'. */
  kernel?: EigenKernel;
  /** Relative asymmetry accepted in `a`. Default 1e-6. */
  symmetryTolerance?: number;
}

/**
 * A^(-1/r) for a symmetric positive (semi-)definite A, by one of three methods.
 *
 * - 'eigen' (default): A_r = V diag(lambda) V^T, lambda adjusted per `rankDeficiency`,
 *   X = V diag(lambda^(-1/r)) V^T (fast paths for r = 1, 2, 4, 8). Direct: iterations 0,
 *   converged true. residual = max|A_r X^r - I| for the perturbation (A_r = A + eps I; if
 *   the spectrum had to be shifted, the shift shows in the residual), and
 *   max|X^r A X^r - X^r| / max|X^r| (X^r is A's pseudo-inverse) for the pseudo-inverse.
 *   The eigendecomposition of A_r is returned as `eigen`.
 * - 'newton': coupledNewtonInverseRoot on A + eps I (integer r).
 * - 'higher-order': coupledHigherOrderInverseRoot (rational r, epsilon and relativeEpsilon).
 *
 * The coupled methods also report how the iteration ended (`termination`): a Newton run that
 * hit maxIterations has converged = false and termination 'max-iterations' but a usable,
 * finite root (the reference uses it, with a warning).
 *
 * Throws (naming the argument and value) on: a not n x n, NaN/Inf, not symmetric within
 * symmetryTolerance, root <= 0, epsilon < 0, relativeEpsilon < 0 (or != 0 with 'newton' or
 * the pseudo-inverse), pseudo-inverse with epsilon != 0, pseudo-inverse with an iterative
 * method, unknown method/mode. Never throws for non-convergence.
 */
export function inverseRoot(
  a: Float64Array,
  n: number,
  options: InverseRootOptions,
): InverseRootResult & { eigen?: SymmetricEigen; termination?: Termination } {
  const fn = 'inverseRoot';
  const { root, epsilon = 0, relativeEpsilon = 0, method = 'eigen', rankDeficiency = { mode: 'perturbation' } } = options;
  checkSymmetricMatrix(fn, 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  checkPositive(fn, 'root', root);
  checkNonNegative(fn, 'epsilon', epsilon);
  checkNonNegative(fn, 'relativeEpsilon', relativeEpsilon);
  if (relativeEpsilon !== 0 && (method === 'newton' || rankDeficiency?.mode === 'pseudo-inverse')) {
    const what = method === 'newton' ? "method 'newton'" : "rankDeficiency.mode 'pseudo-inverse'";
    throw new Error(`${fn}: relativeEpsilon = ${relativeEpsilon} must be 0 with ${what}; allowed with method 'eigen' or 'higher-order' and perturbation`);
  }
  checkChoice(fn, 'method', method, ['eigen', 'newton', 'higher-order'] as const);
  checkChoice(fn, 'rankDeficiency.mode', rankDeficiency?.mode, ['perturbation', 'pseudo-inverse'] as const);
  if (rankDeficiency.mode === 'pseudo-inverse') {
    if (epsilon !== 0) {
      throw new Error(`${fn}: epsilon = ${epsilon} must be 0 with rankDeficiency.mode 'pseudo-inverse' (it replaces damping)`);
    }
    if (method !== 'eigen') {
      throw new Error(`${fn}: rankDeficiency.mode 'pseudo-inverse' needs method 'eigen', got method '${method}'`);
    }
    checkNonNegative(fn, 'rankDeficiency.rtol', rankDeficiency.rtol ?? 0);
    checkNonNegative(fn, 'rankDeficiency.atol', rankDeficiency.atol ?? 0);
  }
  if (method === 'newton') {
    checkInteger(fn, 'root (method newton)', root, 1);
    const maxIterations = options.maxIterations ?? 100;
    const tolerance = options.tolerance ?? 1e-6;
    checkInteger(fn, 'maxIterations', maxIterations, 0);
    checkNonNegative(fn, 'tolerance', tolerance);
    const ar = addToDiagonal(symmetrize(a, n), n, epsilon);
    checkFinite(fn, 'a + epsilon I', ar, n);
    const r = runCoupledNewton(ar, n, root, maxIterations, tolerance, options.measureResidual ?? true);
    return { root: r.root, residual: r.residual, iterations: r.iterations, converged: r.converged, termination: r.termination };
  }
  if (method === 'higher-order') {
    rationalRoot(fn, root);
    const r = coupledHigherOrderInverseRoot(a, n, {
      root,
      epsilon,
      relativeEpsilon,
      order: options.order ?? 3,
      maxIterations: options.maxIterations ?? 100,
      tolerance: options.tolerance ?? 1e-8,
      symmetryTolerance: options.symmetryTolerance,
    });
    return { root: r.root, residual: r.residual, iterations: r.iterations, converged: r.converged, termination: r.termination };
  }
  return eigenInverseRoot(a, n, root, epsilon, relativeEpsilon, rankDeficiency, options);
}

// The eigen method on the checked input `a` (symmetric within tolerance, not symmetrised):
// the decomposition works on (A + A^T)/2 itself, and the residuals symmetrise A when measured.
function eigenInverseRoot(
  a: Float64Array,
  n: number,
  root: number,
  epsilon: number,
  relativeEpsilon: number,
  rankDeficiency: RankDeficiency,
  options: InverseRootOptions,
): InverseRootResult & { eigen: SymmetricEigen } {
  const measure = options.measureResidual ?? true;
  const kernel = options.kernel ?? 'auto';
  if (rankDeficiency.mode === 'pseudo-inverse') {
    const eigen = eigenOfChecked(a, n, kernel);
    const lambdaMax = n > 0 ? eigen.values[n - 1] : 0;
    const cutoff = Math.max((rankDeficiency.rtol ?? 0) * Math.max(lambdaMax, 0), rankDeficiency.atol ?? 0);
    const x = matrixPowerFromEigen(eigen, -1 / root, { zeroAtOrBelow: cutoff, kernel });
    let residual = NaN;
    if (measure) {
      const pinv = matrixPowerFromEigen(eigen, -1, { zeroAtOrBelow: cutoff, kernel });
      residual = penroseResidual(symmetrize(a, n), pinv, n);
    }
    return { root: x, residual, iterations: 0, converged: allFinite(x), eigen };
  }
  const before = rankDeficiency.perturbBeforeComputation ?? true;
  const ar = before ? addToDiagonal(a, n, epsilon) : a;
  checkFinite('inverseRoot', 'a + epsilon I', ar, n);
  const eigen = eigenOfChecked(ar, n, kernel);
  const lambda = Float64Array.from(eigen.values);
  // The damping eps = max(relativeEpsilon lambda_max(A), epsilon); the decomposed matrix is A + epsilon I when `before`.
  const lambdaMaxOfA = n > 0 ? lambda[n - 1] - (before ? epsilon : 0) : 0;
  const eps = Math.max(relativeEpsilon * lambdaMaxOfA, epsilon);
  const extra = before ? eps - epsilon : 0;
  const lambdaMin = n > 0 ? lambda[0] + extra : 0;
  const shift = before ? extra + (lambdaMin < eps ? eps - lambdaMin : 0) : eps - Math.min(lambdaMin, 0);
  const f = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    lambda[j] += shift;
    f[j] = inverseRootScalar(lambda[j], root);
  }
  const x = congruence(eigen.vectors, f, n, kernel);
  const converged = allFinite(x);
  let residual = converged ? NaN : Infinity;
  if (measure && converged) {
    const perturbed = addToDiagonal(symmetrize(a, n), n, eps);
    residual = Number.isInteger(root) && root <= 64
      ? inverseRootResidual(perturbed, x, n, root)
      : inverseResidualFromSpectrum(perturbed, eigen.vectors, lambda, n, kernel);
  }
  return { root: x, residual, iterations: 0, converged, eigen };
}

/** max|A_r B - I| with B = V diag(1/lambda) V^T = X^r, for non-integer r (X^r is not a product of X's). */
function inverseResidualFromSpectrum(ar: Float64Array, v: Float64Array, lambda: Float64Array, n: number, kernel: EigenKernel): number {
  const inv = new Float64Array(n);
  for (let j = 0; j < n; j++) inv[j] = 1 / lambda[j];
  return maxAbsDeviationFromIdentity(multiply(ar, congruence(v, inv, n, kernel), n, n, n), n);
}

/** max|P A P - P| / max|P| for a claimed pseudo-inverse P of A (0 when P = 0). */
function penroseResidual(a: Float64Array, pinv: Float64Array, n: number): number {
  const pap = multiply(multiply(pinv, a, n, n, n), pinv, n, n, n);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < pinv.length; i++) {
    worst = Math.max(worst, Math.abs(pap[i] - pinv[i]));
    scale = Math.max(scale, Math.abs(pinv[i]));
  }
  return scale === 0 ? 0 : worst / scale;
}
