import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '../transform.js';
import { perParam, mapWithState, type PerParam } from '../per-param.js';
import { tidyState } from '../state-tree.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';
import { divideByRoot } from './divide-by-root.js';

/** The state of `scaleByAdagrad`: the sum of squared gradients per parameter path. */
export type ScaleByAdagradState = { readonly sumOfSquares: PerParam };

/** Options of `scaleByAdagrad`: a_t = a_{t−1} + g_t², u_t = g_t / √(a_t + eps). */
export interface ScaleByAdagradOptions {
  /** Initial accumulator a_0 (default 0.1, as tf.train.adagrad and optax). */
  readonly initialAccumulatorValue?: number;
  /** Damping >= 0 (default 1e-7, tf.train.adagrad's value on the cpu, wasm and webgpu backends); 0 is the limit eps -> 0+ (divideByRoot). */
  readonly eps?: number;
  /** eps inside the root (default true, as tf.train.adagrad) or added to the root. */
  readonly epsInSqrt?: boolean;
}

/**
 * AdaGrad's rescaling (Duchi, Hazan & Singer; optax `scale_by_rss`):
 *   a_t = a_{t-1} + g_t^2,          a_0 = initialAccumulatorValue
 *   u_t = g_t / sqrt(a_t + eps)     (epsInSqrt, the default)
 *   u_t = g_t / (sqrt(a_t) + eps)   (epsInSqrt = false)
 */
export function scaleByAdagrad(options: ScaleByAdagradOptions = {}): GradientTransformation<ScaleByAdagradState> {
  const owner = 'scaleByAdagrad';
  checkKnownOptions(owner, options, ['initialAccumulatorValue', 'eps', 'epsInSqrt']);
  const a0 = checkNumber(owner, 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, { min: 0 });
  const eps = checkNumber(owner, 'eps', options.eps ?? 1e-7, { min: 0 });
  const epsInSqrt = checkBoolean(owner, 'epsInSqrt', options.epsInSqrt ?? true);
  return {
    init: (params) => tidyState(() => ({ sumOfSquares: perParam(params, (p) => tf.fill(p.shape, a0, p.dtype)) })),
    update: (updates, state) =>
      tidyState(() => {
        const [out, next] = mapWithState(owner, updates, state, ['sumOfSquares'], (g, s) => {
          const a = tf.add(s.sumOfSquares, tf.square(g));
          return { update: divideByRoot(g, a, eps, epsInSqrt), state: { sumOfSquares: a } };
        });
        return [out, next] as [typeof out, ScaleByAdagradState];
      }),
  };
}
