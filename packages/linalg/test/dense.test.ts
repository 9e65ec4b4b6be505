/**
 * The dense helpers against plain loops: blocked matmul, symmetric rank-k update,
 * symmetric packing and trace scaling.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMatrix, gaussianMatrix, matmul as naiveMatmul, spdWithCondition, transpose } from '@shampoo-ts/testing';
import { matmul, packSymmetric, packedLength, symmetricRankKUpdate, traceScale, unpackSymmetric } from '@shampoo-ts/linalg';
import { EPS, maxAbsDifference } from './helpers.js';

/** |C - C_ref| <= k 2^-52 sum_l |a_il| |b_lj| entrywise (the standard dot-product error bound), checked via its max. */
function productBound(a: Float64Array, b: Float64Array, m: number, k: number, n: number): number {
  const absA = a.map(Math.abs);
  const absB = b.map(Math.abs);
  let worst = 0;
  const bound = naiveMatmul(absA, absB, m, k, n);
  for (const v of bound) worst = Math.max(worst, v);
  return 2 * k * EPS * worst + Number.MIN_VALUE;
}

describe('matmul', () => {
  it('random shapes (edges of the 4 x 2 register blocks included): equals the plain triple loop within the dot-product bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 19 }), fc.integer(), (m, k, n, seed) => {
        const a = gaussianMatrix(m, k, seed);
        const b = gaussianMatrix(k, n, seed + 1);
        expect(maxAbsDifference(matmul(a, b, m, k, n), naiveMatmul(a, b, m, k, n))).toBeLessThanOrEqual(productBound(a, b, m, k, n));
      }),
      { numRuns: 100 },
    );
  });

  it('larger sizes (130 x 67 times 67 x 129) and the out argument', () => {
    const a = gaussianMatrix(130, 67, 1);
    const b = gaussianMatrix(67, 129, 2);
    const out = new Float64Array(130 * 129).fill(NaN);
    const c = matmul(a, b, 130, 67, 129, out);
    expect(c).toBe(out);
    expect(maxAbsDifference(c, naiveMatmul(a, b, 130, 67, 129))).toBeLessThanOrEqual(productBound(a, b, 130, 67, 129));
  });

  it('rejects an out array that overlaps an input', () => {
    const a = new Float64Array(4);
    expect(() => matmul(a, a, 2, 2, 2, a)).toThrow(/out must not share memory/);
  });
});

