/**
 * Root-solver parity with the reference (facebookresearch/optimizers, matrix_functions.py):
 * pseudo-inverse rank tolerances, perturbation before/after the eigendecomposition, relative
 * epsilon, coupled Newton / higher-order settings and the iteration limit, trace scaling.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { inverseRoot } from '@shampoo-ts/linalg';
import { arbSpd, gaussianMatrix, lowRankPlusRidge } from '@shampoo-ts/testing';
import {
  computeRoot,
  hostRootExecutor,
  preparedMatrix,
  scaleByShampoo,
  type RootRequest,
  type RootTask,
  type RootTaskSpec,
  type ShampooOptions,
  type ShampooState,
} from '@shampoo-ts/shampoo';
import { expectClose, matmul, symmetricPower } from './helpers.js';

const spec = (n: number, over: Partial<RootTaskSpec> = {}): RootTaskSpec => ({
  key: 'w#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0,
  exponent: 0.5, epsilon: 0, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, ...over,
});
const task = (a: ArrayLike<number>, n: number, over: Partial<RootTaskSpec> = {}): RootTask => ({ ...spec(n, over), factor: Float64Array.from(a) });

/** One step of scaleByShampoo on parameter `w` with gradient g; returns the direction and the state. */
function firstDirection(options: ShampooOptions, g: tf.Tensor) {
  const tx = scaleByShampoo(options);
  const w = tf.zerosLike(g);
  const state = tx.init({ w });
  const [u, next] = tx.update({ w: g }, state, { w });
  const direction = Array.from((u as { w: tf.Tensor }).w.dataSync());
  const failures = (next as ShampooState).blocks['w#0'].failures;
  disposeTree([state, next, u, w]);
  return { direction, failures };
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('pseudo-inverse rank tolerances (the reference PseudoInverseConfig)', () => {
  it('known answer: G = [[2, 0.3], [0.1, 2]] merged to g (4-vector), betas [0, 1]: (g g^T)^(+1/2) g = g / |g|', () => {
    const gValues = [2, 0.3, 0.1, 2];
    // Closed form: g g^T has one eigenvalue |g|^2 (eigenvector g / |g|) and a null space, so
    // its pseudo-inverse square root is g g^T / |g|^3 and maps g to g / |g|.
    const want = gValues.map((x) => x / norm(gValues));
    expectClose(want, [0.7027, 0.1054, 0.0351, 0.7027], 0, 1e-4, 'closed form');
    const g = tf.tensor2d(gValues, [2, 2]);
    const { direction } = firstDirection({ betas: [0, 1], epsilon: 0, preconditioner: { type: 'root-inverse', rankDeficiency: 'pseudo-inverse' } }, g);
    expectClose(direction, want, 0, 1e-5, 'direction');
    g.dispose();
  });

  it('random rank-deficient factors G G^T (rounded to float32): the default rtol n * 2^-23 drops the null space', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 2 }), fc.integer(), (n, rank, seed) => {
        const m = lowRankPlusRidge({ n, rank, eps: 0, seed });
        const o = computeRoot(task(Float32Array.from(m.a), n, { rankDeficiency: 'pseudo-inverse' }));
        expect(o.status).toBe('ok');
        // v: a random vector with its component in the range of G removed (Gram-Schmidt on G's columns)
        const v = Array.from(gaussianMatrix(n, 1, seed + 1));
        const basis: number[][] = [];
        for (let c = 0; c < rank; c++) {
          const col = Array.from({ length: n }, (_, i) => m.g[i * rank + c]);
          for (const b of basis) { const d = col.reduce((s, x, i) => s + x * b[i], 0); b.forEach((x, i) => (col[i] -= d * x)); }
          const l = norm(col);
          basis.push(col.map((x) => x / l));
        }
        for (const b of basis) { const d = v.reduce((s, x, i) => s + x * b[i], 0); b.forEach((x, i) => (v[i] -= d * x)); }
        const xv = matmul(o.root!, v, n, n, 1);
        const scale = Math.max(...Array.from(o.root!, Math.abs));
        // The null space maps to ~0 (a kept rounding eigenvalue ~1e-7 would map it to ~3e3 |v|)
        expect(norm(Array.from(xv))).toBeLessThanOrEqual(1e-2 * scale * norm(v));
      }),
      { numRuns: 40 },
    );
  });

  it('rankAtol drops eigenvalues up to it; rankRtol 0 and rankAtol 0 keep every positive eigenvalue', () => {
    const a = [1, 0, 0, 0, 4, 0, 0, 0, 1e-3];
    const dropped = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankAtol: 1e-2 } }));
    expectClose(dropped.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 1e-12, 1e-12);
    const kept = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankRtol: 0, rankAtol: 0 } }));
    expectClose(kept.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 1 / Math.sqrt(1e-3)], 1e-12, 1e-12);
    const relative = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankRtol: 1e-3 } }));
    expectClose(relative.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 1e-12, 1e-12); // 1e-3 <= 1e-3 * 4
  });
});
