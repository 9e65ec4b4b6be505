/**
 * A float64 reference of the eigen family on ONE matrix parameter (one rows x cols block,
 * betas [0, beta2], so the direction is the gradient), written from docs/algorithms.md#shampoo-step, docs/algorithms.md#variants and docs/algorithms.md#root-solvers
 * with plain Float64Arrays and the testing kit's Jacobi eigensolver (not linalg):
 *   every step t:  L <- beta2 L + w G G^T,  R <- beta2 R + w G^T G  (w = 1 - beta2, or 1 at beta2 = 1;
 *                  KL-Shampoo: from X_R-preconditioned G for L, X_L-preconditioned G for R)
 *   root steps:    A = F / bc2 (bc2 = 1 - beta2^t), a new basis per factor:
 *                  'eigh': Jacobi eigenvectors (ascending); 'qr': B = Q^T (A + eps I) Q, columns
 *                  ordered by decreasing |diag(B)|, one Gram-Schmidt QR step B = Q'R, Q <- Q Q',
 *                  then ascending by diag(Q^T A Q)
 *   eigendecomposed:       X = Q diag(lambda'^(-1/4)) Q^T, lambda' = lambda - min(lambda_min, 0) + eps,
 *                          P = X_L G X_R
 *   eigenvalue-corrected:  E <- beta2 E + w (Q_L^T G Q_R)^2 (after the refresh),
 *                          P = Q_L [(Q_L^T G Q_R) / ((E / bc2)^p + eps)] Q_R^T
 * Eigenvectors are only defined up to sign (and order within equal eigenvalues): the tests
 * compare directions, which do not depend on either.
 */
import { jacobiEigen } from '@shampoo-ts/testing';
import { matmul, transpose } from './helpers.js';

/** Which member and how its root steps go. */
export interface EigenReferenceOptions {
  readonly variant: 'eigendecomposed' | 'eigendecomposed-kl' | 'eigenvalue-corrected';
  readonly eigenbasis: 'eigh' | 'qr';
  readonly beta2: number;
  readonly epsilon: number;
  readonly preconditionFrequency: number;
  /** Correction exponent p (eigenvalue-corrected). */
  readonly p?: number;
  /** Dims kept out of the basis change (eigenvalue-corrected; 0 = rows, 1 = cols). */
  readonly ignored?: readonly number[];
}

const eye = (n: number) => Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));

/** Q diag(f) Q^T. */
function fromEigen(q: Float64Array, f: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += q[i * n + k] * f[k] * q[j * n + k];
  return out;
}

/** Modified Gram-Schmidt QR of a square, full-rank B: the orthogonal factor. */
function gramSchmidtQ(b: Float64Array, n: number): Float64Array {
  const q = Float64Array.from(b);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + k] * q[i * n + j];
      for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] /= norm;
  }
  return q;
}

/** Q's columns permuted by `order` (column j of the result = column order[j] of Q). */
function permuteColumns(q: Float64Array, n: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = q[i * n + order[j]];
  return out;
}

const diagonalOf = (b: Float64Array, n: number) => Array.from({ length: n }, (_, i) => b[i * n + i]);
const congruence = (q: Float64Array, a: Float64Array, n: number) => matmul(transpose(q, n, n), matmul(a, q, n, n, n), n, n, n);

/** The new basis and eigenvalues (in the basis' column order) of A from the previous basis. */
function refresh(a: Float64Array, n: number, previous: Float64Array, o: EigenReferenceOptions): { q: Float64Array; lambda: number[] } {
  if (o.eigenbasis === 'eigh') {
    const e = jacobiEigen(a, n);
    return { q: e.vectors, lambda: Array.from(e.values) };
  }
  const ridge = Float64Array.from(a);
  for (let i = 0; i < n; i++) ridge[i * n + i] += o.epsilon;
  let q = previous;
  const d0 = diagonalOf(congruence(q, ridge, n), n);
  q = permuteColumns(q, n, [...d0.keys()].sort((x, y) => Math.abs(d0[y]) - Math.abs(d0[x]) || x - y));
  q = matmul(q, gramSchmidtQ(congruence(q, ridge, n), n), n, n, n);
  const d = diagonalOf(congruence(q, a, n), n);
  const ascending = [...d.keys()].sort((x, y) => d[x] - d[y] || x - y);
  return { q: permuteColumns(q, n, ascending), lambda: ascending.map((k) => d[k]) };
}

/** The directions P_t of the reference for gradients gs (each rows x cols, row-major). */
export function eigenReferenceDirections(gs: readonly Float64Array[], rows: number, cols: number, o: EigenReferenceOptions): Float64Array[] {
  const w = o.beta2 === 1 ? 1 : 1 - o.beta2;
  const sides = [rows, cols];
  const factors = sides.map((n) => new Float64Array(n * n));
  const bases: Float64Array[] = sides.map(eye);
  const roots: Float64Array[] = sides.map(eye); // eigendecomposed X_L, X_R
  let e = new Float64Array(rows * cols);
  const p = o.p ?? 0.5;
  const on = (dim: number) => !(o.ignored ?? []).includes(dim);
  const out: Float64Array[] = [];
  gs.forEach((g, index) => {
    const t = index + 1;
    const bc2 = o.beta2 < 1 ? 1 - o.beta2 ** t : 1;
    const kl = o.variant === 'eigendecomposed-kl';
    const left = kl ? matmul(g, roots[1], rows, cols, cols) : g; // G X_R
    const right = kl ? matmul(roots[0], g, rows, rows, cols) : g; // X_L G
    const grams = [matmul(left, transpose(left, rows, cols), rows, cols, rows), matmul(transpose(right, rows, cols), right, cols, rows, cols)];
    factors.forEach((f, i) => f.forEach((v, k) => (f[k] = o.beta2 * v + w * grams[i][k])));
    const start = o.preconditionFrequency;
    if (t === start || (t > start && t % o.preconditionFrequency === 0)) {
      sides.forEach((n, i) => {
        if (!on(i)) return;
        const a = factors[i].map((v) => v / bc2);
        const { q, lambda } = refresh(a, n, bases[i], o);
        bases[i] = q;
        const min = Math.min(...lambda, 0);
        roots[i] = fromEigen(q, lambda.map((l) => (l - min + o.epsilon) ** -0.25), n);
      });
    }
    if (o.variant !== 'eigenvalue-corrected') {
      out.push(matmul(matmul(roots[0], g, rows, rows, cols), roots[1], rows, cols, cols));
      return;
    }
    const [ql, qr] = bases;
    const rotated = matmul(matmul(transpose(ql, rows, rows), g, rows, rows, cols), qr, rows, cols, cols);
    e = e.map((v, k) => o.beta2 * v + w * rotated[k] ** 2);
    const scaled = rotated.map((v, k) => v / ((e[k] / bc2) ** p + o.epsilon));
    out.push(matmul(matmul(ql, scaled, rows, rows, cols), transpose(qr, cols, cols), rows, cols, cols));
  });
  return out;
}
