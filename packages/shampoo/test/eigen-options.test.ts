/**
 * The options of the eigen family (eigen-config.ts) and their effect: the refresh tolerance
 * with the full eigendecomposition, eigenvalue-corrected's per-order correction exponent and
 * ignoredBasisChangeDims, eigendecomposed KL-Shampoo, the QR eigenbasis and the
 * pseudo-inverse of eigendecomposed Shampoo. Known answers are derived in the comments;
 * float64 oracles use the testing kit's Jacobi eigensolver.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { adam } from '@shampoo-ts/core';
import { deviceRootExecutor, scaleByShampoo, shampoo, type RootTask, type ShampooOptions } from '@shampoo-ts/shampoo';
import { computeRoot } from '../src/root-task.js';
import { assertEquivalentTransforms, jacobiEigen, spdWithCondition } from '@shampoo-ts/testing';
import { expectClose, matmul, runUpdates, transpose } from './helpers.js';

const run = { steps: 6, fc: { numRuns: 10 }, tol: { rtol: 2e-5, atol: 1e-6 } };

/** The directions for gradients of one parameter of this shape. */
function directions(options: ShampooOptions, shape: number[], gs: number[][]): Float32Array[] {
  const w = tf.zeros(shape);
  const grads = gs.map((g) => ({ w: tf.tensor(g, shape) }));
  const { updates, state } = runUpdates(scaleByShampoo(options), { w }, grads);
  tf.dispose([w, ...grads.map((g) => g.w), state as never]);
  return updates.map((u) => u[0]);
}

/** ||offdiag(Q^T A Q)||_F / ||Q^T A Q||_F in float64 (written out, not linalg's). */
function offDiagonalRatio(a: Float64Array, q: Float64Array, n: number): number {
  const b = matmul(transpose(q, n, n), matmul(a, q, n, n, n), n, n, n);
  let off = 0;
  let all = 0;
  b.forEach((v, k) => {
    all += v * v;
    if (k % (n + 1) !== 0) off += v * v;
  });
  return Math.sqrt(off / all);
}

describe("the refresh tolerance with the full eigendecomposition ('eigen' tasks)", () => {
  const n = 5;
  const task = (a: Float64Array, previous: Float64Array, tolerance: number): RootTask => ({
    key: 'w#0/0', kind: 'eigen', n, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.5,
    epsilon: 1e-12, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance, factor: a, previousVectors: previous,
  });

  it('keeps the previous basis exactly when ||offdiag(Q^T A Q)||_F <= tol ||Q^T A Q||_F, and recomputes it otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const a = spdWithCondition({ n, cond: 100, seed }).a;
        // The eigenbasis of a nearby matrix: a close but not exact basis for A.
        const other = spdWithCondition({ n, cond: 10, seed: seed + 1 }).a;
        const near = a.map((v, k) => v + 0.05 * other[k]);
        const previous = jacobiEigen(near, n).vectors;
        const ratio = offDiagonalRatio(a, previous, n);
        const kept = computeRoot(task(a, previous, Math.min(1, ratio * 1.01)));
        expect(kept.status).toBe('ok');
        expect(Array.from(kept.vectors as Float64Array)).toEqual(Array.from(previous));
        // The kept eigenvalues are the Rayleigh quotients diag(Q^T A Q) (+ epsilon), in Q's column order.
        const b = matmul(transpose(previous, n, n), matmul(a, previous, n, n, n), n, n, n);
        expectClose(kept.values as Float64Array, Array.from({ length: n }, (_, i) => b[i * (n + 1)] + 1e-12), 1e-12, 1e-12, 'kept values');
        const fresh = computeRoot(task(a, previous, ratio * 0.99));
        const exact = jacobiEigen(a, n).values;
        expectClose(fresh.values as Float64Array, Array.from(exact, (v) => v + 1e-12), 1e-10, 1e-12, 'recomputed values');
      }),
      { numRuns: 20 },
    );
  });

  it('eigenvalue-corrected Shampoo with tolerance 1 never leaves the identity basis: it is Adam on any gradients', () => {
    // tolerance 1: ||offdiag(B)||_F <= ||B||_F always holds, so every refresh keeps Q = I.
    assertEquivalentTransforms(
      () => shampoo({ lr: 0.05, betas: [0.9, 0.999], epsilon: 1e-8, preconditioner: { type: 'eigenvalue-corrected', tolerance: 1 } }),
      () => adam({ learningRate: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8 }),
      { ...run, names: ['eigenvalue-corrected, tolerance 1', 'adam'] },
    );
  });

  it('eigendecomposed Shampoo with tolerance 1 keeps Q = I: X = diag(F + eps)^(-1/2) for a vector (diagonal AdaGrad)', () => {
    const gs = [[1, -2, 0.5], [3, 1, -1], [-0.5, 2, 2]];
    const got = directions({ betas: [0, 1], epsilon: 1e-6, dampingFloor: 0, preconditioner: { type: 'eigendecomposed', tolerance: 1 } }, [3], gs);
    const sum = [0, 0, 0];
    gs.forEach((g, t) => {
      g.forEach((v, i) => (sum[i] += v * v));
      expectClose(got[t], g.map((v, i) => v / Math.sqrt(sum[i] + 1e-6)), 1e-5, 1e-6, `step ${t + 1}`);
    });
  });
});

