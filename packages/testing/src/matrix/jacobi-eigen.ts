/**
 * An independent float64 reference eigensolver: the cyclic Jacobi method.
 *
 * Slow (about 6 n^3 flops per sweep; at most 21 sweeps measured for SPD matrices with n = 32..256
 * and cond up to 1e10, about 0.1 s at n = 128) and very accurate; it is
 * deliberately a different algorithm from the tridiagonalisation/QL solver of
 * @shampoo-ts/linalg, so the two can check each other.
 */
import { identity } from './dense.js';
import { assertDimension, assertMatrix, type NumericArray } from './validate.js';
import { symmetryError } from '../checks/symmetry.js';

/** Eigenpairs of a symmetric matrix: A = V diag(values) V^T. */
export interface Eigendecomposition {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Row-major n x n orthogonal matrix whose column j is the eigenvector of `values[j]`. */
  vectors: Float64Array;
  /** Number of sweeps used (the last sweep applied no rotation). */
  sweeps: number;
}

/** Options of `jacobiEigen`: the symmetry tolerance, the sweep limit and the stopping rule. */
export interface JacobiOptions {
  /** Largest allowed ||A - A^T||_F / ||A||_F; the solver uses (A + A^T) / 2. Default 1e-10. */
  symmetryTol?: number;
  /** Sweeps before giving up with an error. Default 60. */
  maxSweeps?: number;
}

const SMALLEST_NORMAL = 2 ** -1022;

/**
 * Eigendecomposition of a symmetric n x n matrix by the cyclic Jacobi method.
 *
 * Each rotation J(p, q, theta) zeroes the entry a_pq of A <- J^T A J, with
 *   theta = (a_qq - a_pp) / (2 a_pq),  t = sign(theta) / (|theta| + sqrt(theta^2 + 1)),
 *   c = 1 / sqrt(t^2 + 1),  s = t c,  tau = s / (1 + c),
 *   a_pp <- a_pp - t a_pq,  a_qq <- a_qq + t a_pq,
 *   a_rp <- a_rp - s (a_rq + tau a_rp),  a_rq <- a_rq + s (a_rp - tau a_rq)   (r != p, q),
 * and V <- V J accumulates the eigenvectors. Sweeps visit every pair p < q in row order.
 * A pair is skipped when |a_pq| <= eps sqrt(|a_pp a_qq|) (eps = 2^-52), the
 * Demmel-Veselic criterion, which gives small eigenvalues of well-scaled SPD matrices to
 * high relative accuracy; the method stops after a sweep that skips every pair.
 * Result: values ascending, with ||A V - V diag(values)||_F / ||A||_F and
 * ||V^T V - I||_F a small multiple of n * 2^-52.
 *
 * Throws if `a` is not n x n, not finite, or not symmetric within `symmetryTol`, and if it
 * has not converged after `maxSweeps` sweeps (never observed for finite input).
 */
export function jacobiEigen(a: NumericArray, n: number, options: JacobiOptions = {}): Eigendecomposition {
  const { symmetryTol = 1e-10, maxSweeps = 60 } = options;
  assertDimension('jacobiEigen', 'n', n);
  assertMatrix('jacobiEigen', 'a', a, n, n);
  if (!(symmetryTol >= 0)) throw new RangeError(`jacobiEigen: symmetryTol is ${symmetryTol}; allowed: a number >= 0`);
  assertDimension('jacobiEigen', 'maxSweeps', maxSweeps, 1);
  const asym = symmetryError(a, n);
  if (asym > symmetryTol) {
    throw new RangeError(`jacobiEigen: a is not symmetric: ||A - A^T||_F / ||A||_F = ${asym}; allowed: <= symmetryTol = ${symmetryTol}`);
  }

  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  }
  const v = identity(n);

  let sweeps = 0;
  let converged = false;
  while (sweeps < maxSweeps && !converged) {
    sweeps++;
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const absApq = Math.abs(apq);
        if (absApq <= Number.EPSILON * Math.sqrt(Math.abs(app) * Math.abs(aqq)) || absApq < SMALLEST_NORMAL) {
          continue;
        }
        converged = false;
        rotate(m, v, n, p, q, apq, app, aqq);
      }
    }
  }
  if (!converged) {
    throw new Error(`jacobiEigen: no convergence after maxSweeps = ${maxSweeps} sweeps for n = ${n}; allowed input: finite symmetric matrices`);
  }
  return sortedPairs(m, v, n, sweeps);
}

/** Applies one Jacobi rotation in the (p, q) plane to the symmetric M and to V. */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number, apq: number, app: number, aqq: number): void {
  const theta = (aqq - app) / (2 * apq);
  // For huge theta, theta^2 overflows; t ~ 1 / (2 theta) to full accuracy there.
  const t = Math.abs(theta) > 1e150
    ? 1 / (2 * theta)
    : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  const tau = s / (1 + c);
  m[p * n + p] = app - t * apq;
  m[q * n + q] = aqq + t * apq;
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let r = 0; r < n; r++) {
    if (r !== p && r !== q) {
      const arp = m[r * n + p];
      const arq = m[r * n + q];
      const newRp = arp - s * (arq + tau * arp);
      const newRq = arq + s * (arp - tau * arq);
      m[r * n + p] = newRp;
      m[p * n + r] = newRp;
      m[r * n + q] = newRq;
      m[q * n + r] = newRq;
    }
    const vrp = v[r * n + p];
    const vrq = v[r * n + q];
    v[r * n + p] = vrp - s * (vrq + tau * vrp);
    v[r * n + q] = vrq + s * (vrp - tau * vrq);
  }
}

/** Diagonal of M as ascending eigenvalues, with the columns of V permuted to match. */
function sortedPairs(m: Float64Array, v: Float64Array, n: number, sweeps: number): Eigendecomposition {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let r = 0; r < n; r++) vectors[r * n + dst] = v[r * n + src];
  });
  return { values, vectors, sweeps };
}
