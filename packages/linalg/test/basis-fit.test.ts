/**
 * basisFit: the eigenvalue estimate B = Q^T (A + shift I) Q of a previous basis and the
 * refresh criterion ||offdiag(B)||_F / ||B||_F, which equals ||A - Q diag(B) Q^T||_F / ||A||_F.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromEigenpairs, matmul, randomOrthogonal, spdWithCondition, transpose } from '@shampoo-ts/testing';
import { basisFit } from '@shampoo-ts/linalg';

describe('basisFit', () => {
  it('the ratio is the relative error of Q diag(B) Q^T as an approximation of A + shift I; 0 for the exact basis', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(0, 0.5), (n, seed, shift) => {
        const a = spdWithCondition({ n, cond: 50, seed }).a;
        const q = randomOrthogonal(n, seed + 7);
        const fit = basisFit(a, n, q, shift);
        const shifted = a.map((v, k) => (k % (n + 1) === 0 ? v + shift : v));
        const approx = fromEigenpairs(q, fit.diagonal, n);
        const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
        const want = norm(shifted.map((v, k) => v - approx[k])) / norm(shifted);
        expect(Math.abs(fit.offDiagonalRatio - want)).toBeLessThanOrEqual(1e-12);
        const b = matmul(transpose(q, n, n), matmul(shifted, q, n, n, n), n, n, n);
        fit.diagonal.forEach((d, i) => expect(Math.abs(d - b[i * (n + 1)])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(d))));
        const exact = spdWithCondition({ n, cond: 50, seed });
        expect(basisFit(exact.a, n, exact.q).offDiagonalRatio).toBeLessThanOrEqual(1e-13);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects a basis of the wrong size, naming it', () => {
    expect(() => basisFit(new Float64Array(4), 2, new Float64Array(3))).toThrow(/basisFit.*q/);
  });
});
