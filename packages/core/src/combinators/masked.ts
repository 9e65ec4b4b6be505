import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { leavesWithPaths, treeMap, type TensorTree } from '../tree.js';
import { tidyState } from '../state-tree.js';
import { checkTransform } from './check-transform.js';
import { resolveLeafSpec, subTree, type LeafSpec } from './leaf-labels.js';

/** The state of `masked`: the inner transform's state over the selected leaves. */
export type MaskedState<S extends StateValue = StateValue> = { readonly inner: S };

const isBool = (x: unknown): x is boolean => typeof x === 'boolean';

/**
 * Applies `inner` to the leaves whose mask is true and passes the others through
 * unchanged (optax `masked`):
 *   u'_p = inner(u_M)_p   if mask(p)
 *          u_p            otherwise,
 * where u_M is the sub-tree of selected leaves, given to `inner` as the flat record
 * `{ [path]: leaf }` (so its state is keyed by the same paths). The mask is a tree of
 * booleans (the parameters' structure, or a prefix of it: `{ dense1: true, dense2: false }`)
 * or a function `(path, leaf) => boolean`. Unselected updates come back as `tf.clone`.
 */
export function masked<S extends StateValue>(inner: GradientTransformation<S>, mask: LeafSpec<boolean>): GradientTransformation<MaskedState<S>> {
  const owner = 'masked';
  const tx = checkTransform(owner, 'inner', inner) as GradientTransformation<S>;
  const select = (tree: TensorTree) =>
    subTree(resolveLeafSpec(owner, 'mask', mask, tree, isBool, 'true or false').filter(([, , m]) => m).map(([p, l]) => [p, l] as const));
  return {
    init: (params) => tidyState(() => ({ inner: tx.init(select(params)) })),
    update: (updates, state, params) => {
      if (state === null || typeof state !== 'object' || !('inner' in state)) {
        throw new TypeError(`${owner}: the state has no field 'inner'; allowed: the state built by this transform's init`);
      }
      const chosen = select(updates);
      return tidyState(() => {
        const [out, innerState] = tx.update(chosen, state.inner, params === undefined ? undefined : select(params));
        const results = new Map(leavesWithPaths(out));
        const merged = treeMap((u, path) => {
          if (!(path in chosen)) return tf.clone(u);
          const r = results.get(path);
          if (r === undefined) throw new TypeError(`${owner}: the inner transform returned no update for '${path}'`);
          return r;
        }, updates);
        return [merged, { inner: innerState }] as [TensorTree, MaskedState<S>];
      });
    },
  };
}