describe('eigenvalue-corrected: correction exponent per order and ignoredBasisChangeDims', () => {
  const eye3 = (c: number) => Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? c : 0));

  it('inverseExponentOverride { 2: 0.25 } sets p: gradient c I gives c / |c|^(2p) I = 2 I for c = 4', () => {
    // Factors c^2 I: basis I, E = c^2 on the diagonal (0 elsewhere), P = c / (c^2)^p.
    const base: ShampooOptions = { betas: [0, 1], epsilon: 1e-30, maxPreconditionerDim: 3, preconditioner: { type: 'eigenvalue-corrected' } };
    expectClose(directions({ ...base, inverseExponentOverride: { 2: 0.25 } }, [3, 3], [eye3(4)])[0], eye3(2), 1e-5, 1e-6);
    expectClose(directions({ ...base, inverseExponentOverride: { 1: 0.25 } }, [3, 3], [eye3(4)])[0], eye3(1), 1e-5, 1e-6);
  });

  it('every dim in ignoredBasisChangeDims: no basis change at all, so Adam on any gradients', () => {
    const ignoredBasisChangeDims = { 1: [0], 2: [0, 1], 3: [0, 1, 2], 4: [0, 1, 2, 3] };
    assertEquivalentTransforms(
      () => shampoo({ lr: 0.05, betas: [0.9, 0.999], epsilon: 1e-8, preconditioner: { type: 'eigenvalue-corrected', ignoredBasisChangeDims } }),
      () => adam({ learningRate: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8 }),
      { ...run, names: ['eigenvalue-corrected, every dim ignored', 'adam'] },
    );
  });
});

describe('eigendecomposed KL-Shampoo and the pseudo-inverse', () => {
  it('eigendecomposed KL-Shampoo has the KL known answer: L_2 = (c^2 + |c|) I, P_2 = c / sqrt(c^2 + c) I', () => {
    // Step 1: L = R = c^2 I, X = |c|^(-1/2) I, P = sign(c) I. Step 2: each factor adds
    // (G X)(G X)^T = c^2 / |c| I = |c| I on top of c^2 I, so X = (c^2 + |c|)^(-1/4) I.
    const c = 4;
    const eye3 = (v: number) => Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? v : 0));
    const [p1, p2] = directions({ betas: [0, 1], epsilon: 1e-30, dampingFloor: 0, maxPreconditionerDim: 3, preconditioner: { type: 'eigendecomposed-kl-shampoo' } }, [3, 3], [eye3(c), eye3(c)]);
    expectClose(p1, eye3(1), 1e-5, 1e-6);
    expectClose(p2, eye3(c / Math.sqrt(c * c + c)), 1e-5, 1e-6);
  });

  it("pseudo-inverse: G = [[2, 0.3], [0.1, 2]] (one 4-vector block) gives g / |g| = [0.7027, 0.1054, 0.0351, 0.7027]", () => {
    // F = g g^T has rank 1: F^(+1/2) = g g^T / |g|^3, so P = F^(+1/2) g = g / |g|, |g| = sqrt(8.1).
    const g = [2, 0.3, 0.1, 2];
    const [p] = directions({ betas: [0, 1], preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' } }, [2, 2], [g]);
    expectClose(p, g.map((v) => v / Math.sqrt(8.1)), 1e-5, 1e-6);
    expectClose(p, [0.7027, 0.1054, 0.0351, 0.7027], 0, 1e-4);
  });

  it('pseudo-inverse: a direction outside the range of the factor is projected onto it (not amplified by 1/sqrt(eps))', () => {
    // preconditionFrequency 2: the roots of step 2 come from F = g1 g1^T + g2 g2^T (rank 2 in R^4),
    // and precondition g3 at step 3: P3 = F^(+1/2) g3, the pseudo-inverse root (float64 oracle).
    const gs = [[2, 0.5, 0, 1], [0, 1, -1, 0.5], [1, 2, 3, -1]];
    const options: ShampooOptions = { betas: [0, 1], preconditionFrequency: 2, preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' } };
    const got = directions(options, [4], gs)[2];
    const f = new Float64Array(16);
    for (const g of gs.slice(0, 2)) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) f[i * 4 + j] += g[i] * g[j];
    const { values, vectors } = jacobiEigen(f, 4);
    const top = Math.max(...values);
    const want = new Float64Array(4);
    values.forEach((lambda, k) => {
      if (lambda <= 1e-9 * top) return;
      const along = gs[2].reduce((s, v, i) => s + v * vectors[i * 4 + k], 0) * lambda ** -0.5;
      for (let i = 0; i < 4; i++) want[i] += along * vectors[i * 4 + k];
    });
    expectClose(got, want, 1e-4, 1e-5);
  });

  it('the eigendecomposed variants refuse an executor that returns eigenvectors without eigenvalues', () => {
    const w = tf.zeros([3, 3]);
    const g = tf.randomNormal([3, 3], 0, 1, 'float32', 7);
    const tx = scaleByShampoo({ maxPreconditionerDim: 3, preconditioner: { type: 'eigendecomposed', eigenbasis: 'qr' }, rootExecutor: deviceRootExecutor() });
    const state = tx.init({ w });
    expect(() => tx.update({ w: g }, state, { w })).toThrow(/eigenvectors without eigenvalues for block 'w#0' dim 0/);
    tf.dispose([w, g, state as never]);
  });
});

