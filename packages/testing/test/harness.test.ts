import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, type TensorTree } from '@shampoo-ts/core';
import { assertEquivalentOnCase, assertEquivalentTransforms, checkTransformCase, checkTransformInvariants } from '@shampoo-ts/testing';
import {
  aliasingIdentity,
  castingSgd,
  disposingSgd,
  flatteningSgd,
  growingStateSgd,
  leakingSgd,
  momentum,
  mutatingSgd,
  sgd,
  sharingMomentum,
  sqrtSgd,
  typedArrayState,
} from './transforms.js';

const quick = { fc: { numRuns: 40, endOnFailure: true } };

function countTensorsAround(fn: () => void): number {
  const before = tf.memory().numTensors;
  try {
    fn();
  } catch {
    // the failure itself is asserted by the caller
  }
  return tf.memory().numTensors - before;
}

describe('checkTransformInvariants accepts correct transforms', () => {
  it('plain SGD and momentum pass, and the harness itself leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    checkTransformInvariants(() => sgd(0.1));
    checkTransformInvariants(() => momentum(0.1, 0.9), { gradients: { steps: 4 } });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checkTransformInvariants catches broken transforms', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['a leaking transform', () => checkTransformInvariants(() => leakingSgd(0.1), quick), /leaked 1 tensor\(s\): tf.memory\(\).numTensors went from/],
    ['a shape-changing transform', () => checkTransformInvariants(() => flatteningSgd(0.1), quick), /updates do not match the gradients at .*: gradients have tensor of shape/],
    ['a NaN-producing transform', () => checkTransformInvariants(() => sqrtSgd(0.1), quick), /updates at .* holds NaN at flat index \d+ \(all inputs were finite\)/],
    ['a transform that disposes its gradients', () => checkTransformInvariants(() => disposingSgd(0.1), quick), /gradients at .* was disposed/],
    ['a transform that mutates its state', () => checkTransformInvariants(() => mutatingSgd(0.1), quick), /state at 'count' was changed in place from 0 to 1/],
    ['a transform returning its input tensors', () => checkTransformInvariants(aliasingIdentity, quick), /updates at .* is the same tensor object as the gradients/],
    ['a transform changing the dtype', () => checkTransformInvariants(castingSgd, quick), /have dtype int32; the gradients have float32/],
    ['a transform sharing a tensor between updates and state', () => checkTransformInvariants(() => sharingMomentum(0.9), quick), /the new state at 'trace.*' is the same tensor object as updates at/],
    ['a transform with a typed array in its state', () => checkTransformInvariants(typedArrayState, quick), /the initial state is not plain state data/],
    ['a transform whose state grows', () => checkTransformInvariants(() => growingStateSgd(0.1), quick), /the state changed structure/],
  ];
  for (const [name, run, message] of cases) {
    it(`fails on ${name}, with a message naming the invariant, and cleans up`, () => {
      expect(run).toThrow(message);
      expect(countTensorsAround(run)).toBe(0);
    });
  }

  it('reports the seed and the counterexample through fast-check', () => {
    expect(() => checkTransformInvariants(() => leakingSgd(0.1), quick)).toThrow(/seed: -?\d+.*Counterexample/s);
  });
});

describe('checkTransformCase on a concrete tree', () => {
  it('checks a named model tree and names the step of the failure', () => {
    const params: TensorTree = { dense1: { kernel: tf.ones([2, 3]), bias: tf.zeros([3]) } };
    const grads = [0.5, -1, 2].map((s) => ({ dense1: { kernel: tf.fill([2, 3], s), bias: tf.fill([3], s) } }));
    try {
      checkTransformCase(momentum(0.1, 0.9), params, grads);
      expect(() => checkTransformCase(sqrtSgd(0.1), params, grads)).toThrow(/^update at step 2: updates at 'dense1\/bias' holds NaN/);
    } finally {
      disposeTree([params, grads]);
    }
  });
});

describe('assertEquivalentTransforms', () => {
  it('momentum with beta = 0 is SGD', () => {
    assertEquivalentTransforms(() => momentum(0.05, 0), () => sgd(0.05), { steps: 5, tol: 0 });
  });

  it('fails when learning rates differ by 1e-3 relative, naming the step and the path', () => {
    expect(() =>
      assertEquivalentTransforms(() => sgd(0.1), () => sgd(0.1001), { steps: 3, fc: { numRuns: 20, endOnFailure: true }, names: ['sgd(0.1)', 'sgd(0.1001)'] }),
    ).toThrow(/step 1: updates of sgd\(0.1\) and sgd\(0.1001\) differ: trees differ at .*worst at/);
  });

  it('sees momentum differ from SGD only from step 2 on', () => {
    const params = { w: tf.zeros([2]) };
    const grads = [tf.ones([2]), tf.ones([2])].map((w) => ({ w }));
    try {
      expect(() => assertEquivalentOnCase(momentum(0.1, 0.9), sgd(0.1), params, grads)).toThrow(/^step 2: updates of A and B differ: trees differ at 'w'/);
    } finally {
      disposeTree([params, grads]);
    }
  });
});
