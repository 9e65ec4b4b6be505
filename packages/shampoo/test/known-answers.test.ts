/**
 * Known answers of every variant on gradients whose preconditioned direction is known in
 * closed form, plus a random-SPD check of root-inverse Shampoo against a float64 oracle.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { scaleByShampoo, type ShampooOptions } from '@shampoo-ts/shampoo';
import { NEWTON_SCHULZ_COEFFICIENTS } from '@shampoo-ts/shampoo/engine';
import { newtonSchulz } from '@shampoo-ts/linalg';
import { seededRandom } from '@shampoo-ts/testing';
import { expectClose, matmul, runUpdates, symmetricPower, transpose } from './helpers.js';

const n = 3;
const eye = (c: number) => Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? c : 0));
/**
 * The directions P of scaleByShampoo for gradients c_t I (one n x n parameter). The block
 * side is n so that the matrix is not merged into one 1-D block of n^2 (mergeSmallDims).
 */
function directions(options: ShampooOptions, cs: number[]): Float32Array[] {
  const w = tf.zeros([n, n]);
  const grads = cs.map((c) => ({ w: tf.tensor2d(eye(c), [n, n]) }));
  const { updates, state } = runUpdates(scaleByShampoo({ epsilon: 1e-30, dampingFloor: 0, betas: [0, 1], maxPreconditionerDim: n, ...options }), { w }, grads);
  tf.dispose([w, ...grads.map((g) => g.w)]);
  tf.dispose(state as never);
  return updates.map((u) => u[0]);
}

describe('root-inverse Shampoo: known answers', () => {
  it('gradients c I give the direction sign(c) I (X_L = X_R = |c|^(-1/2) I)', () => {
    const [p1, p2] = directions({}, [3, -0.5]);
    expectClose(p1, eye(1), 1e-5, 1e-6);
    // L = R = (9 + 0.25) I, X = 9.25^(-1/4) I, P = -0.5 / sqrt(9.25) I
    expectClose(p2, eye(-0.5 / Math.sqrt(9.25)), 1e-5, 1e-6);
  });

  it('epsilon damps the root: P = c / sqrt(c^2 + eps)', () => {
    const [p] = directions({ epsilon: 1 }, [2]);
    expectClose(p, eye(2 / Math.sqrt(5)), 1e-5, 1e-6);
  });

  it('beta2 < 1 with bias correction compensates the EMA (P = sign(c) I); without it P = sign(c)/sqrt(1 - beta2)', () => {
    const [a1, a2] = directions({ betas: [0, 0.9] }, [2, 2]);
    expectClose(a1, eye(1), 1e-5, 1e-6);
    expectClose(a2, eye(1), 1e-5, 1e-6);
    const [b1] = directions({ betas: [0, 0.9], useBiasCorrection: false }, [2]);
    expectClose(b1, eye(1 / Math.sqrt(0.1)), 1e-5, 1e-6);
    // drop-weighting-factor: F = G G^T (w = 1) and, as in the reference, no bias correction
    // (bc2 = 1): A = c^2 I, so P = sign(c) I
    const [c1] = directions({ betas: [0, 0.9], useFactorWeighting: false }, [2]);
    expectClose(c1, eye(1), 1e-5, 1e-6);
  });

  it('exponent overrides: 0 skips a dim, a number replaces 1/4', () => {
    const c = 4;
    const [skipLeft] = directions({ inverseExponentOverride: { 2: { 0: 0 } } }, [c]);
    expectClose(skipLeft, eye(c * c ** -0.5), 1e-5, 1e-6);
    const [half] = directions({ inverseExponentOverride: { 2: 0.5 } }, [c]);
    expectClose(half, eye(1 / c), 1e-5, 1e-6);
    const [none] = directions({ inverseExponentOverride: { 2: 0 } }, [c]);
    expectClose(none, eye(c), 0, 0);
  });

  it('trace scaling: A = c^2 I / (n c^2)^(1/2), so P = c (|c| / sqrt(n))^(-1/2)', () => {
    const c = 5;
    const [p] = directions({ useTraceScaling: true }, [c]);
    expectClose(p, eye(c * (c / Math.sqrt(n)) ** -0.5), 1e-5, 1e-6);
  });

  it('1-D blocks are full-matrix AdaGrad: P = g / sqrt(|g|^2 + eps); a scalar gives sign(g)', () => {
    const w = tf.zeros([4]);
    const s = tf.scalar(0);
    const g = [1, -2, 2, 4];
    const { updates, state } = runUpdates(scaleByShampoo({ betas: [0, 1], epsilon: 1e-3, dampingFloor: 0 }), { s, w }, [{ s: tf.scalar(-3), w: tf.tensor1d(g) }]);
    const norm2 = g.reduce((a, x) => a + x * x, 0);
    expectClose(updates[0][0], [-3 / Math.sqrt(9 + 1e-3)], 1e-5);
    expectClose(updates[0][1], g.map((x) => x / Math.sqrt(norm2 + 1e-3)), 1e-4, 1e-6);
    tf.dispose([w, s, state as never]);
  });

  it('matches the float64 oracle X_L^T G X_R with X = (sum G G^T + eps I)^(-1/4) on random gradients', () => {
    const rng = seededRandom(7);
    const [rows, cols] = [4, 3];
    const gs = Array.from({ length: 3 }, () => Array.from({ length: rows * cols }, () => Math.fround(rng.gaussian())));
    const w = tf.zeros([rows, cols]);
    const eps = 1e-3;
    const { updates, state } = runUpdates(scaleByShampoo({ betas: [0, 1], epsilon: eps, dampingFloor: 0, maxPreconditionerDim: 4 }), { w }, gs.map((g) => ({ w: tf.tensor2d(g, [rows, cols]) })));
    const l = new Float64Array(rows * rows);
    const r = new Float64Array(cols * cols);
    gs.forEach((g, t) => {
      const gg = matmul(g, transpose(g, rows, cols), rows, cols, rows);
      const gtg = matmul(transpose(g, rows, cols), g, cols, rows, cols);
      gg.forEach((v, i) => (l[i] += v));
      gtg.forEach((v, i) => (r[i] += v));
      const damp = (a: Float64Array, k: number) => a.map((v, i) => (i % (k + 1) === 0 ? v + eps : v));
      const xl = symmetricPower(damp(l, rows), rows, -0.25);
      const xr = symmetricPower(damp(r, cols), cols, -0.25);
      const want = matmul(matmul(xl, g, rows, rows, cols), xr, rows, cols, cols);
      expectClose(updates[t][0], want, 2e-4, 1e-5, `step ${t + 1}`);
    });
    tf.dispose([w, state as never]);
  });
});

