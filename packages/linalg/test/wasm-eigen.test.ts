/**
 * The WebAssembly eigensolver against two independent references: the TypeScript kernel
 * symmetricEigenJs (same algorithm family, different code) and the Jacobi oracle of
 * @shampoo-ts/testing (a different algorithm). Bounds are small multiples of n 2^-52,
 * the backward-stability level LAPACK's own tests use (their threshold is 30).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  arbClusteredSymmetric,
  arbLowRank,
  arbSpd,
  arbSymmetricMatrix,
  eigenResidual,
  gaussianMatrix,
  jacobiEigen,
  orthogonalityError,
} from '@shampoo-ts/testing';
import { symmetricEigenJs } from '../src/symmetricEigen.js';
import { linalgWasmSupported, symmetricEigenWasm } from '../src/wasm/index.js';

const EPS = 2 ** -52;

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/** ||v - s u||_2 for column `col` of two n x n matrices, s = sign(v . u): about the angle between them. */
function vectorDistance(v: Float64Array, u: Float64Array, n: number, col: number): number {
  let dot = 0;
  for (let i = 0; i < n; i++) dot += v[i * n + col] * u[i * n + col];
  const s = dot < 0 ? -1 : 1;
  let d = 0;
  for (let i = 0; i < n; i++) d += (v[i * n + col] - s * u[i * n + col]) ** 2;
  return Math.sqrt(d);
}

/** Everything a backward-stable eigensolver must satisfy, with constant c in c n eps. */
function expectBackwardStable(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array, c = 10): void {
  const tol = c * Math.max(n, 1) * EPS;
  expect(eigenResidual(a, vectors, values, n)).toBeLessThanOrEqual(tol);
  expect(orthogonalityError(vectors, n)).toBeLessThanOrEqual(tol);
  for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += values[j];
  expect(Math.abs(sum - trace(a, n))).toBeLessThanOrEqual(tol * Math.max(maxAbs(values), 1e-300) * Math.sqrt(n));
}

/** |lambda_j - mu_j| <= c n eps max|lambda| (Weyl: both are exact for nearby matrices). */
function expectSameValues(values: Float64Array, reference: ArrayLike<number>, n: number, c = 10): void {
  const tol = c * Math.max(n, 1) * EPS * Math.max(maxAbs(reference), Number.MIN_VALUE);
  for (let j = 0; j < n; j++) expect(Math.abs(values[j] - reference[j])).toBeLessThanOrEqual(tol);
}