describe('validation of the eigen-family options', () => {
  const reject = (options: ShampooOptions, message: string) => expect(() => scaleByShampoo(options)).toThrow(message);

  it('names the option, the value and what is allowed', () => {
    expect(() => scaleByShampoo({ preconditioner: { type: 'eigenvalue-corrected', tolerance: 1 } })).not.toThrow();
    reject({ preconditioner: { type: 'eigenvalue-corrected', tolerance: 1.5 } }, 'scaleByShampoo: preconditioner.tolerance = 1.5 is not allowed; allowed: a number in [0, 1]');
    reject({ preconditioner: { type: 'eigendecomposed', tolerance: -0.1 } }, 'scaleByShampoo: preconditioner.tolerance = -0.1 is not allowed; allowed: a number in [0, 1]');
    reject({ preconditioner: { type: 'eigendecomposed', eigenbasis: 'lanczos' as never } }, `scaleByShampoo: preconditioner.eigenbasis = "lanczos" is not allowed; allowed: 'eigh' or 'qr'`);
    reject({ preconditioner: { type: 'eigendecomposed-kl-shampoo', qrSteps: 0 } }, 'scaleByShampoo: preconditioner.qrSteps = 0 is not allowed; allowed: an integer >= 1');
    reject({ preconditioner: { type: 'eigenvalue-corrected', ignoredBasisChangeDims: { 2: [2] } } }, 'scaleByShampoo: preconditioner.ignoredBasisChangeDims[2] dim = 2 is not allowed; allowed: an integer in [0, 1]');
    reject({ preconditioner: { type: 'eigenvalue-corrected', ignoredBasisChangeDims: { 3: [1, 1] } } }, 'scaleByShampoo: preconditioner.ignoredBasisChangeDims[3] = [1,1] is not allowed; allowed: dims without duplicates');
    reject({ preconditioner: { type: 'eigenvalue-corrected', ignoredBasisChangeDims: { 2: 1 as never } } }, 'scaleByShampoo: preconditioner.ignoredBasisChangeDims[2] = 1 is not allowed; allowed: an array of dims');
    reject({ preconditioner: { type: 'eigenvalue-corrected' }, inverseExponentOverride: { 2: { 0: 0 } } }, 'scaleByShampoo: inverseExponentOverride[2] = {"0":0} is not allowed; allowed: for eigenvalue-corrected, a number > 0 per order');
    reject({ preconditioner: { type: 'eigenvalue-corrected' }, inverseExponentOverride: { 2: 0 } }, 'scaleByShampoo: inverseExponentOverride[2] = 0 is not allowed');
    reject({ preconditioner: { type: 'eigendecomposed', rankRtol: 1e-6 } }, "scaleByShampoo: preconditioner.rankRtol = 0.000001 is not allowed; allowed: only with rankDeficiency 'pseudo-inverse'");
    reject({ preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse', rankAtol: -1 } }, 'scaleByShampoo: preconditioner.rankAtol = -1 is not allowed; allowed: a finite number >= 0');
    reject({ epsilon: 1e-8, preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' } }, "scaleByShampoo: epsilon = 1e-8 is not allowed; allowed: exactly 0 with rankDeficiency 'pseudo-inverse'");
  });
});
