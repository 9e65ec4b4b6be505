import type { Schedule } from './schedule.js';
import { checkKnownOptions, checkNumber } from '../validate.js';
import { linear } from './linear.js';
import { cosineDecay } from './cosine-decay.js';
import { joinSchedules } from './join-schedules.js';

/** Options of `warmupCosineDecay`: a linear warmup from initValue to peakValue, then a cosine decay to endValue. */
export interface WarmupCosineDecayOptions {
  /** Value at count 0. */
  readonly initValue: number;
  /** Value reached at the end of the warmup. */
  readonly peakValue: number;
  /** Length of the linear warmup (>= 0). */
  readonly warmupSteps: number;
  /** Total length, warmup included; must exceed warmupSteps. */
  readonly decaySteps: number;
  /** Value from count decaySteps on (default 0). */
  readonly endValue?: number;
  /** Power of the cosine factor (default 1). */
  readonly exponent?: number;
}

/**
 * Linear warmup then cosine decay (optax `warmup_cosine_decay_schedule`):
 *   s(t) = linear(initValue -> peakValue over warmupSteps)(t)                for t < warmupSteps
 *          cosineDecay(peakValue, decaySteps - warmupSteps, alpha)(t - warmupSteps) otherwise
 * with alpha = endValue / peakValue (0 when peakValue = 0), so s(decaySteps) = endValue.
 */
export function warmupCosineDecay(options: WarmupCosineDecayOptions): Schedule {
  const owner = 'warmupCosineDecay';
  checkKnownOptions(owner, options, ['initValue', 'peakValue', 'warmupSteps', 'decaySteps', 'endValue', 'exponent'], true);
  const init = checkNumber(owner, 'initValue', options.initValue);
  const peak = checkNumber(owner, 'peakValue', options.peakValue);
  const warmup = checkNumber(owner, 'warmupSteps', options.warmupSteps, { min: 0 });
  const decay = checkNumber(owner, 'decaySteps', options.decaySteps, { min: warmup, minExclusive: true });
  const end = checkNumber(owner, 'endValue', options.endValue ?? 0);
  const alpha = peak === 0 ? 0 : end / peak;
  if (alpha < 0 || alpha > 1) {
    throw new RangeError(
      `${owner}: endValue = ${end} is not allowed with peakValue = ${peak}; allowed: endValue / peakValue in [0, 1] (the decay goes from peakValue towards endValue)`,
    );
  }
  return joinSchedules(
    [
      linear({ initValue: init, endValue: peak, transitionSteps: warmup }),
      cosineDecay({ initValue: peak, decaySteps: decay - warmup, alpha, exponent: options.exponent ?? 1 }),
    ],
    [warmup],
  );
}
