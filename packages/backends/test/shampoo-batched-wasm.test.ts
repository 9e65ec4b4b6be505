/**
 * The batched block engine on wasm (stacks unstacked through one read) against the per-block
 * engine, on wasm and on cpu: float32 rounding apart. (Shampoo's own tests,
 * packages/shampoo/test/batched-engine.test.ts, compare them bit for bit on cpu; this one
 * needs this package to start wasm.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import type { ShampooOptions } from '@shampoo-ts/shampoo';
import { runEngine as run } from '../../shampoo/test/engine-run.js';
import { expectClose } from '../../shampoo/test/helpers.js';

describe('the batched block engine on wasm', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('on wasm (stacks unstacked through one read) equals the per-block engine on wasm and on cpu, float32 rounding apart', async () => {
    const options: ShampooOptions = {
      betas: [0.9, 0.999], epsilon: 1e-2, weightDecay: 1e-2, weightDecayType: 'l2', maxPreconditionerDim: 4, preconditionFrequency: 2,
      grafting: adamGrafting(), momentum: { momentum: 0.5, nesterov: true },
    };
    const tree = () => ({ w: tf.tidy(() => tf.reshape(tf.cos(tf.range(0, 240)), [20, 12])), b: tf.fill([7], 0.5) });
    const grads = (k: number) => tf.tidy(() => ({ w: tf.reshape(tf.sin(tf.add(tf.mul(tf.range(0, 240), 0.37), k)), [20, 12]), b: tf.tensor1d([1, -2, 0.5, k, 3, -1, 0.25]) }));
    const runOn = async (backend: 'cpu' | 'wasm', batchBlocks: boolean) => {
      if (backend === 'wasm') await useBackend('wasm');
      else await tf.setBackend('cpu');
      const params = tree();
      const gs = [1, 2, 3, 4, 5].map(grads);
      const before = tf.memory().numTensors;
      const out = run(options, batchBlocks, params, gs);
      expect(tf.memory().numTensors).toBe(before);
      disposeTree([params, gs]);
      return out;
    };
    const cpu = await runOn('cpu', false);
    const wasmPerBlock = await runOn('wasm', false);
    const wasmBatched = await runOn('wasm', true);
    expect(wasmBatched[0].directions.length).toBe(17); // 15 blocks of 4 x 4, then [4] and [3]
    wasmBatched.forEach((s, t) => {
      // Across backends the roots amplify the products' rounding more (wasm-step.test.ts compares the backends).
      for (const [name, other, rtol] of [['wasm per block', wasmPerBlock, 1e-4], ['cpu per block', cpu, 1e-3]] as const) {
        s.directions.forEach((d, i) => expectClose(d, other[t].directions[i], rtol, 1e-6, `${name}: step ${t + 1} direction ${i}`));
        s.state.forEach(([path, v], i) => expectClose(v, other[t].state[i][1], rtol, 1e-6, `${name}: step ${t + 1} state ${path}`));
      }
    });
  });

});
