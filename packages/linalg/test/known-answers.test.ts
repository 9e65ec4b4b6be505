/**
 * The known answers of docs/algorithms.md#known-answers (from the reference's tests).
 */
import { describe, expect, it } from 'vitest';
import { jacobiEigen, matrixFromRows } from '@shampoo-ts/testing';
import { inverseRoot, symmetricEigenJs } from '@shampoo-ts/linalg';
import { gaussJordanInverse, maxAbsDifference, naivePower, tridiagonal } from './helpers.js';

const A3 = matrixFromRows([
  [1195, -944, -224],
  [-944, 746, 177],
  [-224, 177, 42],
]);
const A3_INV_SQRT = matrixFromRows([
  [1, 1, 1],
  [1, 2, -3],
  [1, -3, 18],
]);

describe('the 3x3 reference matrix', () => {
  it('has A^(-1/2) = [[1,1,1],[1,2,-3],[1,-3,18]] by every method', () => {
    for (const method of ['eigen', 'newton', 'higher-order'] as const) {
      const r = inverseRoot(A3, 3, { root: 2, method, kernel: 'js' });
      expect(r.converged, method).toBe(true);
      // entries up to 18 from a matrix of condition 6.8e5: the eigen path is accurate to about
      // 2^-52 * cond * 18 = 2.7e-9 (measured 1.7e-9 with the TypeScript kernel); the iterations to their stopping tolerance
      // (1e-6 Newton, 1e-8 higher order) amplified by the conditioning
      const tol = method === 'eigen' ? 1e-8 : method === 'newton' ? 1e-5 : 1e-7;
      expect(maxAbsDifference(r.root, A3_INV_SQRT), method).toBeLessThan(tol);
    }
  });

  it('has the eigenvalues 1 / mu^2 of the known root (the spec rounds them to 2.90e-3, 0.1742, 1982.8)', () => {
    const mu = jacobiEigen(A3_INV_SQRT, 3).values;
    const expected = Array.from(mu, (m) => 1 / (m * m)).sort((x, y) => x - y);
    const { values } = symmetricEigenJs(A3, 3);
    for (let i = 0; i < 3; i++) expect(Math.abs(values[i] - expected[i]) / expected[i]).toBeLessThan(1e-9);
    expect(values[2]).toBeCloseTo(1982.82, 2);
    expect(values[1]).toBeCloseTo(0.1741, 3);
    expect(values[0]).toBeCloseTo(2.896e-3, 5);
  });
});

describe('diag(1, 4)', () => {
  it('has inverse square root diag(1, 0.5) exactly on the eigen path, and within tolerance iteratively', () => {
    const a = Float64Array.from([1, 0, 0, 4]);
    expect(Array.from(inverseRoot(a, 2, { root: 2 }).root)).toEqual([1, 0, 0, 0.5]);
    for (const method of ['newton', 'higher-order'] as const) {
      expect(maxAbsDifference(inverseRoot(a, 2, { root: 2, method }).root, [1, 0, 0, 0.5]), method).toBeLessThan(1e-6);
    }
  });
});

describe('tridiagonal families: alpha on the diagonal, beta off it, alpha >= 2 beta', () => {
  const values = [1e-3, 1e-2, 1e-1, 1, 10, 100];
  const cases: { n: number; alpha: number; beta: number }[] = [];
  for (const n of [10, 100]) {
    for (const alpha of values) for (const beta of values) if (alpha >= 2 * beta) cases.push({ n, alpha, beta });
    cases.push({ n, alpha: 1, beta: 0 }); // the identity
  }

  it(`X^(-r) reproduces A within 1e-4 relative (1e-6 for the identity), r in {1, 2, 4, 8}, ${cases.length} matrices`, () => {
    for (const { n, alpha, beta } of cases) {
      const a = tridiagonal(n, alpha, beta);
      const scale = Math.max(...Array.from(a, Math.abs));
      const tol = alpha === 1 && beta === 0 ? 1e-6 : 1e-4;
      for (const r of [1, 2, 4, 8]) {
        const { root, converged } = inverseRoot(a, n, { root: r });
        expect(converged).toBe(true);
        // X^(-r) = (X^r)^(-1), formed with plain products and Gauss-Jordan, not with the code under test
        const back = gaussJordanInverse(naivePower(root, n, r), n);
        expect(maxAbsDifference(back, a) / scale, `n=${n} alpha=${alpha} beta=${beta} r=${r}`).toBeLessThan(tol);
      }
    }
  });

  it('the same holds for the coupled Newton root (r in {1, 2, 4, 8}, n = 10)', () => {
    for (const { n, alpha, beta } of cases.filter((c) => c.n === 10)) {
      const a = tridiagonal(n, alpha, beta);
      const scale = Math.max(...Array.from(a, Math.abs));
      for (const r of [1, 2, 4, 8]) {
        const { root, converged } = inverseRoot(a, n, { root: r, method: 'newton', tolerance: 1e-10 });
        expect(converged, `alpha=${alpha} beta=${beta} r=${r}`).toBe(true);
        const back = gaussJordanInverse(naivePower(root, n, r), n);
        expect(maxAbsDifference(back, a) / scale, `alpha=${alpha} beta=${beta} r=${r}`).toBeLessThan(1e-4);
      }
    }
  });
});

describe('pseudo-inverse', () => {
  it('of eigenvalues [1, 4, 0] with r = 2 is diag(1, 0.5, 0)', () => {
    const a = Float64Array.from([1, 0, 0, 0, 4, 0, 0, 0, 0]);
    const r = inverseRoot(a, 3, { root: 2, rankDeficiency: { mode: 'pseudo-inverse' } });
    expect(Array.from(r.root)).toEqual([1, 0, 0, 0, 0.5, 0, 0, 0, 0]);
    expect(r.converged).toBe(true);
    expect(r.residual).toBe(0);
  });
});
