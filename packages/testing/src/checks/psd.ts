/** Positive semi-definiteness, decided by the independent Jacobi eigensolver. */
import { jacobiEigen, type JacobiOptions } from '../matrix/jacobi-eigen.js';
import type { NumericArray } from '../matrix/validate.js';

/** The result of `psdCheck`: whether λ_min ≥ −tol · max|λ|, with the extreme and all eigenvalues. */
export interface PsdReport {
  /** True iff lambda_min >= -tol * max(|lambda_max|, |lambda_min|). */
  ok: boolean;
  minEigenvalue: number;
  maxEigenvalue: number;
  /** All eigenvalues, ascending (from `jacobiEigen`). */
  values: Float64Array;
}

/**
 * PSD check of a symmetric n x n matrix: eigenvalues lambda by `jacobiEigen`, and
 * ok iff lambda_min >= -tol * max_i |lambda_i|. Default tol = n * 2^-52 * 10, about the
 * backward error of forming a PSD matrix in float64. Throws if A is not symmetric
 * (see `JacobiOptions.symmetryTol`) or not finite.
 */
export function psdCheck(a: NumericArray, n: number, tol = 10 * n * Number.EPSILON, options: JacobiOptions = {}): PsdReport {
  if (!(tol >= 0)) throw new RangeError(`psdCheck: tol is ${tol}; allowed: a number >= 0`);
  const { values } = jacobiEigen(a, n, options);
  const minEigenvalue = n === 0 ? 0 : values[0];
  const maxEigenvalue = n === 0 ? 0 : values[n - 1];
  const scale = Math.max(Math.abs(minEigenvalue), Math.abs(maxEigenvalue));
  return { ok: minEigenvalue >= -tol * scale, minEigenvalue, maxEigenvalue, values };
}

/** Throws unless `psdCheck(a, n, tol).ok`, with lambda_min, lambda_max and the tolerance in the message. */
export function assertPsd(a: NumericArray, n: number, tol = 10 * n * Number.EPSILON, name = 'matrix'): void {
  const r = psdCheck(a, n, tol);
  if (!r.ok) {
    throw new Error(
      `${name} is not positive semi-definite: lambda_min = ${r.minEigenvalue} < -tol * max|lambda| = ` +
        `${-tol * Math.max(Math.abs(r.minEigenvalue), Math.abs(r.maxEigenvalue))} (tol = ${tol}, lambda_max = ${r.maxEigenvalue})`,
    );
  }
}
