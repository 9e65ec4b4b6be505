import { multiply } from './matmul.js';
import { identity } from './matrixBasics.js';

/**
 * M^p for an integer p >= 0 by repeated squaring (about 2 log2(p) products; p = 1 copies,
 * p = 2 is one product, p = 4 two). Internal and unchecked.
 */
export function integerMatrixPower(m: Float64Array, n: number, p: number): Float64Array {
  if (p === 0) return identity(n);
  if (p === 1) return Float64Array.from(m);
  if (p === 2) return multiply(m, m, n, n, n);
  let result: Float64Array | null = null;
  let base = m;
  let e = p;
  while (e > 0) {
    if (e & 1) result = result === null ? Float64Array.from(base) : multiply(result, base, n, n, n);
    e >>>= 1;
    if (e > 0) base = multiply(base, base, n, n, n);
  }
  return result as Float64Array;
}
