/**
 * The recipes take `learningRate` as a number or a schedule, as core's aliases do
 * (adamw({ learningRate })), and `lr`, the reference's name, as its alias. A schedule works
 * without injectHyperparams: u_t = -lr_t P_t, and 'corrected' weight decay folds
 * alpha_t = wd lr_t / peakLr into P_t with the schedule's value at each step.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adamw, disposeTree, injectHyperparams, sgd, warmupCosineDecay } from '@shampoo-ts/core';
import { sgdGrafting } from '@shampoo-ts/grafting';
import { klShampoo, muon, scaleByShampoo, shampoo, soap } from '@shampoo-ts/shampoo';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';

/** Shampoo reduced to SGD: identity roots, no filtering, so only the learning rate and the decay act. */
const plain = { betas: [0, 1] as [number, number], startPreconditioningStep: Infinity, grafting: sgdGrafting() };
const schedule = warmupCosineDecay({ initValue: 0.01, peakValue: 0.1, warmupSteps: 2, decaySteps: 6 });

describe('learningRate: a number or a schedule', () => {
  it("'corrected' decay with a schedule uses wd lr_t / peakLr at every step, without injectHyperparams", () => {
    // Zero gradient, W = 1: u_t = -lr_t alpha_t W, alpha_t = wd lr_t / peakLr. With lr_t = 0.1,
    // 0.2, 0.4, wd = 0.5, peakLr = 0.4: u = -lr_t^2 * 1.25 = -0.0125, -0.05, -0.2 (by hand;
    // 'decoupled' would give -lr_t wd = -0.05, -0.1, -0.2, and alpha from lr_0 alone -0.0125, -0.025, -0.05).
    const lrs = [0.1, 0.2, 0.4];
    for (const name of ['learningRate', 'lr'] as const) {
      const params = { w: tf.ones([1]) };
      const grads = lrs.map(() => ({ w: tf.zeros([1]) }));
      const tx = shampoo({ ...plain, weightDecay: 0.5, weightDecayType: 'corrected', peakLr: 0.4, [name]: (count: number) => lrs[count] });
      const { updates, state } = runUpdates(tx, params, grads);
      expectClose(updates.map((u) => u[0][0]), [-0.0125, -0.05, -0.2], 1e-6, 1e-9, name);
      disposeTree([params, grads, state as never]);
    }
  });

  it('a schedule scales the direction by lr_t (Shampoo reduced to SGD = core sgd with the schedule)', () => {
    assertEquivalentTransforms(
      () => shampoo({ ...plain, learningRate: schedule }),
      () => sgd({ learningRate: schedule }),
      { steps: 5, fc: { numRuns: 5 }, tol: { rtol: 1e-5, atol: 1e-7 }, names: ['shampoo({ learningRate: schedule })', 'sgd'] },
    );
  });

  it('equals the injected recipe, injectHyperparams(shampoo)({ lr: schedule }), with corrected decay and schedule-free averaging', () => {
    const common = { weightDecay: 0.1, weightDecayType: 'corrected' as const, peakLr: 0.1, preconditionFrequency: 2 };
    const injected = injectHyperparams(shampoo, { staticArgs: ['iterateAveraging'] });
    assertEquivalentTransforms(
      () => shampoo({ ...common, learningRate: schedule }),
      () => injected({ ...common, lr: schedule }),
      { steps: 4, fc: { numRuns: 4 }, tol: { rtol: 1e-4, atol: 1e-6 }, names: ['shampoo({ learningRate })', 'injected shampoo'] },
    );
    assertEquivalentTransforms(
      () => shampoo({ ...common, iterateAveraging: { type: 'schedule-free' }, learningRate: schedule }),
      () => injected({ ...common, iterateAveraging: { type: 'schedule-free' }, lr: schedule }),
      { steps: 4, fc: { numRuns: 4 }, tol: { rtol: 1e-4, atol: 1e-6 }, names: ['schedule-free shampoo({ learningRate })', 'injected'] },
    );
  });

  it('a number gives the same steps under either name', () => {
    assertEquivalentTransforms(
      () => shampoo({ learningRate: 0.03, weightDecay: 0.1, weightDecayType: 'corrected', peakLr: 0.05 }),
      () => shampoo({ lr: 0.03, weightDecay: 0.1, weightDecayType: 'corrected', peakLr: 0.05 }),
      { steps: 3, fc: { numRuns: 3 }, tol: { rtol: 0, atol: 0 }, names: ['learningRate', 'lr'] },
    );
  });

  it('soap, klShampoo and muon take a schedule too (muon passes it to its AdamW group)', () => {
    for (const tx of [soap({ learningRate: schedule }), klShampoo({ learningRate: schedule }), muon({ learningRate: schedule })]) {
      expect(typeof tx.update).toBe('function');
    }
    assertEquivalentTransforms(
      () => muon({ learningRate: schedule, isMatrixParam: () => false }),
      () => adamw({ learningRate: schedule, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0 }),
      { steps: 4, fc: { numRuns: 4 }, tol: { rtol: 1e-6, atol: 1e-8 }, names: ['muon, no matrices', 'adamw'] },
    );
  });

  it('leaks no tensor across steps with a schedule and corrected decay', () => {
    const params = { w: tf.randomNormal([3, 2]), b: tf.randomNormal([2]) };
    const tx = shampoo({ learningRate: schedule, weightDecay: 0.1, weightDecayType: 'corrected', peakLr: 0.1 });
    let state = tx.init(params);
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const grads = { w: tf.randomNormal([3, 2]), b: tf.randomNormal([2]) };
      const [u, next] = tx.update(grads, state, params);
      disposeTree([u, grads, state as never]);
      state = next;
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    disposeTree([params, state as never]);
  });

  it('refuses bad values naming the option, and both names at once', () => {
    expect(() => shampoo({ learningRate: -1 })).toThrow('shampoo: learningRate = -1 is not allowed; allowed: a finite number >= 0');
    expect(() => shampoo({ lr: Number.NaN })).toThrow('shampoo: lr = NaN is not allowed; allowed: a finite number >= 0');
    expect(() => shampoo({ learningRate: 0.1, lr: 0.1 })).toThrow('shampoo: lr = 0.1 is not allowed; allowed: absent when learningRate is given');
    expect(() => muon({ learningRate: 0.1, lr: 0.1 })).toThrow('muon: lr = 0.1 is not allowed; allowed: absent when learningRate is given');
    expect(() => scaleByShampoo({ learningRate: -2 })).toThrow('scaleByShampoo: learningRate = -2 is not allowed; allowed: a finite number >= 0');
    expect(() => scaleByShampoo({ learningRate: schedule })).toThrow(
      'scaleByShampoo: learningRate = a function is not allowed; allowed: a finite number >= 0 (scaleByShampoo builds one direction; for a schedule use shampoo({ learningRate: schedule })',
    );
  });

  it('a schedule value below 0 is refused at that step, naming the count', () => {
    const params = { w: tf.ones([2]) };
    const tx = shampoo({ ...plain, learningRate: (count: number) => (count === 0 ? 0.1 : -1) });
    const state = tx.init(params);
    const [u, next] = tx.update({ w: tf.ones([2]) }, state, params);
    expect(() => tx.update({ w: tf.ones([2]) }, next, params)).toThrow('learningRate (schedule at count 1) = -1 is not allowed');
    disposeTree([params, u, state as never, next as never]);
  });
});
