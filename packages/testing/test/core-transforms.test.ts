/**
 * The harness on @shampoo-ts/core's own optimizers: core cannot import this kit (it would
 * be a cycle), so the kit checks core's recipes here.
 */
import { describe, it } from 'vitest';
import { adagrad, adam, adamw, chain, clipByGlobalNorm, rmsprop, sgd, type GradientTransformation } from '@shampoo-ts/core';
import { checkTransformInvariants } from '@shampoo-ts/testing';

const recipes: Record<string, () => GradientTransformation<any>> = {
  'sgd': () => sgd({ learningRate: 0.1 }),
  'sgd with Nesterov momentum': () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  'adam': () => adam({ learningRate: 0.1 }),
  'adamw': () => adamw({ learningRate: 0.1, weightDecay: 0.01 }),
  'adagrad': () => adagrad({ learningRate: 0.1 }),
  'rmsprop': () => rmsprop({ learningRate: 0.1 }),
  'chain(clipByGlobalNorm, adam)': () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 })),
};

describe("core's optimizers keep the transform invariants", () => {
  for (const [name, make] of Object.entries(recipes)) {
    it(name, () => {
      checkTransformInvariants(make, { fc: { numRuns: 25 } });
    });
  }
});
