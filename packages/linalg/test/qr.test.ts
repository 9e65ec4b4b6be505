/**
 * Householder QR and the warm-started QR iteration for the eigenbasis.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMatrix, gaussianMatrix, jacobiEigen, matmul, orthogonalityError, randomOrthogonal, fromEigenpairs, spdWithCondition } from '@shampoo-ts/testing';
import { householderQr, qrIterationEigenbasis, symmetricEigenJs } from '@shampoo-ts/linalg';
import { basisDistanceUpToSigns, EPS, maxAbsDifference } from './helpers.js';

describe('householderQr', () => {
  it('random rows x cols: Q has orthonormal columns, R is upper triangular with diag >= 0, QR = A', () => {
    fc.assert(
      fc.property(arbMatrix({ maxRows: 20, maxCols: 20, maxAbs: 10 }), ({ rows, cols, data }) => {
        const { q, r } = householderQr(data, rows, cols);
        const k = Math.min(rows, cols);
        expect(q.length).toBe(rows * k);
        expect(r.length).toBe(k * cols);
        for (let i = 0; i < k; i++) {
          expect(r[i * cols + i]).toBeGreaterThanOrEqual(0);
          for (let j = 0; j < Math.min(i, cols); j++) expect(r[i * cols + j]).toBe(0);
        }
        const scale = Math.max(1e-300, ...Array.from(data, Math.abs));
        expect(maxAbsDifference(matmul(q, r, rows, k, cols), data)).toBeLessThanOrEqual(8 * Math.max(rows, cols) * EPS * scale * Math.sqrt(rows));
        // columns of Q that meet a non-zero R row are orthonormal; with zero columns in A, Q stays orthonormal anyway
        expect(orthogonalityError(q, rows, k)).toBeLessThanOrEqual(8 * rows * EPS);
      }),
      { numRuns: 80 },
    );
  });

  it('is unique for full column rank: matches classical Gram-Schmidt on a well-conditioned matrix', () => {
    const rows = 9;
    const cols = 5;
    const a = gaussianMatrix(rows, cols, 3);
    const { q, r } = householderQr(a, rows, cols);
    // Gram-Schmidt (modified) as the independent reference
    const gs = Float64Array.from(a);
    for (let j = 0; j < cols; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += gs[i * cols + p] * gs[i * cols + j];
        for (let i = 0; i < rows; i++) gs[i * cols + j] -= dot * gs[i * cols + p];
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += gs[i * cols + j] ** 2;
      norm = Math.sqrt(norm);
      expect(Math.abs(norm - r[j * cols + j])).toBeLessThan(1e-12 * norm);
      for (let i = 0; i < rows; i++) gs[i * cols + j] /= norm;
    }
    expect(maxAbsDifference(q, gs)).toBeLessThan(1e-12);
  });
});

describe('qrIterationEigenbasis', () => {
  /** A with well-separated eigenvalues: lambda_j = 2^j, so each QR step divides the off-diagonal part by >= 2. */
  function separated(n: number, seed: number): { a: Float64Array; q: Float64Array; lambda: Float64Array } {
    const q = randomOrthogonal(n, seed);
    const lambda = Float64Array.from({ length: n }, (_, j) => 2 ** j);
    return { a: fromEigenpairs(q, lambda, n), q, lambda };
  }

  it('converges to the eigendecomposition up to column signs from a random orthogonal start (well-separated spectrum)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const { a, q, lambda } = separated(n, seed);
        const start = randomOrthogonal(n, seed + 1);
        const res = qrIterationEigenbasis(a, n, start, { steps: 200, tolerance: 1e-14 });
        if (n > 1) expect(res.skipped).toBe(false); // a random start does not diagonalise A
        expect(res.offDiagonalRatio).toBeLessThanOrEqual(1e-14);
        for (let j = 0; j < n; j++) expect(Math.abs(res.values[j] - lambda[j])).toBeLessThanOrEqual(1e-12 * lambda[n - 1]);
        expect(basisDistanceUpToSigns(res.vectors, q, n)).toBeLessThan(1e-9);
        expect(orthogonalityError(res.vectors, n)).toBeLessThan(1e-13);
        const eig = symmetricEigenJs(a, n);
        expect(basisDistanceUpToSigns(res.vectors, eig.vectors, n)).toBeLessThan(1e-9);
      }),
      { numRuns: 25 },
    );
  });

  it('one step from a nearby basis reduces the off-diagonal ratio (by about the eigenvalue ratio)', () => {
    const n = 12;
    const { a, q } = separated(n, 4);
    // perturb the exact basis by a small rotation: Q R(theta) for a random orthogonal close to I
    const near = matmul(q, nearIdentityRotation(n, 1e-2, 5), n, n, n);
    const zero = qrIterationEigenbasis(a, n, near, { steps: 0 });
    const one = qrIterationEigenbasis(a, n, near, { steps: 1 });
    expect(zero.skipped).toBe(false);
    expect(one.offDiagonalRatio).toBeLessThan(0.75 * zero.offDiagonalRatio);
  });

  it('tolerance: skips all work when the previous basis already diagonalises A, and returns that basis sorted', () => {
    const m = spdWithCondition({ n: 10, cond: 100, seed: 2 });
    const exact = jacobiEigen(m.a, 10).vectors;
    const res = qrIterationEigenbasis(m.a, 10, exact, { steps: 5, tolerance: 1e-8 });
    expect(res.skipped).toBe(true);
    expect(res.vectors).toEqual(exact); // Jacobi's values are ascending already, so no permutation
    for (let i = 1; i < 10; i++) expect(res.values[i]).toBeGreaterThanOrEqual(res.values[i - 1]);
    // a loose tolerance does not skip on a random basis
    const notSkipped = qrIterationEigenbasis(m.a, 10, randomOrthogonal(10, 1), { steps: 1, tolerance: 1e-8 });
    expect(notSkipped.skipped).toBe(false);
  });

  it('the values are the Rayleigh quotients of the returned vectors, ascending', () => {
    const m = spdWithCondition({ n: 8, cond: 1e3, seed: 9 });
    const res = qrIterationEigenbasis(m.a, 8, randomOrthogonal(8, 3), { steps: 3 });
    for (let j = 0; j < 8; j++) {
      let rq = 0;
      for (let i = 0; i < 8; i++) for (let k = 0; k < 8; k++) rq += res.vectors[i * 8 + j] * m.a[i * 8 + k] * res.vectors[k * 8 + j];
      expect(Math.abs(rq - res.values[j])).toBeLessThan(1e-13);
      if (j > 0) expect(res.values[j]).toBeGreaterThanOrEqual(res.values[j - 1]);
    }
  });
});

/** exp of a small random skew-symmetric matrix, approximated by its Cayley transform (exactly orthogonal). */
function nearIdentityRotation(n: number, size: number, seed: number): Float64Array {
  const g = gaussianMatrix(n, n, seed);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = (size * (g[i * n + j] - g[j * n + i])) / 2;
  // Cayley: (I - S)^-1 (I + S)
  const iMinus = new Float64Array(n * n);
  const iPlus = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    iMinus[i] = -s[i];
    iPlus[i] = s[i];
  }
  for (let i = 0; i < n; i++) {
    iMinus[i * n + i] += 1;
    iPlus[i * n + i] += 1;
  }
  return matmul(invert(iMinus, n), iPlus, n, n, n);
}

function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    const d = m[c * n + c];
    for (let j = 0; j < n; j++) {
      m[c * n + j] /= d;
      inv[c * n + j] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}
