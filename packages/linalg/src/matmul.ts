import { checkDimension, checkFinite, checkMatrix } from './check.js';
import { gemmTransposed } from './gemm.js';
import { transpose } from './matrixBasics.js';

/**
 * C = A B for A: m x k and B: k x n (row-major Float64Array), C: m x n.
 *
 * B is transposed once (O(kn)) so that every entry of C is a dot product of two contiguous
 * rows, computed by the register-blocked kernel `gemmTransposed` (2mkn flops). `out`, if
 * given, must hold m * n numbers and must not alias A or B; it is overwritten.
 */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number, out?: Float64Array): Float64Array {
  const fn = 'matmul';
  checkDimension(fn, 'm', m);
  checkDimension(fn, 'k', k);
  checkDimension(fn, 'n', n);
  checkMatrix(fn, 'a', a, m, k);
  checkMatrix(fn, 'b', b, k, n);
  if (out !== undefined) {
    checkMatrix(fn, 'out', out, m, n);
    if (overlaps(out, a) || overlaps(out, b)) {
      throw new Error(`${fn}: out must not share memory with a or b`);
    }
  }
  checkFinite(fn, 'a', a, k);
  checkFinite(fn, 'b', b, n);
  return multiply(a, b, m, k, n, out);
}

/** Unchecked C = A B, for the package's own use on already validated data. */
export function multiply(a: Float64Array, b: Float64Array, m: number, k: number, n: number, out?: Float64Array): Float64Array {
  const c = out ?? new Float64Array(m * n);
  const bt = transpose(b, k, n);
  gemmTransposed(a, bt, c, m, k, n, 1, 0, false);
  return c;
}

/** Unchecked C = A B^T (A: m x k, B: n x k). */
export function multiplyTransposed(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  gemmTransposed(a, b, c, m, k, n, 1, 0, false);
  return c;
}

/** Unchecked C = A^T B (A: k x m, B: k x n). */
export function multiplyTransposedLeft(a: Float64Array, b: Float64Array, k: number, m: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  gemmTransposed(transpose(a, k, m), transpose(b, k, n), c, m, k, n, 1, 0, false);
  return c;
}

function overlaps(x: Float64Array, y: Float64Array): boolean {
  return x.buffer === y.buffer && x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}
