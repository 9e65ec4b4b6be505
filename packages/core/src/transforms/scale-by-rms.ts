import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '../transform.js';
import { perParam, mapWithState, type PerParam } from '../per-param.js';
import { tidyState } from '../state-tree.js';
import { divideByRoot } from './divide-by-root.js';
import { checkRmsOptions } from './rms-options.js';

/** The state of `scaleByRms`: the running mean of squared gradients per parameter path. */
export type ScaleByRmsState = { readonly nu: PerParam };

/** Options of `scaleByRms`: ν_t = decay · ν_{t−1} + (1 − decay) g_t², u_t = g_t / √(ν_t + eps). */
export interface ScaleByRmsOptions {
  /** Decay of the mean square, in [0, 1] (default 0.9, as tf.train.rmsprop). */
  readonly decay?: number;
  /** Damping >= 0 (default 1e-8; tf.train.rmsprop uses 1e-7); 0 is the limit eps -> 0+ (divideByRoot). */
  readonly eps?: number;
  /** Initial mean square nu_0 (default 0, as tf.train.rmsprop). */
  readonly initialScale?: number;
  /** eps inside the root (default true, as tf.train.rmsprop) or added to the root. */
  readonly epsInSqrt?: boolean;
}

/**
 * RMSprop's rescaling (Hinton; optax `scale_by_rms`):
 *   nu_t = decay * nu_{t-1} + (1 - decay) * g_t^2,     nu_0 = initialScale
 *   u_t  = g_t / sqrt(nu_t + eps)                      (epsInSqrt, the default)
 *   u_t  = g_t / (sqrt(nu_t) + eps)                    (epsInSqrt = false)
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const owner = 'scaleByRms';
  const { decay, eps, initialScale, epsInSqrt } = checkRmsOptions(owner, options);
  return {
    init: (params) => tidyState(() => ({ nu: perParam(params, (p) => tf.fill(p.shape, initialScale, p.dtype)) })),
    update: (updates, state) =>
      tidyState(() => {
        const [out, next] = mapWithState(owner, updates, state, ['nu'], (g, s) => {
          const nu = tf.add(tf.mul(s.nu, decay), tf.mul(tf.square(g), 1 - decay));
          return { update: divideByRoot(g, nu, eps, epsInSqrt), state: { nu } };
        });
        return [out, next] as [typeof out, ScaleByRmsState];
      }),
  };
}
