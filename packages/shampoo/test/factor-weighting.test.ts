/**
 * useFactorWeighting: false is the reference's drop_weighting_factor_on_gsquare: the
 * statistics become F <- beta2 F + G G^T (no 1 - beta2 weight), which is no longer an EMA,
 * so the factor bias correction is dropped too (bc2 = 1) for every use of it: the root
 * requests (A = F / bc2) and eigenvalue-corrected's E / bc2.
 *
 * Known answer, one 2 x 2 block, G_t = 2 I, betas [0, 0.9], epsilon ~ 0:
 *   step 1: F = E = 4 I, bc2 = 1 -> root-inverse P = (4)^(-1/4) 2 (4)^(-1/4) = 1;
 *           eigenvalue-corrected (basis I) P = 2 / sqrt(4) = 1; eigendecomposed as root-inverse.
 *           (With the bias correction 1 - 0.9 = 0.1 it would be 2 / sqrt(40) = 0.3162.)
 *   step 2: F = E = 0.9 * 4 I + 4 I = 7.6 I, bc2 = 1 -> P = 2 / sqrt(7.6) = 0.7255.
 *   KL-Shampoo, step 2: H = G X_other = 2 * 4^(-1/4) I, H H^T = 2 I, F = 0.9 * 4 I + 2 I = 5.6 I,
 *           P = 2 / sqrt(5.6) = 0.8452 (with bc2 = 1 - 0.81 it would be 2 / sqrt(5.6 / 0.19)).
 */
import { describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { scaleByShampoo, type PreconditionerConfig } from '@shampoo-ts/shampoo';
import { expectClose, runUpdates } from './helpers.js';

const eye2 = (c: number) => [c, 0, 0, c];

function directions(preconditioner: PreconditionerConfig): Float32Array[] {
  const w = tf.zeros([2, 2]);
  const grads = [2, 2].map((c) => ({ w: tf.tensor2d(eye2(c), [2, 2]) }));
  const tx = scaleByShampoo({ betas: [0, 0.9], epsilon: 1e-30, dampingFloor: 0, maxPreconditionerDim: 2, useFactorWeighting: false, preconditioner });
  const { updates, state } = runUpdates(tx, { w }, grads);
  tf.dispose([w, ...grads.map((g) => g.w), state as never]);
  return updates.map((u) => u[0]);
}

describe('useFactorWeighting: false drops the factor bias correction (bc2 = 1)', () => {
  const cases: Array<[string, PreconditionerConfig, number]> = [
    ['root-inverse', { type: 'root-inverse' }, 7.6],
    ['eigendecomposed', { type: 'eigendecomposed' }, 7.6],
    ['eigenvalue-corrected (E / bc2)', { type: 'eigenvalue-corrected' }, 7.6],
    ['kl-shampoo', { type: 'kl-shampoo' }, 5.6],
  ];
  for (const [name, preconditioner, f2] of cases) {
    it(`${name}: P = 1.0 I after step 1 and 2 / sqrt(${f2}) I after step 2`, () => {
      const [p1, p2] = directions(preconditioner);
      expectClose(p1, eye2(1), 1e-5, 1e-6, 'step 1');
      expectClose(p2, eye2(2 / Math.sqrt(f2)), 1e-5, 1e-6, 'step 2');
    });
  }
});
