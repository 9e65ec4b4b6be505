import * as tf from '@tensorflow/tfjs-core';
import { assertSameStructure, treeMapN, type TensorTree } from '../tree.js';
import { tidyState } from '../state-tree.js';

/**
 * The new parameters: p'_i = p_i + u_i for every leaf (optax `apply_updates`), computed in
 * the parameter's dtype. Trees must have the same structure and every update the shape of
 * its parameter, or a `TypeError` names the first bad path and both shapes; nothing is
 * created then.
 * Neither input is disposed.
 */
export function applyUpdates<T extends TensorTree>(params: T, updates: TensorTree): T {
  assertSameStructure(params, updates, ['params', 'updates'], true);
  return tidyState(() => treeMapN(([p, u]) => tf.add(p, u.dtype === p.dtype ? u : tf.cast(u, p.dtype)), [params, updates]) as T);
}