describe('other variants: known answers', () => {
  it('eigendecomposed Shampoo gives the same known answers as root-inverse', () => {
    const pre = { preconditioner: { type: 'eigendecomposed' } } as const;
    const [p1, p2] = directions(pre, [3, -0.5]);
    expectClose(p1, eye(1), 1e-5, 1e-6);
    expectClose(p2, eye(-0.5 / Math.sqrt(9.25)), 1e-5, 1e-6);
    const [e] = directions({ ...pre, epsilon: 1 }, [2]);
    expectClose(e, eye(2 / Math.sqrt(5)), 1e-5, 1e-6);
  });

  it('eigenvalue-corrected Shampoo and SOAP: c I gives sign(c) I (Adam in any basis of c^2 I); epsilon outside the root', () => {
    for (const eigenbasis of ['eigh', 'qr'] as const) {
      const pre = { preconditioner: { type: 'eigenvalue-corrected', eigenbasis } } as const;
      const [p1, p2] = directions({ ...pre, betas: [0, 0.999] }, [3, 3]);
      expectClose(p1, eye(1), 1e-5, 1e-6);
      expectClose(p2, eye(1), 1e-5, 1e-6);
      const [q] = directions({ ...pre, betas: [0, 1], epsilon: 0.5 }, [2]);
      expectClose(q, eye(2 / (2 + 0.5)), 1e-5, 1e-6);
    }
  });

  it('KL-Shampoo builds the second factor from the preconditioned gradient: L_2 = (c^2 + |c|) I', () => {
    const c = 4;
    const [p1, p2] = directions({ preconditioner: { type: 'kl-shampoo' } }, [c, c]);
    expectClose(p1, eye(1), 1e-5, 1e-6);
    expectClose(p2, eye(c / Math.sqrt(c * c + c)), 1e-5, 1e-6);
    const [, shampoo2] = directions({}, [c, c]);
    expectClose(shampoo2, eye(c / Math.sqrt(2 * c * c)), 1e-5, 1e-6);
  });

  it('spectral descent is Newton-Schulz of the block (float64 oracle) times scaleByDims', () => {
    const g = [1, 2, 0, -1, 3, 1];
    const w = tf.zeros([2, 3]);
    const { updates, state } = runUpdates(
      scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 3, preconditioner: { type: 'spectral-descent', scaleByDims: (dIn, dOut) => dIn * 10 + dOut } }),
      { w },
      [{ w: tf.tensor2d(g, [2, 3]) }],
    );
    const want = newtonSchulz(Float64Array.from(g), 2, 3, { steps: 5, coefficients: [...NEWTON_SCHULZ_COEFFICIENTS] as [number, number, number] });
    expectClose(updates[0][0], Array.from(want, (v) => v * 32), 1e-4, 1e-4);
    tf.dispose([w, state as never]);
  });

  it('sign descent is sign(D) times its scale', () => {
    const w = tf.zeros([2, 2]);
    const g = [0.5, -2, 0, 3];
    const scale = (d: tf.Tensor) => tf.sum(tf.abs(d));
    const { updates, state } = runUpdates(scaleByShampoo({ betas: [0, 1], preconditioner: { type: 'sign-descent', scale } }), { w }, [{ w: tf.tensor2d(g, [2, 2]) }]);
    expectClose(updates[0][0], [5.5, -5.5, 0, 5.5], 1e-6);
    tf.dispose([w, state as never]);
  });
});

