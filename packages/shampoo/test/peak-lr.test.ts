/**
 * peakLr is what 'corrected' (alpha = wd lr / peakLr) and 'independent' (alpha = wd / peakLr)
 * weight decay divide by. It is required exactly for those two types and ignored otherwise, so
 * lr = 0 and a warmup that starts at 0 need no peakLr. Under injectHyperparams the factory is
 * rebuilt every step with the scheduled lr, so a peakLr defaulting to lr would make lr / peakLr
 * = 1: 'corrected' would silently be 'decoupled'. Hence no default.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, injectHyperparams, sgd, warmupCosineDecay } from '@shampoo-ts/core';
import { sgdGrafting } from '@shampoo-ts/grafting';
import { scaleByShampoo, shampoo } from '@shampoo-ts/shampoo';
import { resolveShampooConfig } from '@shampoo-ts/shampoo/engine';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';

/** Shampoo reduced to SGD: identity roots, no filtering, so only the learning rate and the decay act. */
const plain = { betas: [0, 1] as [number, number], startPreconditioningStep: Infinity, grafting: sgdGrafting() };

describe('peakLr', () => {
  it('is not needed with lr = 0 nor for l2 / decoupled decay', () => {
    expect(() => scaleByShampoo({ lr: 0 })).not.toThrow();
    expect(() => shampoo({ lr: 0, weightDecay: 0.1, weightDecayType: 'decoupled' })).not.toThrow();
    expect(() => shampoo({ lr: 0, weightDecay: 0.1, weightDecayType: 'l2' })).not.toThrow();
    expect(resolveShampooConfig({ lr: 0.1 }).peakLr).toBeNull();
    const params = { w: tf.ones([2]) };
    const { updates, state } = runUpdates(shampoo({ ...plain, lr: 0 }), params, [{ w: tf.tensor1d([1, -2]) }]);
    expectClose(updates[0][0], [0, 0], 0, 0);
    disposeTree([params, state as never]);
  });

  it('is not needed by a warmup schedule that starts at 0 (injected Shampoo = core sgd with that schedule)', () => {
    const schedule = warmupCosineDecay({ initValue: 0, peakValue: 0.1, warmupSteps: 2, decaySteps: 6 });
    assertEquivalentTransforms(
      () => injectHyperparams(shampoo, { staticArgs: ['startPreconditioningStep', 'grafting'] })({ ...plain, lr: schedule }),
      () => sgd({ learningRate: schedule }),
      { steps: 5, fc: { numRuns: 5 }, tol: { rtol: 1e-5, atol: 1e-7 }, names: ['injected shampoo, warmup from 0', 'sgd'] },
    );
  });

  it("is required for 'corrected' and 'independent' decay, naming the parameter and why", () => {
    for (const weightDecayType of ['corrected', 'independent'] as const) {
      expect(() => scaleByShampoo({ lr: 0.1, weightDecay: 0.1, weightDecayType })).toThrow(
        `scaleByShampoo: peakLr = undefined is not allowed; allowed: a finite number > 0 (required with weightDecayType '${weightDecayType}'`,
      );
    }
    expect(() => scaleByShampoo({ weightDecayType: 'corrected', weightDecay: 0.1, peakLr: 0 })).toThrow('scaleByShampoo: peakLr = 0 is not allowed');
    expect(() => scaleByShampoo({ peakLr: Number.NaN })).toThrow('scaleByShampoo: peakLr = NaN is not allowed');
  });

  it("under an injected lr schedule, 'corrected' stays wd lr_t / peakLr (never the 'decoupled' wd)", () => {
    // Zero gradient, W = 1 held fixed: u_t = -lr_t alpha_t W with alpha_t = wd lr_t / peakLr.
    // lr_t = 0.1, 0.2, 0.4 (counts 0, 1, 2), wd = 0.5, peakLr = 0.4:
    //   u = -0.1^2 * 1.25, -0.2^2 * 1.25, -0.4^2 * 1.25 = -0.0125, -0.05, -0.2
    // ('decoupled' would give -lr_t wd = -0.05, -0.1, -0.2.)
    const lrs = [0.1, 0.2, 0.4];
    const opts = { ...plain, weightDecay: 0.5, weightDecayType: 'corrected' as const };
    const injected = injectHyperparams(shampoo, { staticArgs: ['startPreconditioningStep', 'grafting'] });
    const params = { w: tf.ones([1]) };
    const grads = lrs.map(() => ({ w: tf.zeros([1]) }));
    const { updates, state } = runUpdates(injected({ ...opts, lr: (count: number) => lrs[count], peakLr: 0.4 }), params, grads);
    expectClose(updates.map((u) => u[0][0]), [-0.0125, -0.05, -0.2], 1e-6, 1e-9);
    expect(() => injected({ ...opts, lr: (count: number) => lrs[count] })).toThrow("scaleByShampoo: peakLr = undefined is not allowed");
    disposeTree([params, grads, state as never]);
  });
});
