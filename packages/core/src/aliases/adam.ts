import type { GradientTransformation } from '../transform.js';
import { namedChain, type NamedChainState } from '../combinators/named-chain.js';
import { scaleByAdam, type ScaleByAdamOptions } from '../transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import { checkKnownOptions } from '../validate.js';

/** Options of `adam`: the options of `scaleByAdam` and the learning rate, u = −lr · m̂ / (√v̂ + eps). */
export interface AdamOptions extends ScaleByAdamOptions {
  /** A number >= 0 or a schedule of the step count. */
  readonly learningRate: ScalarOrSchedule;
}

/**
 * Adam (Kingma & Ba; optax `adam`):
 *   namedChain(['scaleByAdam', scaleByAdam({ b1, b2, eps, epsRoot, nesterov })],
 *              ['scaleByLearningRate', scaleByLearningRate(lr)])
 * i.e. u_t = -lr * m^_t / (sqrt(v^_t + epsRoot) + eps); see scaleByAdam for m^ and v^.
 * Defaults b1 0.9, b2 0.999, eps 1e-8 (tf.train.adam's eps is 1e-7 on cpu; pass eps: 1e-7 to match).
 */
export function adam(options: AdamOptions): GradientTransformation<NamedChainState> {
  checkKnownOptions('adam', options, ['learningRate', 'b1', 'b2', 'eps', 'epsRoot', 'nesterov'], true);
  const { learningRate, ...adamOptions } = options;
  return namedChain(['scaleByAdam', scaleByAdam(adamOptions)], ['scaleByLearningRate', scaleByLearningRate(learningRate)]);
}