describe('weight decay types', () => {
  it('l2 enters the gradient; decoupled / corrected / independent add wd W, wd lr/peakLr W, wd/peakLr W to P', () => {
    const w = tf.tensor1d([1, 2]);
    const g = { w: tf.tensor1d([0.5, -1]) };
    const direction = (weightDecayType: 'l2' | 'decoupled' | 'corrected' | 'independent') => {
      // AdaGrad grafting before preconditioning: P = G' / (|G'| + eps), elementwise sign for one step.
      const tx = scaleByShampoo({ lr: 0.5, peakLr: 2, betas: [0, 1], weightDecay: 0.1, weightDecayType, startPreconditioningStep: Infinity,
        grafting: { kind: 'adagrad', beta2: 1, epsilon: 1e-10, useBiasCorrection: false, init: (shape) => tf.zeros([...shape]),
          accumulate: (v, x) => tf.add(v as tf.Tensor, tf.square(x)), direction: (v, d) => tf.div(d, tf.add(tf.sqrt(v as tf.Tensor), 1e-10)) } });
      const { updates, state } = runUpdates(tx, { w }, [g]);
      tf.dispose(state as never);
      return updates[0][0];
    };
    expectClose(direction('l2'), [1, -1], 1e-6); // G + wd W = [0.6, -0.8]
    expectClose(direction('decoupled'), [1.1, -0.8], 1e-6);
    expectClose(direction('corrected'), [1.025, -0.95], 1e-6);
    expectClose(direction('independent'), [1.05, -0.9], 1e-6);
    const decaying = scaleByShampoo({ weightDecay: 0.1 });
    const s0 = decaying.init({ w });
    expect(() => decaying.update(g, s0)).toThrow('scaleByShampoo: params = undefined is not allowed; allowed: the parameters, since weightDecay = 0.1 > 0');
    tf.dispose([w, g.w, s0 as never]);
  });
});

describe('grafting and scheduling inside Shampoo', () => {
  it('per-block grafting rescales P to the norm of the grafting direction', () => {
    // SGD grafting: ||P|| becomes ||G|| block by block; direction of P stays Shampoo's (sign(c) I).
    const [p] = directions({ grafting: { kind: 'sgd', beta2: 1, epsilon: 0, useBiasCorrection: false, init: () => null, accumulate: () => null, direction: (_s, d) => tf.clone(d) } }, [3]);
    expectClose(p, eye(3), 1e-5, 1e-6);
  });

  it('roots are computed on step == start and on multiples of preconditionFrequency after it', () => {
    // start 4, frequency 3: roots at 4, 6, 9. Gradients c_t I; P_t = c_t / sqrt(sum_{s <= r(t)} c_s^2) where r(t) is the last root step.
    const cs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ps = directions({ startPreconditioningStep: 4, preconditionFrequency: 3 }, cs);
    const cum = (k: number) => cs.slice(0, k).reduce((a, c) => a + c * c, 0);
    const lastRoot = (t: number) => [9, 6, 4].find((r) => r <= t);
    ps.forEach((p, i) => {
      const t = i + 1;
      const r = lastRoot(t);
      const want = r === undefined ? cs[i] : cs[i] / Math.sqrt(cum(r));
      expectClose(p, eye(want), 1e-5, 1e-6, `step ${t}`);
    });
  });
});
