/**
 * The element-wise steps around the preconditioner (docs/algorithms.md#direction-steps to docs/algorithms.md#momentum),
 * each a pure function returning new tensors.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Filtered gradient: m' = beta1 m + (1 - beta1) G, and the direction
 *   D = m'                              if beta3 == beta1
 *   D = beta3 m + (1 - beta3) G         otherwise (NAdam-style, from the old m)
 * divided by `bc1` = 1 - beta3 beta1^(t-1) (1 without bias correction).
 */
export function filteredGradient(m: tf.Tensor, g: tf.Tensor, beta1: number, beta3: number, bc1: number): { filtered: tf.Tensor; direction: tf.Tensor } {
  const filtered = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
  let direction = beta3 === beta1 ? filtered : tf.add(tf.mul(m, beta3), tf.mul(g, 1 - beta3));
  if (bc1 !== 1) direction = tf.div(direction, bc1);
  return { filtered, direction };
}

/**
 * ||X||_F = sqrt(sum X^2). Not tf.norm: for the Frobenius norm it computes pow(|X|, 2), and
 * tfjs-backend-wasm's broadcasting Pow made that 7.2 ms (CPU) per 784 x 512 block here,
 * against 0.4 ms for square + sum.
 */
export function frobeniusNorm(x: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(x)));
}

/** Grafting norm matching: P ||P_graft||_F / (||P||_F + 1e-16), on the device. */
export function matchGraftingNorm(p: tf.Tensor, graft: tf.Tensor): tf.Tensor {
  return tf.mul(p, tf.div(frobeniusNorm(graft), tf.add(frobeniusNorm(p), 1e-16)));
}

/**
 * matchGraftingNorm on a [B, ...] stack of blocks, block by block:
 *   P_b <- P_b ||P_graft,b||_F / (||P_b||_F + 1e-16)
 * with the B norms as one reduction over every axis but the first.
 */
export function matchGraftingNormBatch(p: tf.Tensor, graft: tf.Tensor): tf.Tensor {
  const axes = p.shape.map((_, i) => i).slice(1);
  const norms = (x: tf.Tensor) => tf.sqrt(tf.sum(tf.square(x), axes, true));
  return tf.mul(p, tf.div(norms(graft), tf.add(norms(p), 1e-16)));
}

/** Classic momentum: M' = mu M + (1 - d) P; returns M' and P' = (1 - d) P + mu M' (Nesterov) or M'. */
export function classicMomentum(
  p: tf.Tensor,
  m: tf.Tensor,
  config: { momentum: number; dampening: number; nesterov: boolean },
): { momentum: tf.Tensor; direction: tf.Tensor } {
  const { momentum: mu, dampening: d, nesterov } = config;
  const damped = d === 0 ? p : tf.mul(p, 1 - d);
  const momentum = tf.add(tf.mul(m, mu), damped);
  return { momentum, direction: nesterov ? tf.add(damped, tf.mul(momentum, mu)) : momentum };
}
