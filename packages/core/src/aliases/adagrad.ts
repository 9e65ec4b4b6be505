import type { GradientTransformation } from '../transform.js';
import { namedChain, type NamedChainState } from '../combinators/named-chain.js';
import { scaleByAdagrad, type ScaleByAdagradOptions } from '../transforms/scale-by-adagrad.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import { checkKnownOptions } from '../validate.js';

/** Options of `adagrad`: the options of `scaleByAdagrad` and the learning rate, u = −lr · g / √(a + eps). */
export interface AdagradOptions extends ScaleByAdagradOptions {
  /** A number >= 0 or a schedule of the step count. */
  readonly learningRate: ScalarOrSchedule;
}

/**
 * AdaGrad (Duchi, Hazan & Singer; optax `adagrad`):
 *   namedChain(['scaleByAdagrad', scaleByAdagrad({ initialAccumulatorValue, eps, epsInSqrt })],
 *              ['scaleByLearningRate', scaleByLearningRate(lr)])
 * i.e. a_t = a_{t-1} + g_t^2, u_t = -lr * g_t / sqrt(a_t + eps).
 * The defaults (a_0 = 0.1, eps = 1e-7 inside the root) are tf.train.adagrad's on cpu.
 */
export function adagrad(options: AdagradOptions): GradientTransformation<NamedChainState> {
  checkKnownOptions('adagrad', options, ['learningRate', 'initialAccumulatorValue', 'eps', 'epsInSqrt'], true);
  const { learningRate, ...rest } = options;
  return namedChain(['scaleByAdagrad', scaleByAdagrad(rest)], ['scaleByLearningRate', scaleByLearningRate(learningRate)]);
}
