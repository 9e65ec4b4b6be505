/**
 * The float32 on-device iterations against the float64 kernels on the same matrices.
 *
 * Tolerances, 3x the worst error measured with the one-off sweep in docs/linalg.md
 * (n in {4, 16, 48}, 4 seeds per condition number kappa, cpu backend):
 * - inverse 4th root: ||X32 - X64||_F / ||X64||_F <= 6e-7 + 9e-9 kappa (measured 1.8e-7 at
 *   kappa 1, 2.9e-5 at 1e4, 2.8e-3 at 1e6; most of it is rounding A to float32 alone);
 * - Newton-Schulz: <= 5e-6 + 5e-9 kappa(G) (measured 7.7e-7 at 1, 4.1e-6 at 1e3);
 * - QR step: eigenvectors (up to sign) <= 1e-6 + 1e-8 kappa (1.7e-7 at 10, 2.5e-4 at 1e5),
 *   Rayleigh quotients <= 1e-6 relative, off-diagonal ratio within 3e-6.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomOrthogonal, relativeError, spdWithCondition } from '@shampoo-ts/testing';
import {
  inverseRoot,
  newtonInverseRootTensor,
  newtonSchulz,
  newtonSchulzTensor,
  qrIterationEigenbasis,
  qrIterationStepTensor,
} from '@shampoo-ts/linalg';
import { basisDistanceUpToSigns, naivePower, withSingularValues } from './helpers.js';

const EPS32 = 2 ** -23;
const f32 = (a: Float64Array): tf.Tensor2D => tf.tensor2d(Float32Array.from(a), [Math.sqrt(a.length), Math.sqrt(a.length)]);
const read = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync());

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  // every test disposes what it created and what the functions returned: nothing may leak
  expect(tf.memory().numTensors).toBe(before);
});

describe('newtonInverseRootTensor', () => {
  it('matches the float64 root within 6e-7 + 9e-9 kappa (n 2..40, kappa 1..1e6, p = 4)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.double({ min: 0, max: 6, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (n, logCond, seed) => {
        const cond = 10 ** logCond;
        const m = spdWithCondition({ n, cond, seed });
        const input = f32(m.a);
        const t = newtonInverseRootTensor(input, { root: 4 });
        try {
          const x64 = inverseRoot(m.a, n, { root: 4 }).root;
          expect(relativeError(read(t.root), x64)).toBeLessThanOrEqual(6e-7 + 9e-9 * cond);
        } finally {
          tf.dispose([input, t.root, t.residual, t.activeIterations, t.iterationError]);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('reports an honest residual: within a factor 2 of max|A X^4 - I| recomputed in float64 from the returned X', () => {
    for (const cond of [1, 1e2, 1e4, 1e6]) {
      const n = 24;
      const m = spdWithCondition({ n, cond, seed: 5 });
      const input = f32(m.a);
      const t = newtonInverseRootTensor(input, { root: 4 });
      const a32 = read(input);
      const x = read(t.root);
      const x4 = naivePower(x, n, 4);
      let res64 = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a32[i * n + k] * x4[k * n + j];
          res64 = Math.max(res64, Math.abs(s - (i === j ? 1 : 0)));
        }
      }
      const residual = t.residual.dataSync()[0];
      const noise = 8 * n * EPS32;
      expect(residual, `cond ${cond}`).toBeLessThanOrEqual(2 * res64 + noise);
      expect(residual, `cond ${cond}`).toBeGreaterThanOrEqual(res64 / 2 - noise);
      tf.dispose([input, t.root, t.residual, t.activeIterations, t.iterationError]);
    }
  });

  it("the iteration's own error looks converged (<= 1e-6) at kappa 1e6 while the true residual is above 1e-2", () => {
    const m = spdWithCondition({ n: 32, cond: 1e6, seed: 3 });
    const input = f32(m.a);
    const t = newtonInverseRootTensor(input, { root: 4 });
    expect(t.iterationError.dataSync()[0]).toBeLessThanOrEqual(1e-6);
    expect(t.residual.dataSync()[0]).toBeGreaterThan(1e-2);
    expect(t.iterations).toBe(40);
    const active = t.activeIterations.dataSync()[0];
    expect(active).toBeGreaterThan(10);
    expect(active).toBeLessThan(40);
    tf.dispose([input, t.root, t.residual, t.activeIterations, t.iterationError]);
  });

  it('too few iterations show up in the residual, and epsilon gives the root of A + eps I', () => {
    const m = spdWithCondition({ n: 10, cond: 1e4, seed: 8 });
    const input = f32(m.a);
    const short = newtonInverseRootTensor(input, { root: 2, maxIterations: 3 });
    expect(short.residual.dataSync()[0]).toBeGreaterThan(0.1);
    const damped = newtonInverseRootTensor(input, { root: 2, epsilon: 1e-2 });
    const x64 = inverseRoot(m.a, 10, { root: 2, epsilon: 1e-2 }).root;
    expect(relativeError(read(damped.root), x64)).toBeLessThan(1e-5);
    tf.dispose([input, short.root, short.residual, short.activeIterations, short.iterationError]);
    tf.dispose([damped.root, damped.residual, damped.activeIterations, damped.iterationError]);
  });
});

describe('newtonSchulzTensor', () => {
  it('matches the float64 Newton-Schulz within 5e-6 + 5e-9 kappa(G), tall and wide', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, cols, logCond, seed) => {
          const k = Math.min(rows, cols);
          const s = Array.from({ length: k }, (_, i) => Math.pow(10, -logCond * (k === 1 ? 0 : i / (k - 1))));
          const g = withSingularValues(randomOrthogonal(rows, seed), s, randomOrthogonal(cols, seed + 1), rows, cols);
          const input = tf.tensor2d(Float32Array.from(g), [rows, cols]);
          const x = newtonSchulzTensor(input);
          try {
            expect(x.shape).toEqual([rows, cols]);
            expect(relativeError(read(x), newtonSchulz(g, rows, cols))).toBeLessThanOrEqual(5e-6 + 5e-9 * 10 ** logCond);
          } finally {
            tf.dispose([input, x]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('qrIterationStepTensor', () => {
  it('matches one float64 QR step: vectors up to sign, values and off-diagonal ratio (kappa 10..1e5)', () => {
    // kappa >= 10 keeps the log-spaced eigenvalues apart, so that the eigenvectors are determined
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.double({ min: 1, max: 5, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (n, logCond, seed) => {
        const cond = 10 ** logCond;
        const m = spdWithCondition({ n, cond, seed });
        const start = randomOrthogonal(n, seed + 7);
        const ref = qrIterationEigenbasis(m.a, n, start, { steps: 1 });
        const a = f32(m.a);
        const q = f32(start);
        const t = qrIterationStepTensor(a, q);
        try {
          expect(basisDistanceUpToSigns(read(t.vectors), ref.vectors, n)).toBeLessThanOrEqual(1e-6 + 1e-8 * cond);
          expect(relativeError(read(t.values), ref.values)).toBeLessThanOrEqual(1e-6);
          expect(Math.abs(t.offDiagonalRatio.dataSync()[0] - ref.offDiagonalRatio)).toBeLessThanOrEqual(3e-6);
          const values = read(t.values);
          for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
        } finally {
          tf.dispose([a, q, t.vectors, t.values, t.offDiagonalRatio]);
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe('tensor argument checks', () => {
  it('rank, dtype and squareness are checked without reading the data', () => {
    const wrongRank = tf.zeros([4]);
    const notSquare = tf.zeros([2, 3]);
    const ints = tf.zeros([2, 2], 'int32');
    const square2 = tf.zeros([2, 2]);
    const square3 = tf.zeros([3, 3]);
    try {
      expect(() => newtonInverseRootTensor(wrongRank as tf.Tensor2D, { root: 2 })).toThrow(/newtonInverseRootTensor: a must be rank 2, got shape \[4\]/);
      expect(() => newtonInverseRootTensor(notSquare as tf.Tensor2D, { root: 2 })).toThrow(/a must be square, got shape \[2, 3\]/);
      expect(() => newtonInverseRootTensor(ints as tf.Tensor2D, { root: 2 })).toThrow(/a must be float32, got int32/);
      expect(() => newtonInverseRootTensor(square2 as tf.Tensor2D, { root: 1.5 })).toThrow(/root must be an integer >= 1, got 1.5/);
      expect(() => qrIterationStepTensor(square2 as tf.Tensor2D, square3 as tf.Tensor2D)).toThrow(/q has shape \[3, 3\] but a is 2 x 2/);
      expect(() => newtonSchulzTensor(square2 as tf.Tensor2D, { steps: -1 })).toThrow(/steps must be an integer >= 0, got -1/);
    } finally {
      tf.dispose([wrongRank, notSquare, ints, square2, square3]);
    }
  });
});
