/**
 * Test-only references: plain loops from @shampoo-ts/testing, never the kernels under test.
 */
import { identity, jacobiEigen, matmul, transpose } from '@shampoo-ts/testing';

export const EPS = 2 ** -52;

/** max_ij |A_ij - B_ij|. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** M^p by p - 1 naive products. */
export function naivePower(m: Float64Array, n: number, p: number): Float64Array {
  let out = identity(n);
  for (let i = 0; i < p; i++) out = matmul(out, m, n, n, n);
  return out;
}

/** max|A X^p - I| with naive products. */
export function naiveRootResidual(a: Float64Array, x: Float64Array, n: number, p: number): number {
  return maxAbsDifference(matmul(a, naivePower(x, n, p), n, n, n), identity(n));
}

/** Singular values (descending) of a rows x cols matrix from the Jacobi eigenvalues of G^T G. */
export function singularValues(g: Float64Array, rows: number, cols: number): number[] {
  const gram = matmul(transpose(g, rows, cols), g, cols, rows, cols);
  for (let i = 0; i < cols; i++) for (let j = i + 1; j < cols; j++) gram[j * cols + i] = gram[i * cols + j];
  return Array.from(jacobiEigen(gram, cols).values)
    .map((v) => Math.sqrt(Math.max(v, 0)))
    .reverse();
}

/** max over columns j of min(|v_j - w_j|, |v_j + w_j|) (inf-norm): equality of bases up to column signs. */
export function basisDistanceUpToSigns(v: Float64Array, w: Float64Array, n: number): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let plus = 0;
    let minus = 0;
    for (let i = 0; i < n; i++) {
      plus = Math.max(plus, Math.abs(v[i * n + j] - w[i * n + j]));
      minus = Math.max(minus, Math.abs(v[i * n + j] + w[i * n + j]));
    }
    worst = Math.max(worst, Math.min(plus, minus));
  }
  return worst;
}

/** Symmetric tridiagonal n x n with alpha on the diagonal and beta off it. */
export function tridiagonal(n: number, alpha: number, beta: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = alpha;
    if (i + 1 < n) {
      a[i * n + i + 1] = beta;
      a[(i + 1) * n + i] = beta;
    }
  }
  return a;
}

/** Rows x cols matrix U diag(s) V^T with orthonormal U (rows x k), V (cols x k), k = min(rows, cols). */
export function withSingularValues(u: Float64Array, s: number[], v: Float64Array, rows: number, cols: number): Float64Array {
  const k = s.length;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += u[i * rows + t] * s[t] * v[j * cols + t];
      out[i * cols + j] = sum;
    }
  }
  return out;
}

/** Inverse by Gauss-Jordan elimination with partial pivoting (a plain reference). */
export function gaussJordanInverse(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = identity(n);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        [m[col * n + j], m[pivot * n + j]] = [m[pivot * n + j], m[col * n + j]];
        [inv[col * n + j], inv[pivot * n + j]] = [inv[pivot * n + j], inv[col * n + j]];
      }
    }
    const d = m[col * n + col];
    for (let j = 0; j < n; j++) {
      m[col * n + j] /= d;
      inv[col * n + j] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * n + col];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[col * n + j];
        inv[r * n + j] -= f * inv[col * n + j];
      }
    }
  }
  return inv;
}
