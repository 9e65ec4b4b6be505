import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '../transform.js';
import { perParam, mapWithState, type PerParam } from '../per-param.js';
import { tidyState } from '../state-tree.js';
import { divideByRoot } from './divide-by-root.js';
import { checkRmsOptions } from './rms-options.js';
import type { ScaleByRmsOptions } from './scale-by-rms.js';

/** The state of `scaleByStddev`: running means of the gradient and of its square. */
export type ScaleByStddevState = { readonly mu: PerParam; readonly nu: PerParam };

/**
 * Centered RMSprop's rescaling (Graves 2013; optax `scale_by_stddev`):
 *   mu_t = decay * mu_{t-1} + (1 - decay) * g_t,        mu_0 = 0
 *   nu_t = decay * nu_{t-1} + (1 - decay) * g_t^2,      nu_0 = initialScale
 *   u_t  = g_t / sqrt(nu_t - mu_t^2 + eps)              (epsInSqrt, the default)
 *   u_t  = g_t / (sqrt(nu_t - mu_t^2) + eps)            (epsInSqrt = false)
 * nu_t - mu_t^2 is a running variance estimate. (tf.train.rmsprop with centered = true
 * subtracts eps instead of adding it; see docs/concepts.md.)
 */
export function scaleByStddev(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByStddevState> {
  const owner = 'scaleByStddev';
  const { decay, eps, initialScale, epsInSqrt } = checkRmsOptions(owner, options);
  return {
    init: (params) =>
      tidyState(() => ({
        mu: perParam(params, (p) => tf.zerosLike(p)),
        nu: perParam(params, (p) => tf.fill(p.shape, initialScale, p.dtype)),
      })),
    update: (updates, state) =>
      tidyState(() => {
        const [out, next] = mapWithState(owner, updates, state, ['mu', 'nu'], (g, s) => {
          const mu = tf.add(tf.mul(s.mu, decay), tf.mul(g, 1 - decay));
          const nu = tf.add(tf.mul(s.nu, decay), tf.mul(tf.square(g), 1 - decay));
          return { update: divideByRoot(g, tf.sub(nu, tf.square(mu)), eps, epsInSqrt), state: { mu, nu } };
        });
        return [out, next] as [typeof out, ScaleByStddevState];
      }),
  };
}
