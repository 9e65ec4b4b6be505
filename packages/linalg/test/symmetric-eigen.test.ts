/**
 * The TypeScript eigensolver over random matrices, against the Jacobi oracle of
 * @shampoo-ts/testing. Accuracy constants (measured with
 * `npx tsx packages/linalg/scripts/measure-accuracy.mts 200`): ||V^T V - I||_F <= 4.2 n 2^-52
 * and ||A V - V L||_F / ||A||_F <= 0.9 n 2^-52 over 200 SPD matrices, n 1..128, cond 1..1e10;
 * the tests allow 3x that (ORTH = 12, RES = 3).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbClusteredSymmetric,
  arbSpd,
  arbSymmetricMatrix,
  eigenResidual,
  jacobiEigen,
  orthogonalityError,
  spdWithCondition,
} from '@shampoo-ts/testing';
import { symmetricEigen, symmetricEigenJs } from '@shampoo-ts/linalg';
import { EPS } from './helpers.js';

const ORTH = 12;
const RES = 3;

function checkDecomposition(a: Float64Array, n: number): void {
  const { values, vectors, n: m } = symmetricEigenJs(a, n);
  expect(m).toBe(n);
  expect(values.length).toBe(n);
  expect(vectors.length).toBe(n * n);
  const scale = Math.max(1, n);
  expect(orthogonalityError(vectors, n)).toBeLessThanOrEqual(ORTH * scale * EPS);
  expect(eigenResidual(a, vectors, values, n)).toBeLessThanOrEqual(RES * scale * EPS);
  for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  let trace = 0;
  let sum = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    trace += a[i * n + i];
    sum += values[i];
    abs += Math.abs(values[i]);
  }
  expect(Math.abs(trace - sum)).toBeLessThanOrEqual(4 * scale * EPS * Math.max(abs, Number.MIN_VALUE));
}

describe('symmetricEigenJs', () => {
  it('random SPD, n 1..128, cond 1..1e10: orthogonal, small residual, ascending, sum = trace, eigenvalues as built', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 1, maxN: 128, minCond: 1, maxCond: 1e10 }), (m) => {
        checkDecomposition(m.a, m.n);
        const { values } = symmetricEigenJs(m.a, m.n);
        // Weyl: |lambda_i - lambda_i(exact)| <= ||E||_2, with ||E|| a few n 2^-52 ||A|| (forming A and the solver).
        for (let i = 0; i < m.n; i++) {
          expect(Math.abs(values[i] - m.eigenvalues[i])).toBeLessThanOrEqual(8 * m.n * EPS * m.scale);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the largest sizes and conditions explicitly (n = 128, cond 1, 1e5, 1e10)', () => {
    for (const cond of [1, 1e5, 1e10]) checkDecomposition(spdWithCondition({ n: 128, cond, seed: 7 }).a, 128);
  });

  it('indefinite symmetric matrices with arbitrary entries: same guarantees, eigenvalues match Jacobi', () => {
    fc.assert(
      fc.property(arbSymmetricMatrix({ minN: 1, maxN: 24, maxAbs: 1e3 }), ({ n, a }) => {
        const big = Math.max(0, ...Array.from(a, Math.abs));
        fc.pre(big === 0 || big > 1e-290);
        checkDecomposition(a, n);
        const ours = symmetricEigenJs(a, n).values;
        const oracle = jacobiEigen(a, n).values;
        let norm = 0;
        for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(a[i]));
        for (let i = 0; i < n; i++) expect(Math.abs(ours[i] - oracle[i])).toBeLessThanOrEqual(16 * n * n * EPS * norm + Number.MIN_VALUE);
      }),
      { numRuns: 60 },
    );
  });

  it('entries of any magnitude (1e-250 to 1e300, zeros and mixed scales): same guarantees, no overflow or stalling', () => {
    for (const maxAbs of [1e-250, 1e300]) {
      fc.assert(
        fc.property(arbSymmetricMatrix({ minN: 1, maxN: 16, maxAbs }), ({ n, a }) => {
          const big = Math.max(0, ...Array.from(a, Math.abs));
          // all-subnormal matrices (every entry below 1e-290) have eigenvalues that are not representable to relative precision
          fc.pre(big === 0 || big > 1e-290);
          checkDecomposition(a, n);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('repeated eigenvalues (exact multiplicities): still orthonormal vectors spanning each eigenspace', () => {
    fc.assert(
      fc.property(arbClusteredSymmetric({ minN: 2, maxN: 40, maxClusters: 3 }), (m) => {
        checkDecomposition(m.a, m.n);
        const { values } = symmetricEigenJs(m.a, m.n);
        for (let i = 0; i < m.n; i++) expect(Math.abs(values[i] - m.eigenvalues[i])).toBeLessThanOrEqual(8 * m.n * EPS * m.eigenvalues[m.n - 1]);
      }),
      { numRuns: 30 },
    );
  });

  it('the identity, a scalar multiple of it and the zero matrix (one eigenvalue of multiplicity n)', () => {
    for (const n of [1, 5, 64]) {
      for (const c of [0, 1, -3.5]) {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) a[i * n + i] = c;
        const { values, vectors } = symmetricEigenJs(a, n);
        expect(Array.from(values)).toEqual(new Array(n).fill(c));
        expect(orthogonalityError(vectors, n)).toBeLessThanOrEqual(ORTH * n * EPS);
      }
    }
  });

  it('n = 0 gives empty results; n = 1 gives [a] and [1]', () => {
    expect(symmetricEigenJs(new Float64Array(0), 0)).toEqual({ n: 0, values: new Float64Array(0), vectors: new Float64Array(0) });
    const one = symmetricEigenJs(Float64Array.of(-2.5), 1);
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(Array.from(one.vectors)).toEqual([1]);
  });

  it('is invariant to scaling: eig(s A) = s eig(A) for s a power of two (exact in floating point)', () => {
    const m = spdWithCondition({ n: 30, cond: 1e4, seed: 3 });
    const base = symmetricEigenJs(m.a, 30);
    for (const s of [2 ** -600, 2 ** 500]) {
      const scaled = symmetricEigenJs(m.a.map((v) => v * s), 30);
      for (let i = 0; i < 30; i++) expect(scaled.values[i]).toBe(base.values[i] * s);
    }
  });

  it('does not modify its input and accepts asymmetry within symmetryTolerance (using (A + A^T)/2)', () => {
    const m = spdWithCondition({ n: 6, cond: 10, seed: 1 });
    const a = Float64Array.from(m.a);
    a[1] += 1e-9; // |a01 - a10| = 1e-9 <= 1e-6 * max|a|
    const copy = Float64Array.from(a);
    const { values, vectors } = symmetricEigenJs(a, 6);
    expect(a).toEqual(copy);
    const sym = Float64Array.from(a);
    sym[1] = sym[6] = (a[1] + a[6]) / 2;
    expect(eigenResidual(sym, vectors, values, 6)).toBeLessThan(RES * 6 * EPS);
  });

  it("the dispatcher with kernel 'js' gives the TypeScript result bit for bit", () => {
    const m = spdWithCondition({ n: 20, cond: 100, seed: 2 });
    const js = symmetricEigenJs(m.a, 20);
    const r = symmetricEigen(m.a, 20, { kernel: 'js' });
    expect(r.values).toEqual(js.values);
    expect(r.vectors).toEqual(js.vectors);
  });
});
