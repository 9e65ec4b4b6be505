import type { CountState, EmptyState, GradientTransformation } from '../transform.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';
import { checkScalarOrSchedule, type ScalarOrSchedule } from '../schedules/schedule.js';
import { scale } from './scale.js';
import { scaleBySchedule } from './scale-by-schedule.js';

/** Options of `scaleByLearningRate`: u = −lr · g (or +lr · g with flipSign false). */
export interface ScaleByLearningRateOptions {
  /** Multiply by -lr (descent, the default) rather than +lr. */
  readonly flipSign?: boolean;
}

/**
 * Scales the updates by the learning rate, with the sign flipped for descent (optax
 * `scale_by_learning_rate`):
 *   u'_t = -lr_t * u_t
 * where lr_t is the number `learningRate` (stateless) or the schedule `learningRate(t)`
 * (state { count: t }). The learning rate must be >= 0; a schedule is checked at every step.
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
  options: ScaleByLearningRateOptions = {},
): GradientTransformation<EmptyState | CountState> {
  const owner = 'scaleByLearningRate';
  checkKnownOptions(owner, options, ['flipSign']);
  const lr = checkScalarOrSchedule(owner, 'learningRate', learningRate, { min: 0 });
  const sign = checkBoolean(owner, 'flipSign', options.flipSign ?? true) ? -1 : 1;
  if (typeof lr === 'number') return scale(sign * lr) as GradientTransformation<EmptyState | CountState>;
  return scaleBySchedule(
    (count) => sign * checkNumber(owner, `learningRate (schedule at count ${count})`, lr(count), { min: 0 }),
    owner,
    'learningRate',
  ) as GradientTransformation<EmptyState | CountState>;
}
