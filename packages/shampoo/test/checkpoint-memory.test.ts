/** Checkpoint round trip after preconditioning started, and a flat tensor count over 1000 steps. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, loadCheckpoint, saveCheckpoint, step, type TensorTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { shampoo, type ShampooOptions } from '@shampoo-ts/shampoo';

const options: ShampooOptions = {
  lr: 0.05, betas: [0.9, 0.999], weightDecay: 1e-3, maxPreconditionerDim: 3, preconditionFrequency: 2,
  startPreconditioningStep: 2, grafting: adamGrafting({ epsilon: 1e-8 }), momentum: { momentum: 0.5, nesterov: true },
};

function gradsAt(t: number): TensorTree {
  return tf.tidy(() => ({
    dense: { kernel: tf.tensor2d(Array.from({ length: 20 }, (_, i) => Math.sin(t * 1.1 + i)), [5, 4]), bias: tf.tensor1d([Math.cos(t), 0.5, -1, t % 3]) },
    scale: tf.scalar(Math.sin(t)),
  }));
}

describe('checkpoints', () => {
  it('a state saved after preconditioning started continues bit for bit after loading', () => {
    const tx = shampoo(options);
    const params = { dense: { kernel: tf.ones([5, 4]), bias: tf.zeros([4]) }, scale: tf.scalar(1) };
    let a = initTrainState(params, tx);
    for (let t = 1; t <= 5; t++) {
      const g = gradsAt(t);
      const next = step(a, g, tx);
      disposeTree([a, g]);
      a = next;
    }
    const ckpt = saveCheckpoint(a);
    let b = loadCheckpoint(ckpt, params, shampoo(options));
    for (let t = 6; t <= 12; t++) {
      const g = gradsAt(t);
      const na = step(a, g, tx);
      const nb = step(b, g, tx);
      disposeTree([a, b, g]);
      a = na;
      b = nb;
    }
    const flat = (s: typeof a) => [s.params.dense.kernel, s.params.dense.bias, s.params.scale].map((x) => Array.from(x.dataSync()));
    expect(flat(b)).toEqual(flat(a));
    expect(a.count).toBe(12);
    disposeTree([a, b, params]);
  });
});

describe('memory', () => {
  it('tf.memory().numTensors stays flat over 1000 steps', () => {
    const tx = shampoo({ ...options, preconditionFrequency: 5, startPreconditioningStep: 5 });
    const params = { dense: { kernel: tf.ones([5, 4]), bias: tf.zeros([4]) }, scale: tf.scalar(1) };
    let s = initTrainState(params, tx);
    const g = gradsAt(1);
    const advance = () => {
      const next = step(s, g, tx);
      disposeTree(s);
      s = next;
    };
    for (let t = 0; t < 10; t++) advance();
    const before = tf.memory().numTensors;
    for (let t = 0; t < 1000; t++) advance();
    expect(tf.memory().numTensors).toBe(before);
    expect(s.count).toBe(1010);
    disposeTree([s, g, params]);
  });
});
