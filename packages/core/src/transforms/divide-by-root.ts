import * as tf from '@tensorflow/tfjs-core';

/**
 * The damped division shared by the adaptive methods:
 *   g / sqrt(s + eps)     if epsInSqrt
 *   g / (sqrt(s) + eps)   otherwise.
 * With eps = 0 a zero denominator gives 0 rather than NaN (as optax's scale_by_rss);
 * with eps > 0 the denominator is never zero and no guard is computed.
 */
export function divideByRoot(g: tf.Tensor, s: tf.Tensor, eps: number, epsInSqrt: boolean): tf.Tensor {
  const denom = epsInSqrt ? tf.sqrt(eps === 0 ? s : tf.add(s, eps)) : tf.add(tf.sqrt(s), eps);
  if (eps > 0) return tf.div(g, denom);
  return tf.where(tf.greater(denom, 0), tf.div(g, denom), tf.zerosLike(g));
}
