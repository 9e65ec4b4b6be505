import type { GradientTransformation } from '../transform.js';
import { namedChain, type NamedChainState } from '../combinators/named-chain.js';
import { trace } from '../transforms/trace.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';

/** Options of `sgd`: u = −lr · g, or with momentum μ, t_k = μ t_{k−1} + g_k and u = −lr · t_k. */
export interface SgdOptions {
  /** A number >= 0 or a schedule of the step count. */
  readonly learningRate: ScalarOrSchedule;
  /** Momentum mu in [0, 1]; omitted: plain SGD, no momentum buffer. */
  readonly momentum?: number;
  /** Nesterov momentum (needs momentum). */
  readonly nesterov?: boolean;
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum (optax `sgd`):
 *   namedChain(['trace', trace({ decay: momentum, nesterov })], ['scaleByLearningRate', scaleByLearningRate(lr)])
 * i.e. t_k = mu t_{k-1} + g_k, u_k = -lr * t_k (or -lr * (g_k + mu t_k) with Nesterov).
 * Same as tf.train.sgd(lr) and tf.train.momentum(lr, mu, useNesterov).
 */
export function sgd(options: SgdOptions): GradientTransformation<NamedChainState> {
  const owner = 'sgd';
  checkKnownOptions(owner, options, ['learningRate', 'momentum', 'nesterov'], true);
  const nesterov = checkBoolean(owner, 'nesterov', options.nesterov ?? false);
  if (options.momentum === undefined) {
    if (nesterov) throw new RangeError(`${owner}: nesterov = true needs momentum; allowed: set momentum in [0, 1] or nesterov = false`);
    return namedChain(['scaleByLearningRate', scaleByLearningRate(options.learningRate)]);
  }
  const momentum = checkNumber(owner, 'momentum', options.momentum, { min: 0, max: 1 });
  return namedChain(['trace', trace({ decay: momentum, nesterov })], ['scaleByLearningRate', scaleByLearningRate(options.learningRate)]);
}
