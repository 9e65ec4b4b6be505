/** Shampoo refuses gradient leaves that are not live float32 tensors, naming the path, and changes nothing. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, stateLeavesWithPaths, type GradientTransformation } from '@shampoo-ts/core';
import { muon, scaleByShampoo, shampoo } from '@shampoo-ts/shampoo';

const txs: Array<[string, () => GradientTransformation<any>]> = [
  ['scaleByShampoo', () => scaleByShampoo({ preconditionFrequency: 1 })],
  ['shampoo', () => shampoo({ preconditionFrequency: 1 })],
  ['muon', () => muon()],
];

const bad: Array<[string, () => tf.Tensor, RegExp]> = [
  ['int32', () => tf.ones([3, 2], 'int32'), /has dtype int32; allowed: float32/],
  ['bool', () => tf.ones([3, 2], 'bool'), /has dtype bool; allowed: float32/],
  ['disposed', () => { const t = tf.ones([3, 2]); t.dispose(); return t; }, /is disposed; allowed: a live float32 tensor/],
];

describe('gradient leaves', () => {
  for (const [name, make] of txs) {
    for (const [kind, makeBad, pattern] of bad) {
      it(`${name}: a ${kind} gradient at 'layer/kernel' is refused, naming the path; nothing is created or changed`, () => {
        const params = { layer: { kernel: tf.ones([3, 2]), bias: tf.zeros([2]) } };
        const tx = make();
        const state = tx.init(params);
        const leaves = () => stateLeavesWithPaths(state).map(([p, l]) => `${p}:${l instanceof tf.Tensor ? Array.from(l.dataSync()) : JSON.stringify(l)}`);
        const before = leaves();
        const kernel = makeBad();
        const bias = tf.ones([2]);
        const count = tf.memory().numTensors;
        expect(() => tx.update({ layer: { kernel, bias } }, state, params)).toThrow(pattern);
        expect(() => tx.update({ layer: { kernel, bias } }, state, params)).toThrow(/'layer\/kernel'/);
        expect(tf.memory().numTensors).toBe(count);
        expect(leaves()).toEqual(before);
        disposeTree([params, state, kernel, bias]);
      });
    }
  }
});
