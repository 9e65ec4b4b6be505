/**
 * The four grafting strategies with the reference's defaults:
 *   SGD                          P = d
 *   AdaGrad  (epsilon 1e-10)     v += g^2,                       P = d / (sqrt(v) + eps)
 *   RMSprop  (beta2 0.99, 1e-10) v = beta2 v + (1 - beta2) g^2,  P = d / (sqrt(v) + eps)
 *   Adam     (beta2 0.999, 1e-10) as RMSprop, with v / (1 - beta2^t) under the root
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkKnownOptions } from '@shampoo-ts/core/authoring';
import { diagonalGrafting } from './diagonal.js';
import type { GraftingStrategy } from './strategy.js';

/** The option names each strategy factory accepts (anything else is rejected as a typo). */
export const GRAFTING_OPTION_NAMES = {
  sgd: [],
  adagrad: ['epsilon'],
  rmsprop: ['beta2', 'epsilon'],
  adam: ['beta2', 'epsilon', 'useBiasCorrection'],
} as const satisfies Record<string, readonly string[]>;

/** SGD grafting: no state, the direction is the search direction itself. Takes no options. */
export function sgdGrafting(options: Record<string, never> = {}): GraftingStrategy {
  checkKnownOptions('sgdGrafting', options, GRAFTING_OPTION_NAMES.sgd);
  return Object.freeze({
    kind: 'sgd' as const,
    beta2: 1,
    epsilon: 0,
    useBiasCorrection: false,
    init: () => null,
    accumulate: () => null,
    direction: (_state: unknown, searchDirection: tf.Tensor) => tf.clone(searchDirection),
  });
}

/** AdaGrad grafting: v += g^2, P = d / (sqrt(v) + epsilon). Default epsilon 1e-10. */
export function adagradGrafting(options: { epsilon?: number } = {}): GraftingStrategy {
  checkKnownOptions('adagradGrafting', options, GRAFTING_OPTION_NAMES.adagrad);
  return diagonalGrafting('adagrad', { beta2: 1, epsilon: options.epsilon ?? 1e-10, useBiasCorrection: false }, 'adagradGrafting');
}

/** RMSprop grafting: v = beta2 v + (1 - beta2) g^2, P = d / (sqrt(v) + epsilon), no bias correction. Defaults 0.99, 1e-10. */
export function rmspropGrafting(options: { beta2?: number; epsilon?: number } = {}): GraftingStrategy {
  checkKnownOptions('rmspropGrafting', options, GRAFTING_OPTION_NAMES.rmsprop);
  return diagonalGrafting(
    'rmsprop',
    { beta2: options.beta2 ?? 0.99, epsilon: options.epsilon ?? 1e-10, useBiasCorrection: false },
    'rmspropGrafting',
  );
}

/** Adam grafting: as RMSprop, with v / (1 - beta2^t) under the root. Defaults 0.999, 1e-10, bias correction on. */
export function adamGrafting(options: { beta2?: number; epsilon?: number; useBiasCorrection?: boolean } = {}): GraftingStrategy {
  checkKnownOptions('adamGrafting', options, GRAFTING_OPTION_NAMES.adam);
  return diagonalGrafting(
    'adam',
    { beta2: options.beta2 ?? 0.999, epsilon: options.epsilon ?? 1e-10, useBiasCorrection: options.useBiasCorrection ?? true },
    'adamGrafting',
  );
}
