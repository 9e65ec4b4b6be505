/** Distances between two arrays of the same length (matrices, vectors, tensor data). */
import { assertFinite, assertSameLength, type NumericArray } from '../matrix/validate.js';
import { frobeniusNorm } from '../matrix/dense.js';

/**
 * Relative error ||a - b||_F / ||b||_F, with `b` the reference. Returns 0 when both are
 * zero and Infinity when only `b` is zero. Throws on different lengths or non-finite entries.
 */
export function relativeError(a: NumericArray, b: NumericArray): number {
  assertSameLength('relativeError', a, b);
  assertFinite('relativeError', 'a', a);
  assertFinite('relativeError', 'b', b);
  const diff = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) diff[i] = a[i] - b[i];
  const num = frobeniusNorm(diff);
  const den = frobeniusNorm(b);
  if (den === 0) return num === 0 ? 0 : Infinity;
  return num / den;
}

/** max_i |a_i - b_i| (0 for empty arrays). Throws on different lengths or non-finite entries. */
export function maxAbsDiff(a: NumericArray, b: NumericArray): number {
  assertSameLength('maxAbsDiff', a, b);
  assertFinite('maxAbsDiff', 'a', a);
  assertFinite('maxAbsDiff', 'b', b);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
