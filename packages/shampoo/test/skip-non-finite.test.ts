/**
 * applyIfFinite around Shampoo: a poisoned batch (NaN or Inf in a gradient) is skipped
 * before Shampoo sees it, so the run equals the run that never had those batches.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  applyIfFinite,
  disposeTree,
  initTrainState,
  stateLeavesWithPaths,
  step,
  type ApplyIfFiniteState,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { shampoo, type ShampooOptions } from '@shampoo-ts/shampoo';

const options: ShampooOptions = {
  lr: 0.01, betas: [0.9, 0.99], maxPreconditionerDim: 4, preconditionFrequency: 3,
  startPreconditioningStep: 3, grafting: adamGrafting({ epsilon: 1e-8 }), momentum: { momentum: 0.5 },
};

/** The gradients of batch k: smooth, different for every k, finite. */
function gradsAt(k: number): { w: tf.Tensor; b: tf.Tensor } {
  return {
    w: tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(0.37 * k + 1.3 * i) + 0.1 * Math.cos(k * i)), [4, 3]),
    b: tf.tensor1d([Math.cos(0.5 * k), Math.sin(0.21 * k) - 0.5, 0.25]),
  };
}

/** Batch k's gradients with `bad` written into one entry of w. */
function poisonedAt(k: number, bad: number): { w: tf.Tensor; b: tf.Tensor } {
  const g = gradsAt(k);
  const vals = g.w.dataSync().slice();
  vals[k % 12] = bad;
  g.w.dispose();
  return { w: tf.tensor2d(vals, [4, 3]), b: g.b };
}

/** Bit-level fingerprint: path, dtype, shape and raw bytes of every tensor; JSON of the rest. */
function bytes(state: unknown): string[] {
  return stateLeavesWithPaths(state).map(([path, leaf]) => {
    if (!(leaf instanceof tf.Tensor)) return `${path}:${JSON.stringify(leaf)}`;
    const d = leaf.dataSync();
    return `${path}:${leaf.dtype}[${leaf.shape}]:${Buffer.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).toString('hex')}`;
  });
}

function advance<S extends TrainState>(s: S, g: TensorTree, tx: Parameters<typeof step>[2]): S {
  const next = step(s, g, tx) as S;
  disposeTree(s);
  return next;
}

describe('applyIfFinite(shampoo(...))', () => {
  it('1,000 steps with 1% poisoned batches equal the run without those batches, bit for bit', () => {
    const steps = 1000;
    // 10 poisoned batches (1%), spread out, some on root steps of the clean count, NaN / +Inf / -Inf.
    const poisoned = new Map<number, number>();
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let j = 0; j < 10; j++) poisoned.set(7 + 97 * j + (j % 3), bad[j % 3]);
    const params = { w: tf.tensor2d([[0.5, -1, 0.2], [2, 0, 0.1], [-0.3, 0.7, 1], [0.4, -0.2, 0.9]]), b: tf.zeros([3]) };
    const inner = shampoo(options);
    const guarded = applyIfFinite(shampoo(options), { maxConsecutiveErrors: 1 });
    let clean = initTrainState(params, inner);
    let skipping = initTrainState(params, guarded);
    const before = tf.memory().numTensors;
    for (let k = 0; k < steps; k++) {
      const value = poisoned.get(k);
      const g = value === undefined ? gradsAt(k) : poisonedAt(k, value);
      skipping = advance(skipping, g, guarded);
      if (value === undefined) clean = advance(clean, g, inner);
      disposeTree(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    const st = skipping.optState as ApplyIfFiniteState;
    expect(st.totalNotFinite).toBe(10);
    expect(skipping.count).toBe(steps);
    expect(clean.count).toBe(steps - 10);
    expect(bytes(skipping.params)).toEqual(bytes(clean.params));
    expect(bytes(st.inner)).toEqual(bytes(clean.optState));
    disposeTree([clean, skipping, params]);
  });
});
