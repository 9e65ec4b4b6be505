import { checkFinite, checkFiniteNumber, checkMatrix } from './check.js';
import { trace } from './matrixBasics.js';

/**
 * Trace scaling A / trace(A)^exponent (Shampoo's `useTraceScaling`, exponent 0.5 by default).
 *
 * For a PSD factor the trace is the sum of the eigenvalues, so exponent 1 normalises the
 * spectrum to sum 1 and exponent 0.5 rescales it by the square root. A zero trace (the zero
 * matrix, for a PSD input) returns an unchanged copy; a negative trace means the input is
 * not PSD and is rejected, as are NaN/Inf.
 */
export function traceScale(a: Float64Array, n: number, exponent = 0.5): Float64Array {
  const fn = 'traceScale';
  checkMatrix(fn, 'a', a, n, n);
  checkFinite(fn, 'a', a, n);
  checkFiniteNumber(fn, 'exponent', exponent);
  const t = trace(a, n);
  if (t < 0) {
    throw new Error(`${fn}: trace(a) = ${t} is negative; trace scaling needs a positive semi-definite matrix (trace >= 0)`);
  }
  const out = Float64Array.from(a);
  if (t === 0) return out;
  const factor = exponent === 0.5 ? 1 / Math.sqrt(t) : exponent === 1 ? 1 / t : Math.pow(t, -exponent);
  if (!Number.isFinite(factor)) {
    throw new Error(`${fn}: trace(a)^-exponent = ${t}^${-exponent} is not finite; use a smaller |exponent|`);
  }
  for (let i = 0; i < out.length; i++) out[i] *= factor;
  return out;
}
