import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  arbMatrix,
  arbOrthogonal,
  arbSpd,
  assertPsd,
  assertSymmetric,
  eigenResidual,
  frobeniusNorm,
  identity,
  isSymmetric,
  matmul,
  matrixFromRows,
  matrixToRows,
  maxAbsDiff,
  orthogonalityError,
  psdCheck,
  relativeError,
  symmetryError,
  transpose,
} from '@shampoo-ts/testing';

describe('dense helpers', () => {
  it('matmul on a known product, and (A B)^T = B^T A^T on random matrices', () => {
    const p = matmul(matrixFromRows([[1, 2], [3, 4], [5, 6]]), matrixFromRows([[1, 0, 2], [0, 1, -1]]), 3, 2, 3);
    expect(matrixToRows(p, 3, 3)).toEqual([[1, 2, 0], [3, 4, 2], [5, 6, 4]]);
    fc.assert(
      fc.property(arbMatrix({ maxRows: 5, maxCols: 5 }), fc.integer({ min: 1, max: 5 }), ({ rows, cols, data }, k) => {
        const b = Float64Array.from({ length: cols * k }, (_, i) => Math.sin(i + 1));
        const left = transpose(matmul(data, b, rows, cols, k), rows, k);
        const right = matmul(transpose(b, cols, k), transpose(data, rows, cols), k, cols, rows);
        expect(maxAbsDiff(left, right)).toBeLessThanOrEqual(1e-15 * cols);
      }),
    );
  });
  it('frobeniusNorm: known value, no overflow, no underflow', () => {
    expect(frobeniusNorm([3, 4])).toBe(5);
    expect(frobeniusNorm([3e200, 4e200])).toBeCloseTo(5e200, -186);
    expect(frobeniusNorm([3e-200, 4e-200]) / 5e-200).toBeCloseTo(1, 14);
    expect(frobeniusNorm(identity(4))).toBe(2);
  });
  it('matrixFromRows rejects ragged rows and NaN', () => {
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(/row 1 has length 1; allowed: 2/);
    expect(() => matrixFromRows([[1, NaN]])).toThrow(/rows\[1\] is NaN/);
  });
});

describe('checkers detect what they claim to detect', () => {
  it('symmetry: exact value on a known matrix, and the assert names the worst entry', () => {
    const a = matrixFromRows([[1, 2], [2.5, 1]]);
    expect(symmetryError(a, 2)).toBeCloseTo(Math.sqrt(0.5) / Math.sqrt(1 + 4 + 6.25 + 1), 15);
    expect(isSymmetric(a, 2)).toBe(false);
    expect(isSymmetric(a, 2, 0.19)).toBe(false);
    expect(isSymmetric(a, 2, 0.21)).toBe(true);
    expect(() => assertSymmetric(a, 2, 0, 'A')).toThrow(/A is not symmetric.*\(0, 1\) = 2 vs \(1, 0\) = 2.5/);
    expect(() => assertSymmetric(identity(3), 3)).not.toThrow();
  });

  it('PSD: SPD matrices pass, and shifting by a bit more than lambda_min fails', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 10, maxCond: 1e6 }), ({ n, a, eigenvalues }) => {
        expect(psdCheck(a, n).ok).toBe(true);
        const shifted = a.slice();
        const shift = eigenvalues[0] + 1e-3;
        for (let i = 0; i < n; i++) shifted[i * n + i] -= shift;
        const r = psdCheck(shifted, n);
        expect(r.ok).toBe(false);
        expect(r.minEigenvalue).toBeCloseTo(-1e-3, 9);
        expect(() => assertPsd(shifted, n, undefined, 'shifted')).toThrow(/shifted is not positive semi-definite: lambda_min = -/);
      }),
    );
  });

  it('relativeError and maxAbsDiff on known values, with the reference second', () => {
    expect(relativeError([1, 1], [1, 0])).toBe(1);
    expect(relativeError([0, 0], [0, 0])).toBe(0);
    expect(relativeError([1, 0], [0, 0])).toBe(Infinity);
    expect(maxAbsDiff([1, -2, 3], [1, 2, 3.5])).toBe(4);
    expect(() => relativeError([1], [1, 2])).toThrow(/a has length 1 but b has length 2/);
    expect(() => maxAbsDiff([Infinity], [1])).toThrow(/a\[0\] is Infinity/);
  });

  it('orthogonalityError is 0 for I, and sqrt(n) * |s^2 - 1| for s Q', () => {
    expect(orthogonalityError(identity(5), 5)).toBe(0);
    fc.assert(
      fc.property(arbOrthogonal({ maxN: 12 }), fc.double({ min: 0.5, max: 2, noNaN: true }), ({ n, q }, s) => {
        const scaled = q.map((x) => s * x);
        expect(orthogonalityError(scaled, n)).toBeCloseTo(Math.sqrt(n) * Math.abs(s * s - 1), 12);
      }),
    );
  });

  it('orthogonalityError of a rectangular Q uses its columns', () => {
    expect(orthogonalityError(matrixFromRows([[1, 0], [0, 1], [0, 0]]), 3, 2)).toBe(0);
    // columns e1, e1: Q^T Q - I = [[0, 1], [1, 0]]
    expect(orthogonalityError(matrixFromRows([[1, 1], [0, 0], [0, 0]]), 3, 2)).toBeCloseTo(Math.SQRT2, 15);
  });

  it('eigenResidual is tiny for the true eigenpairs and large for wrong eigenvalues', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 12, maxCond: 1e3 }), ({ n, a, q, eigenvalues }) => {
        expect(eigenResidual(a, q, eigenvalues, n)).toBeLessThan(10 * n * Number.EPSILON);
        const wrong = eigenvalues.map((l, i) => (i === n - 1 ? 2 * l : l));
        // the residual is then ||lambda_max q_max||_F / ||A||_F
        expect(eigenResidual(a, q, wrong, n)).toBeCloseTo(eigenvalues[n - 1] / frobeniusNorm(eigenvalues), 10);
      }),
    );
  });
});
