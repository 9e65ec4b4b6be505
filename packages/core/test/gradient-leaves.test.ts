/** Gradient leaves that are not live float32 tensors are refused at every entry, naming the path; nothing changes. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  adam,
  adamw,
  disposeTree,
  initTrainState,
  scaleByAdam,
  sgd,
  step,
  type GradientTransformation,
  type TensorTree,
} from '@shampoo-ts/core';
import { stateBytes } from './support/compare.js';
import { expectThrowsNoLeak } from './support/leaks.js';

/** A bad kernel gradient, and the patterns its error must match. */
const badKernels: Array<[string, () => tf.Tensor, RegExp[]]> = [
  ['int32', () => tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), [/dtype int32/, /allowed: float32/]],
  ['bool', () => tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'bool'), [/dtype bool/, /allowed: float32/]],
  ['string', () => tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string'), [/dtype string/, /allowed: float32/]],
  ['disposed', () => { const t = tf.ones([2, 2]); t.dispose(); return t; }, [/is disposed/, /allowed: a live float32 tensor/]],
];

const transforms: Array<[string, () => GradientTransformation<any>]> = [
  ['adam', () => adam({ learningRate: 0.1 })],
  ['adamw', () => adamw({ learningRate: 0.1 })],
  ['sgd', () => sgd({ learningRate: 0.1 })],
  ['sgd with momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 })],
  ['scaleByAdam', () => scaleByAdam()],
];

describe('gradient leaves', () => {
  for (const [kind, makeBad, patterns] of badKernels) {
    for (const [name, make] of transforms) {
      it(`${name}: a ${kind} gradient leaf is refused by step() and by update(), naming its path`, () => {
        const params = { dense: { kernel: tf.ones([2, 2]), bias: tf.zeros([2]) } };
        const tx = make();
        const state = initTrainState(params, tx);
        const bias = tf.ones([2]);
        const kernel = makeBad();
        const grads: TensorTree = { dense: { kernel, bias } };
        const before = stateBytes(state);
        expectThrowsNoLeak(() => step(state, grads, tx), /'dense\/kernel'/, ...patterns);
        expectThrowsNoLeak(() => tx.update(grads, state.optState, state.params), /'dense\/kernel'/, ...patterns);
        expect(stateBytes(state)).toEqual(before);
        disposeTree([params, state, bias, kernel]);
      });
    }
  }
});
