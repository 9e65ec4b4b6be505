/**
 * Newton-Schulz and the exact polar factor.
 *
 * The band Muon's quintic promises is computed here from the polynomial itself: iterating
 * p(s) = 3.4445 s - 4.7750 s^3 + 2.0315 s^5 five times over a fine log grid of
 * s in [0.01, 1] gives min 0.6818 and max 1.1344 (docs/linalg.md); a singular value of
 * G / ||G||_F of at least 0.01 lands in that band.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianMatrix, matmul, orthogonalityError, randomOrthogonal, transpose } from '@shampoo-ts/testing';
import { MUON_COEFFICIENTS, newtonSchulz, polarFactor } from '@shampoo-ts/linalg';
import { EPS, maxAbsDifference, singularValues, withSingularValues } from './helpers.js';

const [A, B, C] = MUON_COEFFICIENTS;
const quintic = (s: number): number => A * s + B * s ** 3 + C * s ** 5;
const quinticSteps = (s: number, steps: number): number => {
  for (let i = 0; i < steps; i++) s = quintic(s);
  return s;
};

/** [min, max] of p^steps over s in [from, 1] (log grid of 20001 points). */
function band(from: number, steps: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i <= 20000; i++) {
    const v = quinticSteps(from * Math.pow(1 / from, i / 20000), steps);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** A rows x cols matrix with prescribed singular values (descending) and random singular vectors. */
const arbWithSpectrum = fc
  .record({
    rows: fc.integer({ min: 1, max: 24 }),
    cols: fc.integer({ min: 1, max: 24 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    logCond: fc.double({ min: 0, max: 1.5, noNaN: true }),
    scale: fc.constantFrom(1e-3, 1, 1e4),
  })
  .map(({ rows, cols, seed, logCond, scale }) => {
    const k = Math.min(rows, cols);
    const s = Array.from({ length: k }, (_, i) => scale * Math.pow(10, -logCond * (k === 1 ? 0 : i / (k - 1))));
    const g = withSingularValues(randomOrthogonal(rows, seed), s, randomOrthogonal(cols, seed + 1), rows, cols);
    return { rows, cols, s, g };
  });

describe('newtonSchulz', () => {
  it('maps each singular value s to p^5(s / ||G||_F) (it is a polynomial in G), tall and wide', () => {
    fc.assert(
      fc.property(arbWithSpectrum, ({ rows, cols, s, g }) => {
        const x = newtonSchulz(g, rows, cols);
        const fro = Math.sqrt(s.reduce((acc, v) => acc + v * v, 0));
        const expected = s.map((v) => quinticSteps(v / fro, 5)).sort((p, q) => q - p);
        const got = singularValues(x, rows, cols).slice(0, s.length);
        for (let i = 0; i < s.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('puts every singular value of G with s / ||G||_F >= 0.01 in the band computed from the quintic', () => {
    const [lo, hi] = band(0.01, 5);
    expect(lo).toBeCloseTo(0.6818, 3);
    expect(hi).toBeCloseTo(1.1344, 3);
    fc.assert(
      fc.property(arbWithSpectrum, ({ rows, cols, s, g }) => {
        const fro = Math.sqrt(s.reduce((acc, v) => acc + v * v, 0));
        fc.pre(s[s.length - 1] / fro >= 0.01);
        const got = singularValues(newtonSchulz(g, rows, cols), rows, cols).slice(0, s.length);
        for (const v of got) {
          expect(v).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(v).toBeLessThanOrEqual(hi + 1e-9);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('wide input gives the transpose of the tall computation', () => {
    const g = gaussianMatrix(5, 11, 2);
    expect(maxAbsDifference(newtonSchulz(g, 5, 11), transpose(newtonSchulz(transpose(g, 5, 11), 11, 5), 11, 5))).toBeLessThan(1e-14);
  });

  it('coefficients (1.5, -0.5, 0) give the cubic iteration, converging to the polar factor with enough steps', () => {
    const g = withSingularValues(randomOrthogonal(8, 1), [3, 2, 1, 0.5, 0.4], randomOrthogonal(5, 2), 8, 5);
    // cubic Newton-Schulz converges for singular values of G / ||G||_F in (0, sqrt 3)
    const x = newtonSchulz(g, 8, 5, { coefficients: [1.5, -0.5, 0], steps: 40 });
    expect(maxAbsDifference(x, polarFactor(g, 8, 5))).toBeLessThan(1e-12);
  });

  it('the zero matrix maps to zero (normalised by epsilon, not by 0)', () => {
    expect(Array.from(newtonSchulz(new Float64Array(6), 2, 3))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('polarFactor', () => {
  it('equals U V^T for G = U S V^T, orthonormal columns (rows), for any shape and condition up to 1e6', () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 20 }),
          cols: fc.integer({ min: 1, max: 20 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
          logCond: fc.double({ min: 0, max: 6, noNaN: true }),
        }),
        ({ rows, cols, seed, logCond }) => {
          const k = Math.min(rows, cols);
          const s = Array.from({ length: k }, (_, i) => Math.pow(10, -logCond * (k === 1 ? 0 : i / (k - 1))));
          const u = randomOrthogonal(rows, seed);
          const v = randomOrthogonal(cols, seed + 1);
          const g = withSingularValues(u, s, v, rows, cols);
          const x = polarFactor(g, rows, cols);
          const expected = withSingularValues(u, new Array(k).fill(1), v, rows, cols);
          // the singular vectors of s_i are determined to about 2^-52 / (gap relative to s_max)
          expect(maxAbsDifference(x, expected)).toBeLessThan(1e-9 * Math.max(1, 10 ** logCond) ** 0.5 + 1e-12);
          const tall = rows >= cols;
          expect(orthogonalityError(tall ? x : transpose(x, rows, cols), tall ? rows : cols, k)).toBeLessThan(16 * Math.max(rows, cols) * EPS);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rank-deficient G: the partial isometry U_r V_r^T (zero on the null space), G = 0 gives 0', () => {
    const u = randomOrthogonal(9, 4);
    const v = randomOrthogonal(6, 5);
    const g = withSingularValues(u, [4, 2, 1, 0, 0, 0], v, 9, 6);
    const x = polarFactor(g, 9, 6);
    expect(maxAbsDifference(x, withSingularValues(u, [1, 1, 1, 0, 0, 0], v, 9, 6))).toBeLessThan(1e-12);
    const sv = singularValues(x, 9, 6);
    expect(sv.filter((s) => s > 0.5).length).toBe(3);
    // X^T G = V S V^T (symmetric PSD): the defining property of the polar factor
    const xtg = matmul(transpose(x, 9, 6), g, 6, 9, 6);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(Math.abs(xtg[i * 6 + j] - xtg[j * 6 + i])).toBeLessThan(1e-12);
    expect(Array.from(polarFactor(new Float64Array(12), 3, 4))).toEqual(new Array(12).fill(0));
  });
});
