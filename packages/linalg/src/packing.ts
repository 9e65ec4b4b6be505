import { checkDimension, checkFinite, checkMatrix } from './check.js';

/** Length of the packed upper triangle of an n x n matrix: n(n+1)/2. */
export function packedLength(n: number): number {
  return (n * (n + 1)) / 2;
}

/**
 * Packs the upper triangle of an n x n matrix, row by row:
 *   [a00, a01, ..., a0(n-1), a11, a12, ..., a(n-1)(n-1)],  n(n+1)/2 numbers.
 * Entry (i, j), i <= j, lands at i*n - i(i-1)/2 + (j - i). The lower triangle is not read
 * (for a symmetric matrix it is redundant). NaN/Inf in the upper triangle are rejected.
 */
export function packSymmetric(a: Float64Array, n: number): Float64Array {
  const fn = 'packSymmetric';
  checkDimension(fn, 'n', n);
  checkMatrix(fn, 'a', a, n, n);
  const out = new Float64Array(packedLength(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = i; j < n; j++) out[k++] = a[row + j];
  }
  checkFinite(fn, 'a (upper triangle, packed)', out, 0);
  return out;
}

/**
 * Inverse of {@link packSymmetric}: the full symmetric n x n matrix (float64) from its
 * packed upper triangle, which may be a Float32Array (Shampoo stores factors in float32;
 * each float32 converts to float64 exactly).
 */
export function unpackSymmetric(p: Float64Array | Float32Array, n: number): Float64Array {
  const fn = 'unpackSymmetric';
  checkDimension(fn, 'n', n);
  if (!(p instanceof Float64Array || p instanceof Float32Array)) {
    throw new Error(`${fn}: p must be a Float64Array or Float32Array, got ${Object.prototype.toString.call(p)}`);
  }
  if (p.length !== packedLength(n)) {
    throw new Error(`${fn}: p has length ${p.length}, but the packed upper triangle of ${n} x ${n} needs n(n+1)/2 = ${packedLength(n)}`);
  }
  checkFinite(fn, 'p', p, 0);
  const out = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = p[k++];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
