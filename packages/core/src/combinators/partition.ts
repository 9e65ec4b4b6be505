import { invalidType } from '../validate.js';
import type * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { leavesWithPaths, treeMap, type TensorTree } from '../tree.js';
import { tidyState } from '../state-tree.js';
import { checkTransform } from './check-transform.js';
import { resolveLeafSpec, subTree, type LeafSpec } from './leaf-labels.js';

/** The state of `partition`: each label's inner state, over that label's leaves. */
export type PartitionState = { readonly [label: string]: StateValue };

const isString = (x: unknown): x is string => typeof x === 'string';

/**
 * Routes each parameter group to its own transform (optax `partition`). Every leaf gets a
 * label, from a tree of strings (the parameters' structure or a prefix of it) or from a
 * function `(path, leaf) => label`; with L_k the leaves labelled k,
 *   u'_p = transforms[k].update(u_{L_k})_p     for p in L_k,
 * so each leaf goes through exactly one transform. Each transform sees only its leaves,
 * as the flat record `{ [path]: leaf }`, and its state is keyed by those paths. A label
 * without a transform is an error naming the leaf; a transform whose label no leaf has
 * gets an empty tree.
 */
export function partition(
  transforms: { readonly [label: string]: GradientTransformation<any> },
  labels: LeafSpec<string>,
): GradientTransformation<PartitionState> {
  const owner = 'partition';
  if (transforms === null || typeof transforms !== 'object') {
    invalidType(owner, 'transforms', transforms, 'an object { label: GradientTransformation }');
  }
  const names = Object.keys(transforms).sort();
  const txs = Object.fromEntries(names.map((k) => [k, checkTransform(owner, `transforms['${k}']`, transforms[k])]));
  const groups = (tree: TensorTree): Record<string, Record<string, tf.Tensor>> => {
    const byLabel: Record<string, Array<readonly [string, tf.Tensor]>> = Object.fromEntries(names.map((k) => [k, []]));
    for (const [path, leaf, lab] of resolveLeafSpec(owner, 'labels', labels, tree, isString, 'a label string')) {
      if (!(lab in txs)) {
        throw new RangeError(`${owner}: the leaf at '${path}' has label '${lab}', which has no transform; allowed labels: [${names.join(', ')}]`);
      }
      byLabel[lab].push([path, leaf]);
    }
    return Object.fromEntries(names.map((k) => [k, subTree(byLabel[k])]));
  };
  return {
    init: (params) =>
      tidyState(() => {
        const g = groups(params);
        return Object.fromEntries(names.map((k) => [k, txs[k].init(g[k]) as StateValue]));
      }),
    update: (updates, state, params) => {
      for (const k of names) {
        if (state === null || typeof state !== 'object' || !(k in state)) {
          throw new TypeError(`${owner}: the state has no entry for label '${k}'; allowed: the state built by this transform's init, with keys [${names.join(', ')}]`);
        }
      }
      const g = groups(updates);
      const pg = params === undefined ? undefined : groups(params);
      return tidyState(() => {
        const results = new Map<string, tf.Tensor>();
        const next: Record<string, StateValue> = {};
        for (const k of names) {
          const [out, s] = txs[k].update(g[k], state[k], pg?.[k]);
          for (const [p, leaf] of leavesWithPaths(out)) results.set(p, leaf);
          next[k] = s;
        }
        const merged = treeMap((_, path) => {
          const r = results.get(path);
          if (r === undefined) throw new TypeError(`${owner}: no transform returned an update for '${path}'`);
          return r;
        }, updates);
        return [merged, next] as [TensorTree, PartitionState];
      });
    },
  };
}
