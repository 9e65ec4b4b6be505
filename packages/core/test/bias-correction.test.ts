/** biasCorrection, the one helper behind Adam's, grafting's and Shampoo's factor bias corrections. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { biasCorrection } from '@shampoo-ts/core/authoring';

describe('biasCorrection', () => {
  it('known answers: 1 - 0.9^2 = 0.19; 1 for beta = 1 or when disabled', () => {
    expect(biasCorrection(0.9, 2)).toBeCloseTo(0.19, 15);
    expect(biasCorrection(0.5, 3)).toBe(0.875);
    expect(biasCorrection(1, 7)).toBe(1);
    expect(biasCorrection(0.9, 7, false)).toBe(1);
  });

  it('makes the EMA of a constant started at 0 equal to the constant (float64 recurrence)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 60 }), fc.double({ min: -10, max: 10, noNaN: true }), (beta, t, x) => {
        let m = 0;
        for (let i = 0; i < t; i++) m = beta * m + (1 - beta) * x;
        expect(Math.abs(m / biasCorrection(beta, t) - x)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(x)));
      }),
    );
  });
});
