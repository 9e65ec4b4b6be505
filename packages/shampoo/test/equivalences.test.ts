/**
 * Equivalences of docs/algorithms.md#known-answers: with startPreconditioningStep = Infinity Shampoo
 * is its grafting method; eigenvalue-corrected Shampoo without grafting is Adam; corrected
 * weight decay with lr = peakLr is AdamW; classic momentum is SGD with momentum.
 * Checked step by step over random trees and gradient sequences (the testing kit's oracle).
 */
import { describe, it } from 'vitest';
import { adagrad, adam, adamw, rmsprop, sgd } from '@shampoo-ts/core';
import { adagradGrafting, adamGrafting, rmspropGrafting, sgdGrafting } from '@shampoo-ts/grafting';
import { shampoo } from '@shampoo-ts/shampoo';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';

const lr = 0.05;
const never = Infinity;
const run = { steps: 6, fc: { numRuns: 15 }, tol: { rtol: 2e-5, atol: 1e-6 } };

describe('Shampoo with startPreconditioningStep = Infinity equals its grafting method', () => {
  it('SGD grafting, beta1 = 0: plain SGD', () => {
    assertEquivalentTransforms(
      () => shampoo({ lr, betas: [0, 1], startPreconditioningStep: never, grafting: sgdGrafting() }),
      () => sgd({ learningRate: lr }),
      { ...run, names: ['shampoo', 'sgd'] },
    );
  });

  it('AdaGrad grafting, beta1 = 0: AdaGrad with a zero accumulator and epsilon outside the root', () => {
    assertEquivalentTransforms(
      () => shampoo({ lr, betas: [0, 1], startPreconditioningStep: never, grafting: adagradGrafting({ epsilon: 1e-10 }) }),
      () => adagrad({ learningRate: lr, initialAccumulatorValue: 0, eps: 1e-10, epsInSqrt: false }),
      { ...run, names: ['shampoo', 'adagrad'] },
    );
  });

  it('RMSprop grafting, beta1 = 0: RMSprop (decay 0.99) with epsilon outside the root', () => {
    assertEquivalentTransforms(
      () => shampoo({ lr, betas: [0, 1], startPreconditioningStep: never, grafting: rmspropGrafting() }),
      () => rmsprop({ learningRate: lr, decay: 0.99, eps: 1e-10, epsInSqrt: false }),
      { ...run, names: ['shampoo', 'rmsprop'] },
    );
  });

  it('Adam grafting with beta1 = 0.9: Adam', () => {
    assertEquivalentTransforms(
      () => shampoo({ lr, betas: [0.9, 0.999], startPreconditioningStep: never, grafting: adamGrafting({ epsilon: 1e-8 }) }),
      () => adam({ learningRate: lr, b1: 0.9, b2: 0.999, eps: 1e-8 }),
      { ...run, names: ['shampoo', 'adam'] },
    );
  });

  it('Adam grafting with decoupled weight decay: AdamW', () => {
    assertEquivalentTransforms(
      () => shampoo({ lr, betas: [0.9, 0.999], weightDecay: 0.1, startPreconditioningStep: never, grafting: adamGrafting({ epsilon: 1e-8 }) }),
      () => adamw({ learningRate: lr, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0.1 }),
      { ...run, names: ['shampoo', 'adamw'] },
    );
  });

  it("corrected weight decay with lr = peakLr: AdamW", () => {
    assertEquivalentTransforms(
      () =>
        shampoo({
          lr, peakLr: lr, betas: [0.9, 0.999], weightDecay: 0.1, weightDecayType: 'corrected',
          startPreconditioningStep: never, grafting: adamGrafting({ epsilon: 1e-8 }),
        }),
      () => adamw({ learningRate: lr, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0.1 }),
      { ...run, names: ['shampoo (corrected)', 'adamw'] },
    );
  });
});

describe('other equivalences', () => {
  it('eigenvalue-corrected Shampoo without grafting (identity basis): Adam', () => {
    assertEquivalentTransforms(
      () =>
        shampoo({
          lr, betas: [0.9, 0.999], epsilon: 1e-8, startPreconditioningStep: never,
          preconditioner: { type: 'eigenvalue-corrected' },
        }),
      () => adam({ learningRate: lr, b1: 0.9, b2: 0.999, eps: 1e-8 }),
      { ...run, names: ['eigenvalue-corrected', 'adam'] },
    );
  });

  it('classic momentum (identity roots, beta1 = 0): SGD with momentum, also Nesterov', () => {
    for (const nesterov of [false, true]) {
      assertEquivalentTransforms(
        () => shampoo({ lr, betas: [0, 1], startPreconditioningStep: never, momentum: { momentum: 0.9, nesterov } }),
        () => sgd({ learningRate: lr, momentum: 0.9, nesterov }),
        { ...run, names: [`shampoo momentum (nesterov ${nesterov})`, 'sgd momentum'] },
      );
    }
  });
});
