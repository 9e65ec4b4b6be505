import * as tf from '@tensorflow/tfjs-core';
import type { EmptyState, GradientTransformation } from '../transform.js';
import { treeMap } from '../tree.js';

/**
 * The identity transform: u' = u, with an empty state. Returns `tf.clone` of every
 * update (same values, shared memory) so the caller owns what it gets back.
 */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates) => [treeMap((u) => tf.clone(u), updates), {}],
  };
}
