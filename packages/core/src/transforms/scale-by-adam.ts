import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '../transform.js';
import { perParam, mapWithState, type PerParam } from '../per-param.js';
import { tidyState } from '../state-tree.js';
import { biasCorrection } from '../bias-correction.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';
import { checkCount } from './check-count.js';
import { divideByRoot } from './divide-by-root.js';

/** The state of `scaleByAdam`: the step count and both moments per parameter path. */
export type ScaleByAdamState = { readonly count: number; readonly mu: PerParam; readonly nu: PerParam };

/** Options of `scaleByAdam`: the moment decays b1, b2 and the dampings of u = m̂ / (√(v̂ + epsRoot) + eps). */
export interface ScaleByAdamOptions {
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  readonly b1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  readonly b2?: number;
  /**
   * Added to sqrt(nu_hat), outside the root (default 1e-8; tf.train.adam uses 1e-7). 0 is
   * the limit eps -> 0+ (see divideByRoot): a zero first moment gives 0, not 0/0 = NaN.
   */
  readonly eps?: number;
  /** Added to nu_hat, inside the root (default 0). */
  readonly epsRoot?: number;
  /** NAdam's Nesterov momentum (default false). */
  readonly nesterov?: boolean;
}

/**
 * Adam's rescaling (Kingma & Ba; optax `scale_by_adam`). At step t = 1, 2, ...:
 *   m_t = b1 * m_{t-1} + (1 - b1) * g_t
 *   v_t = b2 * v_{t-1} + (1 - b2) * g_t^2
 *   m^  = m_t / (1 - b1^t)                                          (classic)
 *   m^  = b1 * m_t / (1 - b1^(t+1)) + (1 - b1) * g_t / (1 - b1^t)   (nesterov, NAdam)
 *   v^  = v_t / (1 - b2^t)
 *   u_t = m^ / (sqrt(v^ + epsRoot) + eps)       (divideByRoot; with eps = epsRoot = 0, 0/0 -> 0)
 * with m_0 = v_0 = 0. The state holds { count: t-1, mu: m, nu: v }.
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const owner = 'scaleByAdam';
  checkKnownOptions(owner, options, ['b1', 'b2', 'eps', 'epsRoot', 'nesterov']);
  const b1 = checkNumber(owner, 'b1', options.b1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
  const b2 = checkNumber(owner, 'b2', options.b2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
  const eps = checkNumber(owner, 'eps', options.eps ?? 1e-8, { min: 0 });
  const epsRoot = checkNumber(owner, 'epsRoot', options.epsRoot ?? 0, { min: 0 });
  const nesterov = checkBoolean(owner, 'nesterov', options.nesterov ?? false);
  return {
    init: (params) =>
      tidyState(() => ({ count: 0, mu: perParam(params, (p) => tf.zerosLike(p)), nu: perParam(params, (p) => tf.zerosLike(p)) })),
    update: (updates, state) => {
      const t = checkCount(owner, state) + 1;
      const c1 = biasCorrection(b1, t);
      const c2 = biasCorrection(b2, t);
      const c1Next = biasCorrection(b1, t + 1);
      return tidyState(() => {
        const [out, next] = mapWithState(owner, updates, state, ['mu', 'nu'], (g, s) => {
          const m = tf.add(tf.mul(s.mu, b1), tf.mul(g, 1 - b1));
          const v = tf.add(tf.mul(s.nu, b2), tf.mul(tf.square(g), 1 - b2));
          const mHat = nesterov ? tf.add(tf.div(tf.mul(m, b1), c1Next), tf.div(tf.mul(g, 1 - b1), c1)) : tf.div(m, c1);
          const vHat = tf.div(v, c2);
          const damped = epsRoot === 0 ? vHat : tf.add(vHat, epsRoot);
          return { update: divideByRoot(mHat, damped, eps, false), state: { mu: m, nu: v } };
        });
        return [out, { count: t, ...next }] as [typeof out, ScaleByAdamState];
      });
    },
  };
}
