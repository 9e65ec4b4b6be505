import { checkChoice, checkDimension, checkFinite, checkFiniteNumber, checkMatrix } from './check.js';
import { congruence } from './congruence.js';
import type { EigenKernel } from './eigenDispatch.js';
import { powerScalar } from './scalarPower.js';
import type { SymmetricEigen } from './symmetricEigen.js';

/** Options of {@link matrixPowerFromEigen}. */
export interface MatrixPowerOptions {
  /**
   * Eigenvalues <= this cutoff map to 0 instead of lambda^exponent (the pseudo-inverse
   * rule). Default: no cutoff.
   */
  zeroAtOrBelow?: number;
  /** Kernel of the product V diag(f) V^T: 'wasm', 'js' or 'auto' (wasm where available). Default 'auto'. */
  kernel?: EigenKernel;
}

/**
 * A^exponent = V diag(f(lambda)) V^T from an eigendecomposition A = V diag(lambda) V^T,
 * with f(lambda) = lambda^exponent (0 for lambda <= zeroAtOrBelow when that is set).
 * Exponents 1, -1, 2, +-1/2, +-1/4 use sqrt/division instead of Math.pow.
 *
 * Formed as the upper triangle of (V diag(f)) V^T and mirrored: exactly symmetric, and PSD
 * up to rounding whenever every f >= 0. n^3 flops. Throws if an f(lambda) is not finite
 * (for example a negative or zero eigenvalue with a negative or fractional exponent),
 * naming the eigenvalue.
 */
export function matrixPowerFromEigen(eigen: SymmetricEigen, exponent: number, options: MatrixPowerOptions = {}): Float64Array {
  const fn = 'matrixPowerFromEigen';
  const { n, values, vectors } = eigen;
  checkDimension(fn, 'eigen.n', n);
  checkMatrix(fn, 'eigen.values', values, n, 1);
  checkMatrix(fn, 'eigen.vectors', vectors, n, n);
  checkFinite(fn, 'eigen.values', values, 0);
  checkFinite(fn, 'eigen.vectors', vectors, n);
  checkFiniteNumber(fn, 'exponent', exponent);
  const cutoff = options.zeroAtOrBelow;
  if (cutoff !== undefined) checkFiniteNumber(fn, 'zeroAtOrBelow', cutoff);
  if (options.kernel !== undefined) checkChoice(fn, 'kernel', options.kernel, ['auto', 'js', 'wasm'] as const);
  const f = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lambda = values[j];
    if (cutoff !== undefined && lambda <= cutoff) continue;
    const v = powerScalar(lambda, exponent);
    if (!Number.isFinite(v)) {
      throw new Error(
        `${fn}: eigenvalue ${j} is ${lambda} and ${lambda}^${exponent} = ${v} is not finite; ` +
          `use positive eigenvalues (perturb with epsilon) or a pseudo-inverse cutoff (zeroAtOrBelow)`,
      );
    }
    f[j] = v;
  }
  return congruence(vectors, f, n, options.kernel);
}
