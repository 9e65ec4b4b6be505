/** Gradient accumulation over Shampoo: k micro-batches through multiSteps(shampoo) are one mean-gradient step of shampoo. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, leavesWithPaths, multiSteps, step, type TensorTree, type TrainState } from '@shampoo-ts/core';
import { shampoo } from '@shampoo-ts/shampoo';

function grads(k: number): TensorTree {
  return { w: tf.randomNormal([4, 3], 0, 1, 'float32', 100 + k), b: tf.randomNormal([3], 0, 1, 'float32', 200 + k) };
}

function values(t: TensorTree): number[] {
  return leavesWithPaths(t).flatMap(([, x]) => Array.from(x.dataSync()));
}

describe('multiSteps(shampoo)', () => {
  it('k = 3 micro-batches equal one step of shampoo on their mean, step by step', () => {
    const params = { w: tf.randomNormal([4, 3], 0, 1, 'float32', 1), b: tf.randomNormal([3], 0, 1, 'float32', 2) };
    const make = () => shampoo({ lr: 0.01, startPreconditioningStep: 1, preconditionFrequency: 1 });
    const k = 3;
    const txMulti = multiSteps(make(), { everySteps: k });
    const txBig = make();
    let a: TrainState<any, any> = initTrainState(params, txMulti);
    let b: TrainState<any, any> = initTrainState(params, txBig);
    const before = tf.memory().numTensors;
    for (let n = 0; n < 5; n++) {
      const gs = Array.from({ length: k }, (_, j) => grads(n * k + j));
      for (const g of gs) {
        const next = step(a, g, txMulti);
        disposeTree(a);
        a = next;
      }
      const mean = tf.tidy(() => ({ w: tf.addN(gs.map((g: any) => g.w)).div(k), b: tf.addN(gs.map((g: any) => g.b)).div(k) }));
      const next = step(b, mean, txBig);
      disposeTree([b, gs, mean]);
      b = next;
      const va = values(a.params);
      const vb = values(b.params);
      va.forEach((x, i) => expect(Math.abs(x - vb[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(vb[i])));
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([a, b, params]);
  });
});
