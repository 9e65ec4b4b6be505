/**
 * The WebAssembly products against the TypeScript kernels they replace: same results to
 * rounding (|difference| <= c k eps sum_p |a_ip||b_pj|, the standard dot-product bound),
 * and the symmetric ones exactly symmetric.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gaussianMatrix } from '@shampoo-ts/testing';
import { matmul } from '../src/matmul.js';
import { transpose } from '../src/matrixBasics.js';
import { congruenceWithDiagonal, symmetricRankKUpdate } from '../src/rankK.js';
import { congruenceWithDiagonalWasm, matmulWasm, symmetricRankKUpdateWasm } from '../src/wasm/index.js';

const EPS = 2 ** -52;

/**
 * Largest |C - D|_ij / (4 (k + 1) eps (|A| |B|)_ij) over all entries, with |A| |B| taken as
 * sum_p |a(i, p) b(p, j)| plus `extra(i, j)`; at most 1 when C and D agree to rounding.
 */
function worstProductError(
  c: Float64Array, d: Float64Array, m: number, n: number, k: number,
  a: (i: number, p: number) => number, b: (p: number, j: number) => number, extra: (i: number, j: number) => number = () => 0,
): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let bound = extra(i, j);
      for (let p = 0; p < k; p++) bound += Math.abs(a(i, p) * b(p, j));
      const diff = Math.abs(c[i * n + j] - d[i * n + j]);
      if (diff > 0) worst = Math.max(worst, diff / (4 * (k + 1) * EPS * bound));
    }
  }
  return worst;
}

function expectCloseProduct(c: Float64Array, d: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number): void {
  expect(worstProductError(c, d, m, n, k, (i, p) => a[i * k + p], (p, j) => b[p * n + j])).toBeLessThanOrEqual(1);
}

function expectExactlySymmetric(c: Float64Array, n: number): void {
  let asymmetric = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (c[i * n + j] !== c[j * n + i]) asymmetric++;
  expect(asymmetric).toBe(0);
}


const dims = fc.record({ m: fc.integer({ min: 0, max: 70 }), k: fc.integer({ min: 0, max: 70 }), n: fc.integer({ min: 0, max: 70 }), seed: fc.nat() });

describe('matmulWasm', () => {
  it('known answer: [[1,2,3],[4,5,6]] [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]', () => {
    const c = matmulWasm(Float64Array.from([1, 2, 3, 4, 5, 6]), Float64Array.from([7, 8, 9, 10, 11, 12]), 2, 3, 2);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('equals matmul for every shape up to 70 (partial 4x4 tiles, k = 0, empty)', () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const a = gaussianMatrix(m, k, seed);
        const b = gaussianMatrix(k, n, seed + 1);
        expectCloseProduct(matmulWasm(a, b, m, k, n), matmul(a, b, m, k, n), a, b, m, k, n);
      }),
      { numRuns: 60 },
    );
  });

  it('crosses every cache block (k > 256, n > 1024, m > 128) and writes into `out`, which may alias an operand', () => {
    const m = 130, k = 300, n = 1030;
    const a = gaussianMatrix(m, k, 1);
    const b = gaussianMatrix(k, n, 2);
    const out = new Float64Array(m * n).fill(NaN);
    expect(matmulWasm(a, b, m, k, n, out)).toBe(out);
    expectCloseProduct(out, matmul(a, b, m, k, n), a, b, m, k, n);
    const sq = gaussianMatrix(20, 20, 3);
    const expected = matmul(sq, sq, 20, 20, 20);
    matmulWasm(sq, sq, 20, 20, 20, sq);
    expectCloseProduct(sq, expected, gaussianMatrix(20, 20, 3), gaussianMatrix(20, 20, 3), 20, 20, 20);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => matmulWasm(new Float64Array(5), new Float64Array(6), 2, 3, 2)).toThrow(/matmulWasm: a has length 5/);
    expect(() => matmulWasm(new Float64Array(6), new Float64Array(6), 2, 3, -2)).toThrow(/matmulWasm: n must be a non-negative integer, got -2/);
    expect(() => matmulWasm(new Float64Array(6), Float64Array.from([1, 2, 3, Infinity, 5, 6]), 2, 3, 2)).toThrow(/matmulWasm: b\[1\]\[1\] is Infinity/);
  });
});

