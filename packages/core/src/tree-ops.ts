/**
 * Numeric helpers over trees of tensors. Each returns new tensors owned by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, treeMap, type TensorTree } from './tree.js';

/** `tf.clone` of every leaf: the same values, new handles (memory is shared, not copied). */
export function treeClone<T extends TensorTree>(tree: T): T {
  return treeMap((x) => tf.clone(x), tree);
}

/** A tree of zeros with the structure, shapes and dtypes of `tree`. */
export function treeZerosLike<T extends TensorTree>(tree: T): T {
  return treeMap((x) => tf.zerosLike(x), tree);
}

/**
 * The global L2 norm of a tree, as a float32 scalar tensor:
 *   ||g|| = sqrt( sum over leaves l, sum over elements i of g_l[i]^2 ).
 * An empty tree (or one with only size-0 leaves) has norm 0.
 */
export function globalNorm(tree: TensorTree): tf.Scalar {
  return tf.tidy(() => {
    const sums = leavesWithPaths(tree).map(([, x]) => tf.sum(tf.square(tf.cast(x, 'float32'))));
    if (sums.length === 0) return tf.scalar(0);
    return tf.sqrt(sums.length === 1 ? sums[0] : tf.addN(sums)) as tf.Scalar;
  });
}
