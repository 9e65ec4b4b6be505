import { checkFinite, checkFiniteNumber, checkMatrix, checkNonNegative } from './check.js';
import { trace } from './matrixBasics.js';

/**
 * Trace scaling A * max(trace(A), minTrace)^(-exponent) (Shampoo's `useTraceScaling`,
 * exponent 0.5 by default; the reference clamps the trace to Shampoo's epsilon).
 *
 * For a PSD factor the trace is the sum of the eigenvalues, so exponent 1 normalises the
 * spectrum to sum 1 and exponent 0.5 rescales it by the square root. With minTrace > 0 a
 * trace below it (tiny, or negative from rounding in a nearly singular factor) is replaced
 * by minTrace, so the scale factor is at most minTrace^(-exponent). With minTrace = 0
 * (default): a zero trace returns an unchanged copy, and a negative trace means the input is
 * not PSD and is rejected. NaN/Inf entries and minTrace < 0 are rejected.
 */
export function traceScale(a: Float64Array, n: number, exponent = 0.5, minTrace = 0): Float64Array {
  const fn = 'traceScale';
  checkMatrix(fn, 'a', a, n, n);
  checkFinite(fn, 'a', a, n);
  checkFiniteNumber(fn, 'exponent', exponent);
  checkNonNegative(fn, 'minTrace', minTrace);
  const raw = trace(a, n);
  const t = minTrace > 0 ? Math.max(raw, minTrace) : raw;
  if (t < 0) {
    throw new Error(`${fn}: trace(a) = ${t} is negative; trace scaling needs a positive semi-definite matrix (trace >= 0), or minTrace > 0`);
  }
  const out = Float64Array.from(a);
  if (t === 0) return out;
  const factor = exponent === 0.5 ? 1 / Math.sqrt(t) : exponent === 1 ? 1 / t : Math.pow(t, -exponent);
  if (!Number.isFinite(factor)) {
    throw new Error(`${fn}: max(trace(a), minTrace)^-exponent = ${t}^${-exponent} is not finite; use a smaller |exponent|`);
  }
  for (let i = 0; i < out.length; i++) out[i] *= factor;
  return out;
}
