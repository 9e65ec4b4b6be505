/**
 * Stacking the tensors of a group of blocks into one [B, ...] tensor and back:
 *   stackBlocks([X_0, ..., X_{B-1}])[b] = X_b,   unstackBlocks(S)[b] = S[b].
 * Both are copies (no arithmetic). One block is a reshape (a view) either way; more go
 * through one Pack / Unpack kernel each.
 */
import * as tf from '@tensorflow/tfjs-core';

/** [B, ...shape] from B tensors of one shape. */
export function stackBlocks(xs: readonly tf.Tensor[]): tf.Tensor {
  if (xs.length === 1) return tf.expandDims(xs[0], 0);
  return tf.stack([...xs]);
}

/** The B tensors of a [B, ...shape] stack. */
export function unstackBlocks(x: tf.Tensor): tf.Tensor[] {
  if (x.shape[0] === 1) return [tf.reshape(x, x.shape.slice(1))];
  return tf.unstack(x);
}

/** stackBlocks of the non-null entries, or null when every entry is null (they all are or none is). */
export function stackOrNull(xs: readonly (tf.Tensor | null)[]): tf.Tensor | null {
  if (xs.every((x) => x === null)) return null;
  return stackBlocks(xs as tf.Tensor[]);
}
