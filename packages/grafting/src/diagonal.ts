/**
 * The one implementation behind AdaGrad, RMSprop and Adam grafting: a diagonal
 * second-moment accumulator
 *   v_t = beta2 v_{t-1} + w g_t^2,        w = 1 if beta2 = 1 else 1 - beta2,
 * and the direction
 *   P_t = d_t / (sqrt(v_t / bc_t) + epsilon),   bc_t = 1 - beta2^t (bias correction on, beta2 < 1), else 1.
 * epsilon sits OUTSIDE the square root (as in the reference and in Adam); see
 * docs/algorithms.md for how this differs from tfjs's and optax's AdaGrad.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraftingBlockState, GraftingKind, GraftingStrategy } from './strategy.js';
import { biasCorrection, checkBoolean, checkNumber } from '@shampoo-ts/core/authoring';

/** Settings of a diagonal grafting strategy. */
export interface DiagonalGraftingOptions {
  beta2: number;
  epsilon: number;
  useBiasCorrection: boolean;
}

/** Bias correction of the second moment at `step` (>= 1): 1 - beta2^step, or 1 when off or beta2 = 1 (core's biasCorrection). */
export { biasCorrection as secondMomentBiasCorrection } from '@shampoo-ts/core';

/**
 * A diagonal grafting strategy (AdaGrad when beta2 = 1, RMSprop without and Adam with
 * bias correction). `owner` names the factory in error messages.
 */
export function diagonalGrafting(kind: Exclude<GraftingKind, 'sgd'>, options: DiagonalGraftingOptions, owner: string): GraftingStrategy {
  const beta2 = checkNumber(owner, 'beta2', options.beta2, { min: 0, minExclusive: true, max: 1 });
  const epsilon = checkNumber(owner, 'epsilon', options.epsilon, { min: 0, minExclusive: true });
  const useBiasCorrection = checkBoolean(owner, 'useBiasCorrection', options.useBiasCorrection);
  const weight = beta2 === 1 ? 1 : 1 - beta2;
  const requireAccumulator = (state: GraftingBlockState, where: string): tf.Tensor => {
    if (state === null) throw new TypeError(`${owner}: the ${where} state is null; allowed: the accumulator tensor returned by init`);
    return state;
  };
  return Object.freeze({
    kind,
    beta2,
    epsilon,
    useBiasCorrection,
    init: (shape: readonly number[]) => tf.zeros([...shape], 'float32'),
    accumulate(state: GraftingBlockState, grad: tf.Tensor): GraftingBlockState {
      const v = requireAccumulator(state, 'accumulate');
      return tf.tidy(() => {
        const g2 = tf.square(grad);
        if (beta2 === 1) return tf.add(v, g2);
        return tf.add(tf.mul(v, beta2), tf.mul(g2, weight));
      });
    },
    direction(state: GraftingBlockState, searchDirection: tf.Tensor, step: number): tf.Tensor {
      const v = requireAccumulator(state, 'direction');
      const bc = biasCorrection(beta2, step, useBiasCorrection);
      return tf.tidy(() => {
        const corrected = bc === 1 ? v : tf.div(v, bc);
        return tf.div(searchDirection, tf.add(tf.sqrt(corrected), epsilon));
      });
    },
  });
}
