import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';
import type { ScaleByRmsOptions } from './scale-by-rms.js';

/**
 * Applies the defaults of {@link ScaleByRmsOptions} (decay 0.9, eps 1e-8, initialScale 0,
 * epsInSqrt true) and checks them on behalf of `owner` (internal, shared by `scaleByRms` and
 * `scaleByStddev`): no unknown option, decay in [0, 1], eps >= 0, initialScale >= 0, epsInSqrt
 * a boolean. Throws an Error naming the option, its value and what is allowed.
 */
export function checkRmsOptions(owner: string, options: ScaleByRmsOptions): Required<ScaleByRmsOptions> {
  checkKnownOptions(owner, options, ['decay', 'eps', 'initialScale', 'epsInSqrt']);
  const decay = checkNumber(owner, 'decay', options.decay ?? 0.9, { min: 0, max: 1 });
  const eps = checkNumber(owner, 'eps', options.eps ?? 1e-8, { min: 0 });
  const initialScale = checkNumber(owner, 'initialScale', options.initialScale ?? 0, { min: 0 });
  const epsInSqrt = checkBoolean(owner, 'epsInSqrt', options.epsInSqrt ?? true);
  return { decay, eps, initialScale, epsInSqrt };
}
