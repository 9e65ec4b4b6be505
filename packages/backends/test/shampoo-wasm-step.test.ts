/**
 * The step on the wasm backend (where the transpose-free products and gatherND packing
 * matter): the same updates as on cpu, and no synchronous readback outside root steps.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { shampoo } from '@shampoo-ts/shampoo';
import { expectClose } from '../../shampoo/test/helpers.js';

/** Six steps on a 20 x 12 kernel (two blocks of side <= 16) and a 7-vector; updates and the steps that called dataSync. */
function run(useSymmetricPacking: boolean) {
  const tx = shampoo({
    lr: 0.1, betas: [0.9, 0.999], epsilon: 0.01, weightDecay: 1e-3, maxPreconditionerDim: 16, preconditionFrequency: 3,
    useSymmetricPacking, grafting: adamGrafting({ epsilon: 1e-8 }),
  });
  const params = { w: tf.tidy(() => tf.reshape(tf.cos(tf.range(0, 240)), [20, 12])), b: tf.zeros([7]) };
  let state = tx.init(params);
  const engine = tf.engine() as unknown as { readSync: (id: unknown) => unknown };
  const original = engine.readSync;
  let reads = 0;
  const readingSteps: number[] = [];
  const updates: number[][] = [];
  for (let t = 1; t <= 6; t++) {
    const grads = tf.tidy(() => ({
      w: tf.reshape(tf.sin(tf.add(tf.mul(tf.range(0, 240), 0.37), t)), [20, 12]),
      b: tf.tensor1d([1, -2, 0.5, t, 3, -1, 0.25]),
    }));
    engine.readSync = (id) => {
      reads++;
      return original.call(engine, id);
    };
    const before = reads;
    let out: ReturnType<typeof tx.update>;
    try {
      out = tx.update(grads, state, params);
    } finally {
      engine.readSync = original;
    }
    if (reads > before) readingSteps.push(t);
    const u = out[0] as { w: tf.Tensor; b: tf.Tensor };
    updates.push([...u.w.dataSync(), ...u.b.dataSync()]);
    disposeTree([out[0], state, grads]);
    state = out[1];
  }
  disposeTree([state, params]);
  return { updates, readingSteps };
}

describe('the step on the wasm backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the cpu updates (float32 rounding apart) and reads back only on root steps', async () => {
    await tf.setBackend('cpu');
    const cpu = [run(true), run(false)];
    await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const wasm = [run(true), run(false)];
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    wasm.forEach((w, k) => {
      expect(w.readingSteps).toEqual([3, 6]); // root steps only: start = frequency = 3
      w.updates.forEach((u, t) => expectClose(u, cpu[k].updates[t], 1e-4, 1e-6, `${k === 0 ? 'packed' : 'unpacked'} step ${t + 1}`));
    });
  });
});
