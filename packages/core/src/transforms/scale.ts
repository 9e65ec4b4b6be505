import * as tf from '@tensorflow/tfjs-core';
import type { EmptyState, GradientTransformation } from '../transform.js';
import { treeMap } from '../tree.js';
import { tidyState } from '../state-tree.js';
import { checkNumber } from '../validate.js';

/**
 * Multiplies every update by a constant (optax `scale`): u' = step * u.
 * `step` may be any finite number (negative flips the direction).
 */
export function scale(step: number): GradientTransformation<EmptyState> {
  const s = checkNumber('scale', 'step', step);
  return {
    init: () => ({}),
    update: (updates) => [tidyState(() => treeMap((u) => tf.mul(u, s), updates)), {}],
  };
}
