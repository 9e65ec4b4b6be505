/**
 * The batched engine's copies-free parts launch no kernel (core's shareTensor): between root
 * steps, one scaleByShampoo update on cpu runs no Identity (the roots and other state the new
 * state shares with the old), no Reshape and no ExpandDims (leaf flattening, one-block
 * stacks, packing views), for a tree with groups of one block and groups of many; the
 * kernels it does run do not depend on the number of blocks of a shape; tensors stay flat.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, step, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { scaleByShampoo, type ShampooOptions } from '@shampoo-ts/shampoo';

const VIEW_KERNELS = ['Identity', 'Reshape', 'ExpandDims'];

/** Kernel names of update number `frequency + 2` (after the first root step, before the next) of a tree with a [rows, 8] matrix and a [5] vector. */
async function kernelsOfUpdate(rows: number, options: ShampooOptions): Promise<{ names: string[]; leaked: number }> {
  const tx = scaleByShampoo(options) as GradientTransformation;
  const params: TensorTree = { w: tf.fill([rows, 8], 0.1), b: tf.fill([5], -0.2) };
  const grads: TensorTree = { w: tf.tidy(() => tf.sin(tf.reshape(tf.range(0, rows * 8), [rows, 8]))), b: tf.tensor1d([1, -2, 0.5, 3, -1]) };
  let state = initTrainState(params, tx);
  const advance = () => {
    const next = step(state, grads, tx);
    disposeTree(state);
    state = next;
  };
  for (let k = 0; k < (options.preconditionFrequency as number) + 1; k++) advance();
  const before = tf.memory().numTensors;
  const info = await tf.profile(advance);
  const names = info.kernels.map((k) => k.name);
  const leaked = tf.memory().numTensors - before;
  disposeTree([state, params, grads]);
  return { names, leaked };
}

describe('kernel-free views in the batched engine', () => {
  it('an update between root steps runs no Identity, Reshape or ExpandDims kernel, and the same kernels for 2 and 8 blocks of a shape', async () => {
    const options: ShampooOptions = {
      maxPreconditionerDim: 4, grafting: adamGrafting(), betas: [0.9, 0.999], epsilon: 1e-4, preconditionFrequency: 3, useSymmetricPacking: true,
      weightDecay: 1e-3, weightDecayType: 'decoupled', momentum: { momentum: 0.5 },
    };
    const few = await kernelsOfUpdate(4, options); // w: 2 blocks [4, 4]; b: [4] and [1], groups of one
    const many = await kernelsOfUpdate(16, options); // w: 8 blocks [4, 4]
    for (const r of [few, many]) {
      expect(r.names.filter((n) => VIEW_KERNELS.includes(n))).toEqual([]);
      expect(r.leaked).toBe(0);
    }
    expect(many.names.length).toBe(few.names.length);
    expect(few.names.length).toBeGreaterThan(0);
  });
});
