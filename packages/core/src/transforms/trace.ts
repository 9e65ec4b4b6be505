import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '../transform.js';
import { perParam, mapWithState, type PerParam } from '../per-param.js';
import { tidyState } from '../state-tree.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';

/** The state of `trace`: the momentum buffer per parameter path. */
export type TraceState = { readonly trace: PerParam };

/** Options of `trace`: t_k = decay · t_{k−1} + g_k, u_k = t_k (or g_k + decay · t_k with nesterov). */
export interface TraceOptions {
  /** The momentum coefficient mu, in [0, 1]. */
  readonly decay: number;
  /** Nesterov's variant (default false). */
  readonly nesterov?: boolean;
}

/**
 * Momentum (heavy ball; optax `trace`, tf.train.momentum's accumulation):
 *   t_k = mu * t_{k-1} + g_k,      t_0 = 0
 *   u_k = t_k                      (classic)
 *   u_k = g_k + mu * t_k           (Nesterov)
 */
export function trace(options: TraceOptions): GradientTransformation<TraceState> {
  const owner = 'trace';
  checkKnownOptions(owner, options, ['decay', 'nesterov'], true);
  const mu = checkNumber(owner, 'decay', options.decay, { min: 0, max: 1 });
  const nesterov = checkBoolean(owner, 'nesterov', options.nesterov ?? false);
  return {
    init: (params) => tidyState(() => ({ trace: perParam(params, (p) => tf.zerosLike(p)) })),
    update: (updates, state) =>
      tidyState(() => {
        const [out, next] = mapWithState(owner, updates, state, ['trace'], (g, s) => {
          const t = tf.add(tf.mul(s.trace, mu), g);
          return { update: nesterov ? tf.add(g, tf.mul(t, mu)) : t, state: { trace: t } };
        });
        return [out, next] as [typeof out, TraceState];
      }),
  };
}
