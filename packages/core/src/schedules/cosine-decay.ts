import type { Schedule } from './schedule.js';
import { checkKnownOptions, checkNumber } from '../validate.js';

/** Options of `cosineDecay`: s(t) = initValue · ((1 − alpha) · ((1 + cos(π min(t, decaySteps) / decaySteps)) / 2)^exponent + alpha). */
export interface CosineDecayOptions {
  /** Value at count 0. */
  readonly initValue: number;
  /** Count at which the decay ends; afterwards the value stays at alpha * initValue. */
  readonly decaySteps: number;
  /** Final value as a fraction of initValue, in [0, 1] (default 0). */
  readonly alpha?: number;
  /** Power applied to the cosine factor (default 1). */
  readonly exponent?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter, SGDR; optax `cosine_decay_schedule`):
 *   k    = min(t, decaySteps)
 *   c    = (1 + cos(pi * k / decaySteps)) / 2
 *   s(t) = initValue * ((1 - alpha) * c^exponent + alpha)
 * so s(0) = initValue and s(t) = alpha * initValue for t >= decaySteps.
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const owner = 'cosineDecay';
  checkKnownOptions(owner, options, ['initValue', 'decaySteps', 'alpha', 'exponent'], true);
  const init = checkNumber(owner, 'initValue', options.initValue);
  const steps = checkNumber(owner, 'decaySteps', options.decaySteps, { min: 0, minExclusive: true });
  const alpha = checkNumber(owner, 'alpha', options.alpha ?? 0, { min: 0, max: 1 });
  const exponent = checkNumber(owner, 'exponent', options.exponent ?? 1, { min: 0, minExclusive: true });
  return (count) => {
    const k = Math.min(Math.max(count, 0), steps);
    const c = 0.5 * (1 + Math.cos((Math.PI * k) / steps));
    return init * ((1 - alpha) * c ** exponent + alpha);
  };
}
