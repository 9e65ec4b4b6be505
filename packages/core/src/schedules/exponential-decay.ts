import type { Schedule } from './schedule.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';

/** Options of `exponentialDecay`: s(t) = initValue · decayRate^((t − transitionBegin) / transitionSteps) after transitionBegin, clipped at endValue. */
export interface ExponentialDecayOptions {
  /** Value at counts <= transitionBegin. */
  readonly initValue: number;
  /** Number of steps over which the value is multiplied by decayRate once. */
  readonly transitionSteps: number;
  /** Factor per transitionSteps; < 1 decays, > 1 grows. */
  readonly decayRate: number;
  /** Count at which the decay starts (default 0). */
  readonly transitionBegin?: number;
  /** Decay in whole steps of transitionSteps (default false: continuously). */
  readonly staircase?: boolean;
  /** A floor (decayRate < 1) or ceiling (decayRate > 1) for the value. */
  readonly endValue?: number;
}

/**
 * Exponential decay (optax `exponential_decay`):
 *   p    = (t - transitionBegin) / transitionSteps      (floor(p) with staircase)
 *   s(t) = initValue                                  if t <= transitionBegin
 *          initValue * decayRate^p                    otherwise
 * then clipped from below by endValue when decayRate < 1 (from above when decayRate > 1).
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const owner = 'exponentialDecay';
  checkKnownOptions(owner, options, ['initValue', 'transitionSteps', 'decayRate', 'transitionBegin', 'staircase', 'endValue'], true);
  const init = checkNumber(owner, 'initValue', options.initValue);
  const steps = checkNumber(owner, 'transitionSteps', options.transitionSteps, { min: 0, minExclusive: true });
  const rate = checkNumber(owner, 'decayRate', options.decayRate, { min: 0, minExclusive: true });
  const begin = checkNumber(owner, 'transitionBegin', options.transitionBegin ?? 0, { min: 0 });
  const staircase = checkBoolean(owner, 'staircase', options.staircase ?? false);
  const end = options.endValue === undefined ? undefined : checkNumber(owner, 'endValue', options.endValue);
  return (count) => {
    const elapsed = count - begin;
    if (elapsed <= 0) return init;
    const p = staircase ? Math.floor(elapsed / steps) : elapsed / steps;
    const v = init * rate ** p;
    if (end === undefined) return v;
    return rate < 1 ? Math.max(v, end) : Math.min(v, end);
  };
}
