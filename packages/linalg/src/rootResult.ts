import { multiply } from './matmul.js';
import { maxAbsDeviationFromIdentity } from './matrixBasics.js';
import { integerMatrixPower } from './matrixPower.js';

/**
 * What every root solver returns. `residual` is measured on the result, never taken from
 * the iteration's own bookkeeping: max_ij |(A_r X^p - I)_ij| with A_r the matrix whose
 * root was taken (see each solver for its A_r). `iterations` is 0 for direct methods.
 * `converged` false means the caller should not trust `root`; it is never an exception.
 */
export interface InverseRootResult {
  root: Float64Array;
  residual: number;
  iterations: number;
  converged: boolean;
}

/** @deprecated use InverseRootResult (RootResult is @shampoo-ts/shampoo's executor result) */
export type RootResult = InverseRootResult;

/** How an iteration ended: tolerance met, error stopped improving, or the iteration cap hit. */
export type Termination = 'converged' | 'early-stop' | 'max-iterations';

/** max_ij |(A X^p - I)_ij| for an integer p >= 1 (internal, unchecked; about (2 log2 p + 2) n^3 flops). */
export function inverseRootResidual(a: Float64Array, x: Float64Array, n: number, p: number): number {
  const xp = integerMatrixPower(x, n, p);
  return maxAbsDeviationFromIdentity(multiply(a, xp, n, n, n), n);
}

/** True iff every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) return false;
  }
  return true;
}
