/**
 * Assigning a value (a mask bit, a partition label) to every leaf of a parameter tree,
 * given either as a function of the leaf's path or as a tree of values. A tree of values
 * may stop early: a value at `'dense1'` applies to every leaf under `dense1`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, pathLabel, type TensorTree, type Tree } from '../tree.js';

/** A value per leaf: a tree (same structure as the parameters, or a prefix of it) or a function. */
export type LeafSpec<L> = Tree<L> | ((path: string, leaf: tf.Tensor) => L);

function coveredBy(prefix: string, path: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * `[path, leaf, value]` for every leaf of `tree`. Throws, naming the path, when a leaf
 * gets no value or a wrong one, or when the spec tree has a value matching no leaf.
 */
export function resolveLeafSpec<L>(
  owner: string,
  what: string,
  spec: LeafSpec<L>,
  tree: TensorTree,
  isValue: (x: unknown) => x is L,
  allowed: string,
): Array<[string, tf.Tensor, L]> {
  const params = leavesWithPaths(tree);
  if (typeof spec === 'function') {
    const fn = spec as (path: string, leaf: tf.Tensor) => L;
    return params.map(([path, leaf]) => {
      const v = fn(path, leaf);
      if (!isValue(v)) throw new TypeError(`${owner}: the ${what} function returned ${String(v)} for the leaf at ${pathLabel(path)}; allowed: ${allowed}`);
      return [path, leaf, v];
    });
  }
  const given = leavesWithPaths(spec as Tree<L>, isValue, (node, path) => {
    throw new TypeError(`${owner}: the ${what} tree has ${node === null ? 'null' : typeof node} at ${pathLabel(path)}; allowed: ${allowed}, or arrays and objects of them`);
  });
  const used = new Set<string>();
  const out = params.map(([path, leaf]): [string, tf.Tensor, L] => {
    let best: [string, L] | undefined;
    for (const [p, v] of given) if (coveredBy(p, path) && (best === undefined || p.length > best[0].length)) best = [p, v];
    if (best === undefined) throw new TypeError(`${owner}: the ${what} tree has no value for the leaf at ${pathLabel(path)}; allowed: ${allowed} at that path or above it`);
    used.add(best[0]);
    return [path, leaf, best[1]];
  });
  for (const [p] of given) {
    if (!used.has(p) && !params.some(([path]) => coveredBy(p, path))) {
      throw new TypeError(`${owner}: the ${what} tree has a value at ${pathLabel(p)} but the parameters have no leaf there`);
    }
  }
  return out;
}

/** The flat record `{ [path]: leaf }` of the chosen leaves: a tree whose leaf paths are the same paths. */
export function subTree(entries: ReadonlyArray<readonly [string, tf.Tensor]>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [path, leaf] of entries) out[path] = leaf;
  return out;
}
