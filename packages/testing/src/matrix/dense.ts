/**
 * Small dense float64 helpers for tests: row-major `Float64Array`s, plain loops, no
 * blocking. They are references, written for clarity, not speed (O(n^3) matmul).
 */
import { assertDimension, assertFinite, assertMatrix, type NumericArray } from './validate.js';

/** The n x n identity I (I_ii = 1, I_ij = 0 for i != j), row-major. */
export function identity(n: number): Float64Array {
  assertDimension('identity', 'n', n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** The transpose: for A of shape rows x cols, returns A^T (cols x rows), (A^T)_ji = A_ij. */
export function transpose(a: NumericArray, rows: number, cols: number): Float64Array {
  assertMatrix('transpose', 'a', a, rows, cols);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  }
  return out;
}

/**
 * The product C = A B with A of shape m x k and B of shape k x n:
 * C_ij = sum_l A_il B_lj, accumulated in float64 in index order.
 */
export function matmul(a: NumericArray, b: NumericArray, m: number, k: number, n: number): Float64Array {
  assertMatrix('matmul', 'a', a, m, k);
  assertMatrix('matmul', 'b', b, k, n);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l];
      if (ail === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += ail * b[l * n + j];
    }
  }
  return out;
}

/**
 * The Frobenius norm ||A||_F = sqrt(sum_i a_i^2) of any numeric array, computed as
 * s * sqrt(sum (a_i / s)^2) with s = max |a_i| so that it neither overflows nor underflows.
 */
export function frobeniusNorm(a: NumericArray): number {
  assertFinite('frobeniusNorm', 'a', a);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] / scale;
    sum += x * x;
  }
  return scale * Math.sqrt(sum);
}

/** A row-major `Float64Array` from nested rows, e.g. `matrixFromRows([[1, 2], [3, 4]])`; all rows the same length. */
export function matrixFromRows(rows: readonly (readonly number[])[]): Float64Array {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new RangeError(`matrixFromRows: row ${i} has length ${row.length}; allowed: ${cols}, the length of row 0`);
    }
  });
  const out = Float64Array.from(rows.flat());
  assertFinite('matrixFromRows', 'rows', out);
  return out;
}

/** Nested rows of a row-major matrix (rows x cols), for messages and snapshots. */
export function matrixToRows(a: NumericArray, rows: number, cols: number): number[][] {
  assertDimension('matrixToRows', 'rows', rows);
  assertDimension('matrixToRows', 'cols', cols);
  if (a.length !== rows * cols) {
    throw new RangeError(`matrixToRows: a has length ${a.length}; allowed: ${rows} x ${cols} = ${rows * cols}`);
  }
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => a[i * cols + j]));
}
