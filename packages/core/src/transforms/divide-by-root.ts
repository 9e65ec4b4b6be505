import * as tf from '@tensorflow/tfjs-core';

/**
 * The damped division shared by the adaptive methods (Adam, RMSprop, centered RMSprop,
 * AdaGrad):
 *   x / sqrt(s + eps)     if epsInSqrt
 *   x / (sqrt(s) + eps)   otherwise.
 * eps = 0 is the limit eps -> 0+ of these, elementwise:
 *   x / sqrt(s)   where s > 0,
 *   x             where x = 0 (0 / 0 -> 0: no gradient seen, no step, for every eps > 0),
 *   +-Infinity    where x != 0 and s = 0 (a true division by zero, left for applyIfFinite).
 * So zero gradients never turn into NaN, and no value the formula defines is changed.
 * With eps > 0 the denominator is positive and no guard is computed.
 */
export function divideByRoot(x: tf.Tensor, s: tf.Tensor, eps: number, epsInSqrt: boolean): tf.Tensor {
  const denom = epsInSqrt ? tf.sqrt(eps === 0 ? s : tf.add(s, eps)) : tf.add(tf.sqrt(s), eps);
  if (eps > 0) return tf.div(x, denom);
  return tf.where(tf.equal(x, 0), x, tf.div(x, denom));
}
