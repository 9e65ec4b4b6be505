import * as tf from '@tensorflow/tfjs-core';
import { treeMapN, type TensorTree } from '../tree.js';

/**
 * The new parameters: p'_i = p_i + u_i for every leaf (optax `apply_updates`), computed in
 * the parameter's dtype. Trees must have the same structure and every update the shape of
 * its parameter, or a `TypeError` names the first bad path; nothing is created then.
 * Neither input is disposed.
 */
export function applyUpdates<T extends TensorTree>(params: T, updates: TensorTree): T {
  treeMapN(
    ([p, u], path) => {
      if (!tf.util.arraysEqual(p.shape, u.shape)) {
        throw new TypeError(
          `applyUpdates: the update at ${path === '' ? '<root>' : `'${path}'`} has shape [${u.shape.join(',')}] but the parameter has shape [${p.shape.join(',')}]`,
        );
      }
      return null as unknown as tf.Tensor;
    },
    [params, updates],
    ['params', 'updates'],
  );
  return tf.tidy(() => treeMapN(([p, u]) => tf.add(p, u.dtype === p.dtype ? u : tf.cast(u, p.dtype)), [params, updates]) as tf.TensorContainer) as unknown as T;
}