describe('symmetricRankKUpdateWasm', () => {
  it('equals symmetricRankKUpdate for both sides, alpha and beta, and is exactly symmetric', () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 90 }),
          cols: fc.integer({ min: 1, max: 90 }),
          side: fc.constantFrom('left' as const, 'right' as const),
          alpha: fc.constantFrom(1, 0.5, -2),
          beta: fc.constantFrom(0, 1, 0.9),
          seed: fc.nat(),
        }),
        ({ rows, cols, side, alpha, beta, seed }) => {
          const g = gaussianMatrix(rows, cols, seed);
          const d = side === 'left' ? rows : cols;
          const h = gaussianMatrix(d, d, seed + 1);
          const c0 = new Float64Array(d * d);
          for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) c0[i * d + j] = c0[j * d + i] = h[i * d + j];
          const cw = symmetricRankKUpdateWasm(c0.slice(), g, rows, cols, { side, alpha, beta });
          const cj = symmetricRankKUpdate(c0.slice(), g, rows, cols, { side, alpha, beta });
          expectExactlySymmetric(cw, d);
          const x = side === 'left' ? g : transpose(g, rows, cols);
          const k = side === 'left' ? cols : rows;
          const worst = worstProductError(cw, cj, d, d, k, (i, p) => alpha * x[i * k + p], (p, j) => x[j * k + p], (i, j) => Math.abs(beta * c0[i * d + j]));
          expect(worst).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('upper-triangle tiles only (gemmUpper): equals the naive G G^T across the 128-row and 1024-column blocks', () => {
    // m crosses GEMM_MC = 128 (row blocks that start mid-panel) and GEMM_NC = 1024 (a second
    // column panel, whose first strips lie below the diagonal); k crosses GEMM_KC = 256 once
    fc.assert(
      fc.property(
        fc.record({
          m: fc.oneof(fc.integer({ min: 120, max: 270 }), fc.constantFrom(1025, 1031)),
          k: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(259)),
          beta: fc.constantFrom(0, 0.5),
          seed: fc.nat(),
        }),
        ({ m, k, beta, seed }) => {
          if (m > 1000 && k > 6) k = 3; // keep the naive product small
          const g = gaussianMatrix(m, k, seed);
          const c0 = new Float64Array(m * m);
          for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) c0[i * m + j] = c0[j * m + i] = Math.cos(i + 2 * j);
          const cw = symmetricRankKUpdateWasm(c0.slice(), g, m, k, { side: 'left', alpha: 1, beta });
          expectExactlySymmetric(cw, m);
          const naive = new Float64Array(m * m);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < m; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += g[i * k + p] * g[j * k + p];
              naive[i * m + j] = s + beta * c0[i * m + j];
            }
          }
          const worst = worstProductError(cw, naive, m, m, k, (i, p) => g[i * k + p], (p, j) => g[j * k + p], (i, j) => Math.abs(beta * c0[i * m + j]));
          expect(worst).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('rejects bad input and leaves C untouched', () => {
    const c = new Float64Array(4);
    expect(() => symmetricRankKUpdateWasm(c, new Float64Array(6), 2, 3, { side: 'right' })).toThrow(/symmetricRankKUpdateWasm: c has length 4/);
    expect(() => symmetricRankKUpdateWasm(c, new Float64Array(6), 2, 3, { side: 'up' as 'left' })).toThrow(/symmetricRankKUpdateWasm: side/);
    expect(() => symmetricRankKUpdateWasm(c, Float64Array.from([1, 2, NaN, 4, 5, 6]), 2, 3)).toThrow(/g\[0\]\[2\] is NaN/);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });
});

describe('congruenceWithDiagonalWasm', () => {
  it('equals congruenceWithDiagonal (Q diag(w) Q^T) and is exactly symmetric, n up to 150', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.nat(), (n, seed) => {
        const q = gaussianMatrix(n, n, seed);
        const w = gaussianMatrix(1, n, seed + 1);
        const cw = congruenceWithDiagonalWasm(q, w, n);
        const cj = congruenceWithDiagonal(q, w, n);
        expectExactlySymmetric(cw, n);
        expect(worstProductError(cw, cj, n, n, n, (i, p) => q[i * n + p] * w[p], (p, j) => q[j * n + p])).toBeLessThanOrEqual(1);
      }),
      { numRuns: 25 },
    );
  });
});
