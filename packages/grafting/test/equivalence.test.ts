/**
 * Each grafting strategy used alone (scaleByGrafting + learning rate) equals core's
 * diagonal optimizer step for step, once the settings that differ by convention are
 * aligned: a zero initial accumulator, epsilon outside the square root, beta1 = 0 for Adam.
 */
import { describe, it } from 'vitest';
import { adagrad, adam, chain, rmsprop, scaleByLearningRate, sgd } from '@shampoo-ts/core';
import { adagradGrafting, adamGrafting, rmspropGrafting, scaleByGrafting, sgdGrafting } from '@shampoo-ts/grafting';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';

const lr = 0.03;
const run = { steps: 6, fc: { numRuns: 15 }, tol: { rtol: 2e-5, atol: 1e-6 } };
const alone = (s: ReturnType<typeof sgdGrafting>) => () => chain(scaleByGrafting(s), scaleByLearningRate(lr));

describe('grafting strategies as standalone transforms equal core diagonal optimizers', () => {
  it('SGD', () => {
    assertEquivalentTransforms(alone(sgdGrafting()), () => sgd({ learningRate: lr }), { ...run, names: ['sgdGrafting', 'sgd'] });
  });
  it('AdaGrad (zero initial accumulator, eps outside the root)', () => {
    assertEquivalentTransforms(alone(adagradGrafting()), () => adagrad({ learningRate: lr, initialAccumulatorValue: 0, eps: 1e-10, epsInSqrt: false }), {
      ...run, names: ['adagradGrafting', 'adagrad'],
    });
  });
  it('RMSprop (decay 0.99, eps outside the root)', () => {
    assertEquivalentTransforms(alone(rmspropGrafting()), () => rmsprop({ learningRate: lr, decay: 0.99, eps: 1e-10, epsInSqrt: false }), {
      ...run, names: ['rmspropGrafting', 'rmsprop'],
    });
  });
  it('Adam with b1 = 0 (grafting has no first moment: Shampoo supplies the filtered gradient)', () => {
    assertEquivalentTransforms(alone(adamGrafting({ epsilon: 1e-8 })), () => adam({ learningRate: lr, b1: 0, b2: 0.999, eps: 1e-8 }), {
      ...run, names: ['adamGrafting', 'adam(b1 = 0)'],
    });
  });
});
