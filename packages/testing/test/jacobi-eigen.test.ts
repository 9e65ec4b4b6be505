import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  arbSpd,
  arbSymmetricMatrix,
  eigenResidual,
  fromEigenpairs,
  jacobiEigen,
  matmul,
  matrixFromRows,
  orthogonalityError,
  relativeError,
} from '@shampoo-ts/testing';

const EPS = Number.EPSILON;

describe('jacobiEigen: known answers', () => {
  it('diag(1, 4) has eigenvalues [1, 4] and the unit vectors as eigenvectors', () => {
    const { values, vectors } = jacobiEigen(matrixFromRows([[4, 0], [0, 1]]), 2);
    expect(Array.from(values)).toEqual([1, 4]);
    expect(Array.from(vectors).map(Math.abs)).toEqual([0, 1, 1, 0]);
  });

  it('the 3x3 matrix of docs/algorithms.md#known-answers: eigenvalues and A^(-1/2)', () => {
    const a = matrixFromRows([[1195, -944, -224], [-944, 746, 177], [-224, 177, 42]]);
    const { values, vectors } = jacobiEigen(a, 3);
    // The spec quotes these "about" values; they are rounded loosely (LAPACK's dsyevd via
    // numpy gives 2.896398e-3, 0.1741237, 1982.8230), so compare within 2e-3 relative ...
    const expected = [2.9009e-3, 0.17424, 1982.82];
    values.forEach((v, i) => expect(Math.abs(v - expected[i]) / expected[i]).toBeLessThan(2e-3));
    // ... and check them exactly through A = X^(-2) with X the integer matrix below:
    // A^(-1/2) = V diag(lambda^(-1/2)) V^T is the integer matrix given in the spec.
    const root = fromEigenpairs(vectors, values.map((l) => l ** -0.5), 3);
    const known = matrixFromRows([[1, 1, 1], [1, 2, -3], [1, -3, 18]]);
    expect(relativeError(root, known)).toBeLessThan(1e-9);
  });

  it('a 2x2 rotation-invariant case: [[2, 1], [1, 2]] has eigenvalues 1 and 3', () => {
    const { values, vectors } = jacobiEigen(matrixFromRows([[2, 1], [1, 2]]), 2);
    expect(values[0]).toBeCloseTo(1, 15);
    expect(values[1]).toBeCloseTo(3, 15);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('the zero matrix and n = 0 are handled', () => {
    expect(Array.from(jacobiEigen(new Float64Array(9), 3).values)).toEqual([0, 0, 0]);
    expect(jacobiEigen(new Float64Array(0), 0).values.length).toBe(0);
  });
});

describe('jacobiEigen: properties over random symmetric matrices', () => {
  it('residual, orthogonality, ascending order and trace', () => {
    fc.assert(
      fc.property(arbSymmetricMatrix({ maxN: 12, maxAbs: 100 }), ({ n, a }) => {
        const { values, vectors } = jacobiEigen(a, n);
        expect(eigenResidual(a, vectors, values, n)).toBeLessThan(10 * n * EPS);
        expect(orthogonalityError(vectors, n)).toBeLessThan(10 * n * EPS);
        for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
        let trace = 0;
        let sum = 0;
        let scale = 0;
        for (let i = 0; i < n; i++) {
          trace += a[i * n + i];
          sum += values[i];
          scale = Math.max(scale, Math.abs(values[i]));
        }
        expect(Math.abs(trace - sum)).toBeLessThanOrEqual(10 * n * EPS * Math.max(scale, 1e-300));
      }),
    );
  });

  it('recovers the known spectrum of ill-conditioned SPD matrices (n up to 40, cond up to 1e10)', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 40 }), ({ n, a, eigenvalues }) => {
        const { values, vectors } = jacobiEigen(a, n);
        expect(eigenResidual(a, vectors, values, n)).toBeLessThan(10 * n * EPS);
        // Weyl: forming A in float64 moves each eigenvalue by O(n eps ||A||), here ||A||_2 = 1.
        for (let i = 0; i < n; i++) expect(Math.abs(values[i] - eigenvalues[i])).toBeLessThan(10 * n * EPS);
      }),
      { numRuns: 30 },
    );
  });

  it('A V = V diag(values) reconstructs A', () => {
    fc.assert(
      fc.property(arbSymmetricMatrix({ maxN: 8 }), ({ n, a }) => {
        const { values, vectors } = jacobiEigen(a, n);
        const back = fromEigenpairs(vectors, values, n);
        let scale = 0;
        for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
        for (let i = 0; i < n * n; i++) expect(Math.abs(back[i] - a[i])).toBeLessThanOrEqual(20 * n * EPS * scale);
        // and V^T V = I through the plain matmul helper as well
        const vt = Float64Array.from({ length: n * n }, (_, k) => vectors[(k % n) * n + Math.floor(k / n)]);
        const vtv = matmul(vt, vectors, n, n, n);
        for (let i = 0; i < n; i++) expect(vtv[i * n + i]).toBeCloseTo(1, 13);
      }),
    );
  });
});

describe('jacobiEigen: bad input', () => {
  it('rejects a non-symmetric matrix, naming the asymmetry and the tolerance', () => {
    expect(() => jacobiEigen(matrixFromRows([[1, 2], [0, 1]]), 2)).toThrow(/not symmetric.*symmetryTol = 1e-10/);
  });
  it('rejects NaN, naming the index', () => {
    expect(() => jacobiEigen(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(/a\[1\] is NaN/);
  });
  it('rejects a wrong length and a bad n', () => {
    expect(() => jacobiEigen(new Float64Array(5), 2)).toThrow(/length 5; allowed: 2 x 2 = 4/);
    expect(() => jacobiEigen(new Float64Array(4), 1.5)).toThrow(/n is 1.5/);
  });
  it('does not change its input', () => {
    const a = matrixFromRows([[2, 1], [1, 2]]);
    const copy = a.slice();
    jacobiEigen(a, 2);
    expect(a).toEqual(copy);
  });
});
