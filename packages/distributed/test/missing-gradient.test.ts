/**
 * docs/algorithms.md#missing-gradients on the data-parallel transform: it shares scaleByShampoo's
 * glue between leaves and blocks (leaf-blocks.ts), so a gradient tree that lacks a leaf gives
 * the same directions and the same state as scaleByShampoo, on one process and on 3 ranks.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { disposeTree, stateFingerprint, type GradientTransformation, type StateValue, type TensorTree } from '@shampoo-ts/core';
import { scaleByShampoo, shampoo, type ShampooOptions } from '@shampoo-ts/shampoo';
import { distributedScaleByShampoo, runThreadRanks, singleProcessCommunicator } from '@shampoo-ts/distributed';
import { averagedGradient, initialParams, rankGradient, testShampooOptions, train, withoutLeafAt } from './support/training.js';

const STEPS = 8;
const LACKING = [2, 3, 6];

/** rankGradient of rank 0 at step s, without the leaf 'conv' at the LACKING steps. */
function gradient(params: TensorTree, s: number): TensorTree {
  const g = rankGradient(params, 0, s) as Record<string, TensorTree>;
  if (!LACKING.includes(s)) return g;
  const { conv, ...rest } = g;
  disposeTree(conv);
  return rest;
}

const convBlocks = (fingerprint: string[]) => fingerprint.filter((line) => line.includes('conv#'));

/**
 * Steps scaleByShampoo and distributedScaleByShampoo (one process) side by side on the same
 * gradients (fixed parameters) and checks each step: the same directions and state, bit for bit.
 */
function sideBySide(options: ShampooOptions, withParams: boolean): void {
  const params = initialParams();
  const single = scaleByShampoo(options);
  const spread = distributedScaleByShampoo(options, { communicator: singleProcessCommunicator() });
  let a = single.init(params);
  let b = spread.init(params);
  let count = -1;
  for (let s = 1; s <= STEPS; s++) {
    const g = gradient(params, s);
    const before = stateFingerprint(a);
    const [ua, na] = single.update(g, a, withParams ? params : undefined);
    const [ub, nb] = spread.update(g, b, withParams ? params : undefined);
    expect(stateFingerprint(ub)).toEqual(stateFingerprint(ua));
    expect(stateFingerprint(nb.shampoo)).toEqual(stateFingerprint(na));
    if (LACKING.includes(s)) expect(convBlocks(stateFingerprint(na))).toEqual(convBlocks(before));
    else expect(convBlocks(stateFingerprint(na))).not.toEqual(convBlocks(before));
    expect(nb.shampoo.step).toBe(s);
    disposeTree([g, ua, ub, a, b]);
    a = na;
    b = nb;
    if (count < 0) count = tf.memory().numTensors;
    expect(tf.memory().numTensors).toBe(count);
  }
  disposeTree([params, a, b]);
}

describe('a missing gradient leaf in data-parallel Shampoo', () => {
  it('one process: the same directions and state as scaleByShampoo at every step (the lacking leaf untouched), with weight decay and params', () => {
    sideBySide(testShampooOptions(), true);
  });

  it('one process, no weight decay and no params: the same', () => {
    sideBySide({ ...testShampooOptions(), weightDecay: 0 }, false);
  });

  it('a gradient leaf that params lacks, or of another shape, is refused on every rank, naming the path; nothing changes', () => {
    const params = initialParams();
    const tx = distributedScaleByShampoo(testShampooOptions(), { communicator: singleProcessCommunicator() });
    const state = tx.init(params);
    const before = stateFingerprint(state);
    const g = rankGradient(params, 0, 1) as Record<string, TensorTree>;
    const extra = { ...g, head: tf.ones([2]) };
    const reshaped = { ...g, out: tf.ones([5, 17]) };
    const count = tf.memory().numTensors;
    expect(() => tx.update(extra, state, params)).toThrow(/rank 0 of 1 failed at step 1: distributedScaleByShampoo: updates at 'head' shape = \[2\] is not allowed; allowed: none: params has no leaf at this path/);
    expect(() => tx.update(reshaped, state, params)).toThrow(/updates at 'out' shape = \[5,17\] is not allowed; allowed: \[17,5\] \(the parameter's shape\)/);
    expect(tf.memory().numTensors).toBe(count);
    expect(stateFingerprint(state)).toEqual(before);
    disposeTree([params, state, g, extra.head, reshaped.out]);
  });

  it('3 worker-thread ranks equal one rank bit for bit when the gradients lack a leaf at some steps (the plan is the parameters\')', async () => {
    const fixture = new URL('./fixtures/missing-gradient.ts', import.meta.url);
    const results = await runThreadRanks<Record<string, number[]>>(3, fixture, 'missingGradient', { steps: STEPS, lacking: LACKING });
    const lacking = (tx: GradientTransformation<StateValue>) => withoutLeafAt(tx, 'conv', LACKING);
    const reference = train(lacking(shampoo(testShampooOptions()) as GradientTransformation<StateValue>), STEPS, (p, s) => averagedGradient(p, 3, s));
    for (const r of results) expect(r).toEqual(reference);
    const full = train(shampoo(testShampooOptions()) as GradientTransformation<StateValue>, STEPS, (p, s) => averagedGradient(p, 3, s));
    expect(reference.conv).not.toEqual(full.conv);
    // The problem is separable per leaf, and every other leaf steps as if 'conv' were absent.
    for (const path of ['dense/kernel', 'dense/bias', 'out']) expect(reference[path]).toEqual(full[path]);
  });
});
