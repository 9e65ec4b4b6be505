import type * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, pathLabel, type TensorTree } from './tree.js';

/**
 * Refuses incoming gradients (updates) that the optimizers cannot use: every leaf must be
 * a live (not disposed) float32 tensor. An int32 or bool leaf would be silently upcast
 * (and an integer gradient is almost always a bug upstream); a string leaf or a disposed
 * tensor would fail deep inside a kernel without naming the parameter. Throws a
 * `TypeError` naming `owner`, the path, the dtype and what is allowed:
 *
 *   adam: the gradient at 'dense/kernel' has dtype int32; allowed: float32 (cast it with tf.cast(g, 'float32'))
 *
 * Reads only metadata (no kernel, no read-back), so it is cheap enough for every update.
 */
export function checkGradients(owner: string, grads: TensorTree): void {
  for (const [path, g] of leavesWithPaths(grads) as Array<[string, tf.Tensor]>) {
    const at = pathLabel(path);
    if (g.isDisposed) throw new TypeError(`${owner}: the gradient at ${at} is disposed; allowed: a live float32 tensor`);
    if (g.dtype !== 'float32') {
      throw new TypeError(`${owner}: the gradient at ${at} has dtype ${g.dtype}; allowed: float32 (cast it with tf.cast(g, 'float32'))`);
    }
  }
}
