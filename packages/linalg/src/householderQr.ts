import { checkFinite, checkMatrix } from './check.js';
import { transpose } from './matrixBasics.js';

/**
 * Thin QR factorisation A = Q R of a rows x cols matrix by Householder reflections,
 * k = min(rows, cols): Q is rows x k with orthonormal columns, R is k x cols upper
 * triangular with a non-negative diagonal (so for full column rank the factorisation is
 * unique and matches Gram-Schmidt).
 *
 * Reflector j maps column j's entries j..rows-1 to (beta, 0, ..., 0) with
 * v = x - beta e_1, beta = -sign(x_1) ||x||. The work runs on A^T so that each column is a
 * contiguous row; Q^T is then built by applying the reflectors to the rows of the
 * identity, and signs are flipped so that diag(R) >= 0. About 4 rows cols k flops.
 */
export function householderQr(a: Float64Array, rows: number, cols: number): { q: Float64Array; r: Float64Array } {
  const fn = 'householderQr';
  checkMatrix(fn, 'a', a, rows, cols);
  checkFinite(fn, 'a', a, cols);
  return qrUnchecked(a, rows, cols);
}

/** {@link householderQr} without the checks (internal). */
export function qrUnchecked(a: Float64Array, rows: number, cols: number): { q: Float64Array; r: Float64Array } {
  const k = Math.min(rows, cols);
  const at = transpose(a, rows, cols); // cols x rows: row j of at is column j of a
  const vs = new Float64Array(k * rows); // reflector j in row j, entries j..rows-1
  const taus = new Float64Array(k); // H_j = I - tau_j v_j v_j^T
  for (let j = 0; j < k; j++) {
    const col = j * rows;
    let norm2 = 0;
    for (let i = j; i < rows; i++) norm2 += at[col + i] * at[col + i];
    const x0 = at[col + j];
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue; // zero column: H_j = I
    const beta = x0 >= 0 ? -norm : norm;
    const v = j * rows;
    vs[v + j] = x0 - beta;
    for (let i = j + 1; i < rows; i++) vs[v + i] = at[col + i];
    const vv = norm2 - x0 * x0 + (x0 - beta) * (x0 - beta);
    if (vv === 0) continue;
    const tau = 2 / vv;
    taus[j] = tau;
    at[col + j] = beta;
    for (let i = j + 1; i < rows; i++) at[col + i] = 0;
    for (let c = j + 1; c < cols; c++) {
      const cr = c * rows;
      let s = 0;
      for (let i = j; i < rows; i++) s += vs[v + i] * at[cr + i];
      s *= tau;
      for (let i = j; i < rows; i++) at[cr + i] -= s * vs[v + i];
    }
  }
  // Q^T (k x rows) = E H_{k-1} ... H_0 ... built row by row: row i of Q^T is e_i^T H_{k-1}...H_0
  // applied from the right, i.e. each row e <- e - tau (e . v) v^T for j = k-1 down to 0.
  const qt = new Float64Array(k * rows);
  for (let i = 0; i < k; i++) {
    const row = i * rows;
    qt[row + i] = 1;
    for (let j = Math.min(i, k - 1); j >= 0; j--) {
      const tau = taus[j];
      if (tau === 0) continue;
      const v = j * rows;
      let s = 0;
      for (let t = j; t < rows; t++) s += qt[row + t] * vs[v + t];
      s *= tau;
      for (let t = j; t < rows; t++) qt[row + t] -= s * vs[v + t];
    }
  }
  // R (k x cols) from at; make diag(R) >= 0 by flipping row i of R and column i of Q.
  const r = new Float64Array(k * cols);
  for (let i = 0; i < k; i++) {
    const sign = at[i * rows + i] < 0 ? -1 : 1;
    for (let c = i; c < cols; c++) r[i * cols + c] = sign * at[c * rows + i];
    if (sign < 0) for (let t = 0; t < rows; t++) qt[i * rows + t] = -qt[i * rows + t];
  }
  return { q: transpose(qt, k, rows), r };
}