describe('symmetricRankKUpdate', () => {
  it("C <- beta C + alpha G G^T ('left') and G^T G ('right'), exactly symmetric, matching plain products", () => {
    fc.assert(
      fc.property(
        arbMatrix({ maxRows: 12, maxCols: 12, maxAbs: 5 }),
        fc.constantFrom('left', 'right') as fc.Arbitrary<'left' | 'right'>,
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.constantFrom(0, 1, 0.9),
        (g, side, alpha, beta) => {
          const { rows, cols, data } = g;
          const d = side === 'left' ? rows : cols;
          const c0 = spdWithCondition({ n: d, cond: 10, seed: rows * 31 + cols }).a;
          const c = Float64Array.from(c0);
          const gram = side === 'left' ? naiveMatmul(data, transpose(data, rows, cols), rows, cols, rows) : naiveMatmul(transpose(data, rows, cols), data, cols, rows, cols);
          const out = symmetricRankKUpdate(c, data, rows, cols, { side, alpha, beta });
          expect(out).toBe(c);
          const expected = c0.map((v, i) => beta * v + alpha * gram[i]);
          const k = side === 'left' ? cols : rows;
          const scale = Math.max(...Array.from(data, Math.abs)) ** 2;
          expect(maxAbsDifference(out, expected)).toBeLessThanOrEqual(4 * (k + 2) * EPS * (Math.abs(alpha) * k * scale + 2));
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(out[i * d + j]).toBe(out[j * d + i]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('beta = 0 overwrites C even if it held NaN; defaults are alpha = beta = 1, side left', () => {
    const g = gaussianMatrix(3, 4, 7);
    const c = new Float64Array(9).fill(NaN);
    symmetricRankKUpdate(c, g, 3, 4, { beta: 0 });
    const again = symmetricRankKUpdate(Float64Array.from(c), g, 3, 4);
    expect(maxAbsDifference(again, c.map((v) => 2 * v))).toBeLessThan(1e-14);
  });
});

describe('symmetric packing', () => {
  it('pack then unpack is the identity on symmetric matrices, in float64 and float32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer(), (n, seed) => {
        const a = n === 0 ? new Float64Array(0) : spdWithCondition({ n, cond: 100, seed }).a;
        const p = packSymmetric(a, n);
        expect(p.length).toBe(packedLength(n));
        expect(p.length).toBe((n * (n + 1)) / 2);
        expect(unpackSymmetric(p, n)).toEqual(a);
        const p32 = Float32Array.from(p);
        const back = unpackSymmetric(p32, n);
        for (let i = 0; i < n * n; i++) expect(back[i]).toBe(Math.fround(a[i]));
      }),
      { numRuns: 40 },
    );
  });

  it('lays the upper triangle out row by row: entry (i, j), i <= j, at i n - i(i-1)/2 + j - i', () => {
    const n = 5;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 10 * Math.min(i, j) + Math.max(i, j);
    const p = packSymmetric(a, n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expect(p[i * n - (i * (i - 1)) / 2 + j - i]).toBe(10 * i + j);
  });
});

describe('traceScale', () => {
  it('divides by trace^exponent, so that trace(result) = trace^(1 - exponent)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer(), fc.double({ min: -2, max: 2, noNaN: true }), (n, seed, exponent) => {
        const m = spdWithCondition({ n, cond: 1e3, seed, scale: 7 });
        let t = 0;
        for (let i = 0; i < n; i++) t += m.a[i * n + i];
        const out = traceScale(m.a, n, exponent);
        let t2 = 0;
        for (let i = 0; i < n; i++) t2 += out[i * n + i];
        expect(Math.abs(t2 - Math.pow(t, 1 - exponent))).toBeLessThanOrEqual(1e-13 * Math.pow(t, 1 - exponent) * n);
        const factor = Math.pow(t, -exponent);
        for (let i = 0; i < n * n; i++) expect(Math.abs(out[i] - m.a[i] * factor)).toBeLessThanOrEqual(4 * EPS * Math.abs(m.a[i] * factor));
      }),
      { numRuns: 40 },
    );
  });

  it('minTrace clamps the trace from below: A * max(trace, minTrace)^(-exponent), for random SPD of many scales, and for a negative trace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer(), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.constantFrom(1e-12, 1e-6, 1, 1e3), (n, seed, exponent, scale) => {
        const m = spdWithCondition({ n, cond: 1e4, seed, scale });
        let t = 0;
        for (let i = 0; i < n; i++) t += m.a[i * n + i];
        for (const minTrace of [t / 10, 10 * t]) {
          const out = traceScale(m.a, n, exponent, minTrace);
          const factor = Math.pow(Math.max(t, minTrace), -exponent);
          for (let i = 0; i < n * n; i++) expect(Math.abs(out[i] - m.a[i] * factor)).toBeLessThanOrEqual(8 * EPS * Math.abs(m.a[i] * factor));
        }
      }),
      { numRuns: 40 },
    );
    // trace -1e-9 (rounding in a nearly singular factor) with minTrace 1e-4: scaled by 1e-4^(-1/2) = 100, not rejected
    const slightlyIndefinite = Float64Array.from([1e-9, 0, 0, -2e-9]);
    const scaled = traceScale(slightlyIndefinite, 2, 0.5, 1e-4);
    [1e-7, 0, 0, -2e-7].forEach((want, i) => expect(Math.abs(scaled[i] - want)).toBeLessThanOrEqual(4 * EPS * Math.abs(want)));
    expect(() => traceScale(slightlyIndefinite, 2, 0.5, -1)).toThrow(/traceScale: minTrace/);
  });

  it('default exponent 0.5; the zero matrix is returned unchanged (a copy)', () => {
    const a = Float64Array.from([4, 0, 0, 12]);
    expect(Array.from(traceScale(a, 2))).toEqual([1, 0, 0, 3]);
    const zero = new Float64Array(4);
    const out = traceScale(zero, 2);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    expect(out).not.toBe(zero);
  });
});
