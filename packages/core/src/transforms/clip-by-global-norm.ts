import * as tf from '@tensorflow/tfjs-core';
import type { EmptyState, GradientTransformation } from '../transform.js';
import { treeMap } from '../tree.js';
import { globalNorm } from '../tree-ops.js';
import { tidyState } from '../state-tree.js';
import { checkNumber } from '../validate.js';

/**
 * Rescales the whole tree so its global norm is at most maxNorm (optax `clip_by_global_norm`):
 *   u' = u * maxNorm / max(||u||, maxNorm),    ||u|| = sqrt(sum_l sum_i u_l[i]^2)
 * so u' = u exactly when ||u|| <= maxNorm, and ||u'|| = maxNorm otherwise. The norm stays
 * on the device (no read-back). maxNorm must be > 0.
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  const m = checkNumber('clipByGlobalNorm', 'maxNorm', maxNorm, { min: 0, minExclusive: true });
  return {
    init: () => ({}),
    update: (updates) =>
      tidyState(() => {
        const factor = tf.div(m, tf.maximum(globalNorm(updates), m));
        return [treeMap((u) => tf.mul(u, factor), updates), {}] as [typeof updates, EmptyState];
      }),
  };
}
