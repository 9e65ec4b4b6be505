/** Checkpoint round trips of the eigen-family options: save after k steps, load, continue, bit for bit. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, loadCheckpoint, saveCheckpoint, step, type TensorTree } from '@shampoo-ts/core';
import { shampoo, type ShampooOptions } from '@shampoo-ts/shampoo';

const base: ShampooOptions = { lr: 0.05, betas: [0.9, 0.99], maxPreconditionerDim: 4, preconditionFrequency: 2 };

function gradsAt(t: number): TensorTree {
  return tf.tidy(() => ({ kernel: tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(t * 1.3 + i * 0.7) + 0.1 * i), [3, 4]) }));
}

const cases: Array<[string, ShampooOptions]> = [
  ['eigendecomposed KL-Shampoo', { ...base, preconditioner: { type: 'eigendecomposed-kl-shampoo' } }],
  ['eigendecomposed, QR eigenbasis, tolerance', { ...base, preconditioner: { type: 'eigendecomposed', eigenbasis: 'qr', tolerance: 0.01 } }],
  ['eigendecomposed, pseudo-inverse', { ...base, preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' } }],
  ['eigenvalue-corrected, tolerance, ignoredBasisChangeDims', { ...base, preconditioner: { type: 'eigenvalue-corrected', tolerance: 0.05, ignoredBasisChangeDims: { 2: [0] } } }],
  ['spectral descent by SVD', { ...base, maxPreconditionerDim: Infinity, targetParameterDimensionality: 2, preconditioner: { type: 'spectral-descent', orthogonalization: 'svd' } }],
];

describe('eigen-family checkpoints', () => {
  for (const [name, options] of cases) {
    it(`${name}: resumes bit for bit`, () => {
      const tx = shampoo(options);
      const params = { kernel: tf.ones([3, 4]) };
      let a = initTrainState(params, tx);
      for (let t = 1; t <= 5; t++) {
        const g = gradsAt(t);
        const next = step(a, g, tx);
        disposeTree([a, g]);
        a = next;
      }
      let b = loadCheckpoint(saveCheckpoint(a), params, shampoo(options));
      for (let t = 6; t <= 11; t++) {
        const g = gradsAt(t);
        const na = step(a, g, tx);
        const nb = step(b, g, tx);
        disposeTree([a, b, g]);
        a = na;
        b = nb;
      }
      expect(Array.from(b.params.kernel.dataSync())).toEqual(Array.from(a.params.kernel.dataSync()));
      disposeTree([a, b, params]);
    });
  }
});
