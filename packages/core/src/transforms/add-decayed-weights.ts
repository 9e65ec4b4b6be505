import * as tf from '@tensorflow/tfjs-core';
import type { EmptyState, GradientTransformation } from '../transform.js';
import { assertSameStructure, treeMapN } from '../tree.js';
import { tidyState } from '../state-tree.js';
import { checkNumber } from '../validate.js';
import { masked, type MaskedState } from '../combinators/masked.js';
import type { LeafSpec } from '../combinators/leaf-labels.js';

/**
 * Decoupled weight decay (Loshchilov & Hutter; optax `add_decayed_weights`):
 *   u'_p = u_p + weightDecay * p
 * Needs the parameters (the third argument of update; `step` passes them). With `mask`
 * (a tree of booleans or a function of the path) only the selected leaves are decayed,
 * e.g. `(path) => !path.endsWith('bias')`. weightDecay must be >= 0.
 */
export function addDecayedWeights(
  weightDecay: number,
  mask?: LeafSpec<boolean>,
): GradientTransformation<EmptyState | MaskedState<EmptyState>> {
  const owner = 'addDecayedWeights';
  const wd = checkNumber(owner, 'weightDecay', weightDecay, { min: 0 });
  const plain: GradientTransformation<EmptyState> = {
    init: () => ({}),
    update: (updates, _state, params) => {
      if (params === undefined) {
        throw new TypeError(`${owner}: params are required; pass them as the third argument of update (step() does)`);
      }
      assertSameStructure(params, updates, ['params', 'updates'], true);
      return tidyState(() => [treeMapN(([u, p]) => tf.add(u, tf.mul(p, wd)), [updates, params]), {}] as [typeof updates, EmptyState]);
    },
  };
  return (mask === undefined ? plain : masked(plain, mask)) as GradientTransformation<EmptyState | MaskedState<EmptyState>>;
}
