/**
 * The one recipe behind shampoo, soap, klShampoo and data-parallel Shampoo: a direction P
 * (scaleByShampoo or its distributed form) followed by the learning rate,
 *   u_t = -lr_t P_t          [then iterate averaging, when configured]
 * with lr_t = learningRate, or learningRate(t) for a schedule (t = 0, 1, ...: the count of
 * core's scaleByLearningRate). P reads lr only for 'corrected' weight decay,
 *   P_t = ... + alpha_t W,   alpha_t = wd lr_t / peakLr,
 * so with a schedule and that decay P's transform is rebuilt with lr_t at every step (core's
 * injectHyperparams over lr alone); the averaging, which weights by lr_t and shrinks z by
 * 1 - lr_t alpha_t, is rebuilt likewise. Otherwise each part is built once.
 */
import { chain, injectHyperparams, scaleByLearningRate, type GradientTransformation, type Schedule, type StateValue } from '@shampoo-ts/core';
import { decoupledWeightDecay } from './block-engine.js';
import type { ShampooOptions } from './config.js';
import { iterateAveraging, type IterateAveragingConfig } from './iterate-averaging.js';
import { recipeLearningRate } from './learning-rate.js';

/** The default learning rate of the Shampoo recipes. */
export const DEFAULT_SHAMPOO_LEARNING_RATE = 1e-2;

/** A transform built from the learning rate lr_t: built once for a number, at every step for a schedule. */
function atLearningRate(rate: number | Schedule, build: (lr: number) => GradientTransformation<any>): GradientTransformation<any> {
  if (typeof rate === 'number') return build(rate);
  return injectHyperparams((h: { lr: number }) => build(h.lr))({ lr: rate });
}

function withoutLearningRate(options: ShampooOptions): ShampooOptions {
  const { learningRate: _learningRate, lr: _lr, ...rest } = options;
  return rest;
}

/**
 * What follows the direction P of a Shampoo step built from `options` (already validated by
 * scaleByShampoo or its distributed form): the learning rate, u = -lr_t P, and with
 * iterateAveraging the averaging, which applies the decoupled weight decay to z:
 *   [scaleByLearningRate(lr)]  or  [scaleByLearningRate(lr), iterateAveraging(config, lr_t, alpha_t)]
 */
export function afterShampooDirection(options: ShampooOptions): GradientTransformation<any>[] {
  const rate = recipeLearningRate('shampoo', options, DEFAULT_SHAMPOO_LEARNING_RATE);
  const steps: GradientTransformation<any>[] = [scaleByLearningRate(rate)];
  const averaging: IterateAveragingConfig | null = options.iterateAveraging ?? null;
  if (averaging === null) return steps;
  const decay = { weightDecay: options.weightDecay ?? 0, weightDecayType: options.weightDecayType ?? 'decoupled', peakLr: options.peakLr ?? null } as const;
  return [...steps, atLearningRate(rate, (lr) => iterateAveraging(averaging, lr, decoupledWeightDecay({ ...decay, lr })))];
}

/** True when the direction P depends on lr: 'corrected' decay folded into P (not into the averaging). */
function directionReadsLearningRate(options: ShampooOptions): boolean {
  return options.weightDecayType === 'corrected' && (options.weightDecay ?? 0) > 0 && (options.iterateAveraging ?? null) === null;
}

/**
 * The recipe (see the module comment): chain(direction(options), ...afterShampooDirection(options)),
 * with a learning-rate schedule applied at every step, without injectHyperparams around it.
 */
export function shampooRecipe(
  direction: (options: ShampooOptions) => GradientTransformation<any>,
  options: ShampooOptions,
): GradientTransformation<StateValue[]> {
  if (options === null || typeof options !== 'object') return chain(direction(options));
  const rate = recipeLearningRate('shampoo', options, DEFAULT_SHAMPOO_LEARNING_RATE);
  if (typeof rate === 'number') return chain(direction(options), ...afterShampooDirection(options));
  const rest = withoutLearningRate(options);
  const p = directionReadsLearningRate(options) ? atLearningRate(rate, (lr) => direction({ ...rest, lr })) : direction(rest);
  return chain(p, ...afterShampooDirection(options));
}
