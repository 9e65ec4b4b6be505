import type { GradientTransformation } from '../transform.js';
import { namedChain, type NamedChainState } from '../combinators/named-chain.js';
import { scaleByRms, type ScaleByRmsOptions } from '../transforms/scale-by-rms.js';
import { scaleByStddev } from '../transforms/scale-by-stddev.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { trace } from '../transforms/trace.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';

/** Options of `rmsprop`: the options of `scaleByRms`, the learning rate, centering (divide by √(ν − m² + eps)) and momentum. */
export interface RmspropOptions extends ScaleByRmsOptions {
  /** A number >= 0 or a schedule of the step count. */
  readonly learningRate: ScalarOrSchedule;
  /** Normalise by the running variance instead of the mean square (default false). */
  readonly centered?: boolean;
  /** Momentum in [0, 1] applied after the learning rate; omitted: none. */
  readonly momentum?: number;
  /** Nesterov momentum (needs momentum). */
  readonly nesterov?: boolean;
}

/**
 * RMSprop (Hinton; optax `rmsprop`):
 *   namedChain([centered ? 'scaleByStddev' : 'scaleByRms', ...],
 *              ['scaleByLearningRate', scaleByLearningRate(lr)],
 *              ['trace', trace({ decay: momentum, nesterov })])      (only with momentum)
 * i.e. nu_t = decay nu_{t-1} + (1 - decay) g_t^2, m_t = mu m_{t-1} + lr_t g_t / sqrt(nu_t + eps),
 * u_t = -m_t. The learning rate sits inside the momentum as in tf.train.rmsprop, so the two
 * agree also when lr follows a schedule. Defaults: decay 0.9, eps 1e-8 (tf.train.rmsprop:
 * 1e-7 on cpu; pass eps: 1e-7 to match), eps inside the root.
 */
export function rmsprop(options: RmspropOptions): GradientTransformation<NamedChainState> {
  const owner = 'rmsprop';
  checkKnownOptions(owner, options, ['learningRate', 'decay', 'eps', 'initialScale', 'epsInSqrt', 'centered', 'momentum', 'nesterov'], true);
  const { learningRate, centered, momentum, nesterov, ...rms } = options;
  const isCentered = checkBoolean(owner, 'centered', centered ?? false);
  const isNesterov = checkBoolean(owner, 'nesterov', nesterov ?? false);
  const scaling = isCentered
    ? (['scaleByStddev', scaleByStddev(rms)] as const)
    : (['scaleByRms', scaleByRms(rms)] as const);
  const lr = ['scaleByLearningRate', scaleByLearningRate(learningRate)] as const;
  if (momentum === undefined) {
    if (isNesterov) throw new RangeError(`${owner}: nesterov = true needs momentum; allowed: set momentum in [0, 1] or nesterov = false`);
    return namedChain(scaling, lr);
  }
  const mu = checkNumber(owner, 'momentum', momentum, { min: 0, max: 1 });
  return namedChain(scaling, lr, ['trace', trace({ decay: mu, nesterov: isNesterov })]);
}
