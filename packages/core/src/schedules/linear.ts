import type { Schedule } from './schedule.js';
import { checkKnownOptions, checkNumber } from '../validate.js';

/** Options of `linear`: s(t) = initValue + (endValue − initValue) · clip((t − transitionBegin) / transitionSteps, 0, 1). */
export interface LinearOptions {
  /** Value at counts <= transitionBegin. */
  readonly initValue: number;
  /** Value at counts >= transitionBegin + transitionSteps. */
  readonly endValue: number;
  /** Length of the ramp; 0 gives the constant initValue. */
  readonly transitionSteps: number;
  /** Count at which the ramp starts (default 0). */
  readonly transitionBegin?: number;
}

/**
 * Linear interpolation from initValue to endValue (optax `linear_schedule`):
 *   k    = clip(t - transitionBegin, 0, transitionSteps)
 *   s(t) = initValue + (endValue - initValue) * k / transitionSteps
 * With transitionSteps = 0 the schedule is the constant initValue.
 */
export function linear(options: LinearOptions): Schedule {
  const owner = 'linear';
  checkKnownOptions(owner, options, ['initValue', 'endValue', 'transitionSteps', 'transitionBegin'], true);
  const init = checkNumber(owner, 'initValue', options.initValue);
  const end = checkNumber(owner, 'endValue', options.endValue);
  const steps = checkNumber(owner, 'transitionSteps', options.transitionSteps, { min: 0 });
  const begin = checkNumber(owner, 'transitionBegin', options.transitionBegin ?? 0, { min: 0 });
  if (steps === 0) return () => init;
  return (count) => {
    const k = Math.min(Math.max(count - begin, 0), steps);
    return init + (end - init) * (k / steps);
  };
}