describe('symmetricEigenWasm', () => {
  it('runs here: Node 20 has WebAssembly SIMD', () => {
    expect(linalgWasmSupported()).toBe(true);
  });

  it('known answers: diag(1, 4) and the 3x3 of docs/algorithms.md#known-answers', () => {
    const d = symmetricEigenWasm(Float64Array.from([4, 0, 0, 1]), 2);
    expect(Array.from(d.values)).toEqual([1, 4]);
    expect(Math.abs(d.vectors[1 * 2 + 0])).toBe(1); // eigenvector of 1 is e_2
    const a = Float64Array.from([1195, -944, -224, -944, 746, 177, -224, 177, 42]);
    const e = symmetricEigenWasm(a, 3);
    expectBackwardStable(a, 3, e.values, e.vectors);
    // A = B^-2 for B = A^(-1/2) = [[1,1,1],[1,2,-3],[1,-3,18]], so lambda_j(A) = 1 / mu(B)^2 in
    // reverse order (mu from the Jacobi oracle). cond(A) ~ 7e5 bounds the relative error of
    // lambda_min by ~ 7e5 * 3 eps. (the spec quotes [2.9009e-3, 0.17424, 1982.82], which
    // is off by ~2e-3 relative: the values are 2.89640e-3, 0.174124, 1982.823.)
    const mu = jacobiEigen(Float64Array.from([1, 1, 1, 1, 2, -3, 1, -3, 18]), 3).values;
    const expected = Array.from(mu, (m) => 1 / (m * m)).sort((x, y) => x - y);
    for (let j = 0; j < 3; j++) expect(Math.abs(e.values[j] / expected[j] - 1)).toBeLessThan(1e-9);
    expect(Math.abs(e.values[0] / 2.8964e-3 - 1)).toBeLessThan(1e-4);
  });

  it('SPD matrices, n in 1..48, condition 1..1e10: backward stable and equal to the Jacobi oracle', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 1, maxN: 48, minCond: 1, maxCond: 1e10 }), ({ n, a }) => {
        const r = symmetricEigenWasm(a, n);
        expectBackwardStable(a, n, r.values, r.vectors);
        expectSameValues(r.values, jacobiEigen(a, n).values, n);
      }),
      { numRuns: 40 },
    );
  });

  it('SPD matrices, n in 49..128, condition 1..1e10: backward stable and equal to the Jacobi oracle', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 49, maxN: 128, minCond: 1, maxCond: 1e10 }), ({ n, a }) => {
        const r = symmetricEigenWasm(a, n);
        expectBackwardStable(a, n, r.values, r.vectors);
        expectSameValues(r.values, jacobiEigen(a, n).values, n);
      }),
      { numRuns: 12 },
    );
  });

  it('agrees with symmetricEigenJs: values to n eps, vectors up to sign within the gap bound', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 1, maxN: 128, minCond: 1, maxCond: 1e10 }), ({ n, a, eigenvalues, q }) => {
        const w = symmetricEigenWasm(a, n);
        const j = symmetricEigenJs(a, n);
        expectSameValues(w.values, j.values, n);
        // Each computed eigenvector is within c n eps ||A|| / gap_j of the exact one (Davis-Kahan);
        // the log-spaced spectrum of arbSpd has distinct eigenvalues.
        const norm = eigenvalues[n - 1];
        for (let col = 0; col < n; col++) {
          let gap = Infinity;
          if (col > 0) gap = Math.min(gap, eigenvalues[col] - eigenvalues[col - 1]);
          if (col < n - 1) gap = Math.min(gap, eigenvalues[col + 1] - eigenvalues[col]);
          if (gap === 0) continue;
          const bound = Math.min(2, (20 * n * EPS * norm) / gap) + 1e-14;
          expect(vectorDistance(w.vectors, q, n, col)).toBeLessThanOrEqual(bound);
          expect(vectorDistance(j.vectors, q, n, col)).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('indefinite symmetric matrices (fast-check entries, edge values included)', () => {
    fc.assert(
      fc.property(arbSymmetricMatrix({ minN: 1, maxN: 70, maxAbs: 1e3 }), ({ n, a }) => {
        const r = symmetricEigenWasm(a, n);
        expectBackwardStable(a, n, r.values, r.vectors);
        expectSameValues(r.values, symmetricEigenJs(a, n).values, n);
      }),
      { numRuns: 40 },
    );
  });

  it('low rank plus ridge (heavy deflation in the merges), n up to 128', () => {
    fc.assert(
      fc.property(arbLowRank({ minN: 1, maxN: 128 }), ({ n, a }) => {
        const r = symmetricEigenWasm(a, n);
        expectBackwardStable(a, n, r.values, r.vectors);
        expectSameValues(r.values, symmetricEigenJs(a, n).values, n);
      }),
      { numRuns: 30 },
    );
  });

  it('repeated and nearly repeated eigenvalues (exact ties, and clusters spread by 1e-9)', () => {
    for (const spread of [0, 1e-9]) {
      fc.assert(
        fc.property(arbClusteredSymmetric({ minN: 1, maxN: 128, maxClusters: 4, spread }), ({ n, a, eigenvalues }) => {
          const r = symmetricEigenWasm(a, n);
          expectBackwardStable(a, n, r.values, r.vectors);
          expectSameValues(r.values, eigenvalues, n, 20);
        }),
        { numRuns: 15 },
      );
    }
  });

  it('structured matrices: zero, identity, diagonal, and glued Wilkinson matrices', () => {
    const zero = symmetricEigenWasm(new Float64Array(50 * 50), 50);
    expect(maxAbs(zero.values)).toBe(0);
    expect(orthogonalityError(zero.vectors, 50)).toBeLessThanOrEqual(50 * EPS);

    const n = 70;
    const id = new Float64Array(n * n);
    for (let i = 0; i < n; i++) id[i * n + i] = 1;
    const ri = symmetricEigenWasm(id, n);
    for (const v of ri.values) expect(v).toBe(1);
    expectBackwardStable(id, n, ri.values, ri.vectors);

    const diag = new Float64Array(n * n);
    const entries = gaussianMatrix(1, n, 7);
    for (let i = 0; i < n; i++) diag[i * n + i] = entries[i];
    const rd = symmetricEigenWasm(diag, n);
    expect(Array.from(rd.values)).toEqual(Array.from(entries).sort((x, y) => x - y));
    expectBackwardStable(diag, n, rd.values, rd.vectors);

    // Six copies of Wilkinson's W21+ (pairs of eigenvalues equal to ~1e-14) glued by 1e-10:
    // the classic hard case for tridiagonal divide and conquer.
    const m = 21, copies = 6, N = m * copies;
    const w = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      w[i * N + i] = Math.abs(((i % m) - (m - 1) / 2));
      if (i + 1 < N) {
        const off = (i + 1) % m === 0 ? 1e-10 : 1;
        w[i * N + i + 1] = off;
        w[(i + 1) * N + i] = off;
      }
    }
    const rw = symmetricEigenWasm(w, N);
    expectBackwardStable(w, N, rw.values, rw.vectors);
    expectSameValues(rw.values, jacobiEigen(w, N).values, N);
  });

  it('a larger size: four divide-and-conquer levels, merges and GEMMs past the 256 block, blocked back-transformation', () => {
    for (const n of [300]) {
      const g = gaussianMatrix(n, n, n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g[i * n + j] + g[j * n + i];
      const r = symmetricEigenWasm(a, n);
      expectBackwardStable(a, n, r.values, r.vectors, 4);
      expectSameValues(r.values, symmetricEigenJs(a, n).values, n);
    }
  });

  it('blocked back-transformation (n > 192: compact-WY blocks of 32, a partial last block): SPD matrices of condition 1..1e10 stay backward stable', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 193, maxN: 260, maxCond: 1e10 }), (m) => {
        const r = symmetricEigenWasm(m.a, m.n);
        expectBackwardStable(m.a, m.n, r.values, r.vectors, 4);
        expectSameValues(r.values, Float64Array.from(m.eigenvalues).sort(), m.n);
      }),
      { numRuns: 6 },
    );
  });

  it('is exactly homogeneous under powers of two, from 2^-990 to 2^1000 (no overflow or underflow)', () => {
    const n = 40;
    const g = gaussianMatrix(n, n, 3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g[i * n + j];
    const ref = symmetricEigenWasm(a, n);
    for (const k of [-990, -300, 300, 1000]) {
      const s = 2 ** k;
      const r = symmetricEigenWasm(a.map((x) => x * s), n);
      expect(Array.from(r.values)).toEqual(Array.from(ref.values, (v) => v * s));
      expect(Array.from(r.vectors)).toEqual(Array.from(ref.vectors));
    }
  });

  it('decomposes (A + A^T)/2 when A is asymmetric within the tolerance: exactly the symmetric part\'s result', () => {
    const n = 50;
    const g = gaussianMatrix(n, n, 9);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i] + (i < j ? 1e-9 : 0);
    const sym = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
    const r = symmetricEigenWasm(a, n);
    const s = symmetricEigenWasm(sym, n);
    expect(Array.from(r.values)).toEqual(Array.from(s.values));
    expect(Array.from(r.vectors)).toEqual(Array.from(s.vectors));
  });

  it('rejects bad input with a message naming the argument, and never modifies the input', () => {
    expect(() => symmetricEigenWasm(new Float64Array(5), 2)).toThrow(/symmetricEigenWasm: a has length 5/);
    expect(() => symmetricEigenWasm(new Float64Array(4), 1.5)).toThrow(/symmetricEigenWasm: n must be a non-negative integer, got 1.5/);
    expect(() => symmetricEigenWasm(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(/symmetricEigenWasm: a\[0\]\[1\] is NaN/);
    expect(() => symmetricEigenWasm(Float64Array.from([1, 2, 3, 1]), 2)).toThrow(/symmetricEigenWasm: a/);
    const a = Float64Array.from([2, 1 + 1e-9, 1, 3]);
    const copy = a.slice();
    symmetricEigenWasm(a, 2);
    expect(Array.from(a)).toEqual(Array.from(copy));
    expect(symmetricEigenWasm(new Float64Array(0), 0).values.length).toBe(0);
    // beyond a 32-bit address space: refused before anything else is looked at
    expect(() => symmetricEigenWasm(new Float64Array(4), 11000)).toThrow(/symmetricEigenWasm: n = 11000 needs 4\.5 GiB of WebAssembly memory/);
  });
});
