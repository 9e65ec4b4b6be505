/**
 * Per-parameter state: records keyed by the parameter's tree path, never by position.
 *
 * The first moment of Adam for params `{ dense1: { kernel, bias } }` is
 *   `{ 'dense1/bias': Tensor, 'dense1/kernel': Tensor }`,
 * so a state can be read, diffed and checkpointed by name, and a state built for one set
 * of parameters cannot be silently applied to another: every lookup is checked.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, pathLabel, treeMap, type TensorTree } from './tree.js';
import { checkGradients } from './check-gradients.js';
import { shareTensor } from './share-tensor.js';

/** A record of per-parameter values keyed by leaf path (`'dense1/kernel'`). */
export type PerParam<T = tf.Tensor> = { readonly [path: string]: T };

/** `{ [path]: fn(leaf, path) }` over the leaves of `tree`. */
export function perParam<T>(tree: TensorTree, fn: (leaf: tf.Tensor, path: string) => T): PerParam<T> {
  const out: Record<string, T> = {};
  for (const [path, leaf] of leavesWithPaths(tree)) out[path] = fn(leaf, path);
  return out;
}

/**
 * Throws unless `record` (the state field `field` of transform `owner`) has exactly the
 * paths of `updates`, each with the same shape. The message names the first bad path.
 */
export function checkPerParam(owner: string, field: string, updates: TensorTree, record: PerParam): void {
  if (record === null || typeof record !== 'object') {
    throw new TypeError(`${owner}: the state field '${field}' is ${String(record)}; allowed: a record of tensors keyed by parameter path (build the state with init)`);
  }
  const seen = new Set<string>();
  for (const [path, g] of leavesWithPaths(updates)) {
    seen.add(path);
    const s = Object.prototype.hasOwnProperty.call(record, path) ? record[path] : undefined;
    if (!(s instanceof tf.Tensor)) {
      throw new TypeError(
        `${owner}: the state field '${field}' has no tensor for the update at ${pathLabel(path)}; ` +
          `the state holds paths [${Object.keys(record).sort().map(pathLabel).join(', ')}] (was it built by init for these parameters?)`,
      );
    }
    if (!tf.util.arraysEqual(s.shape, g.shape)) {
      throw new TypeError(
        `${owner}: the update at ${pathLabel(path)} has shape [${g.shape.join(',')}] but the state field '${field}' there has shape [${s.shape.join(',')}]`,
      );
    }
  }
  for (const path of Object.keys(record)) {
    if (!seen.has(path)) {
      throw new TypeError(`${owner}: the state field '${field}' has an entry at ${pathLabel(path)} but the updates have no leaf there`);
    }
  }
}

/**
 * The common shape of an element-wise stateful transform: for every update leaf `g` at
 * `path`, `fn(g, s, path)` receives the state tensors `s[k] = state[k][path]` and returns
 * the outgoing update and the new state tensors. Checks every field first (names the bad
 * path) and that every update is a live float32 tensor (checkGradients). Any returned tensor that is an input or is returned twice is replaced by its
 * shareTensor (tf.clone without a kernel), so every returned tensor object is distinct and new: the caller can dispose
 * the inputs, the updates and the state independently (the ownership rule).
 */
export function mapWithState<K extends string>(
  owner: string,
  updates: TensorTree,
  state: { readonly [k in K]: PerParam },
  fields: readonly K[],
  fn: (g: tf.Tensor, s: { [k in K]: tf.Tensor }, path: string) => { update: tf.Tensor; state: { [k in K]: tf.Tensor } },
): [TensorTree, { [k in K]: PerParam }] {
  checkGradients(owner, updates);
  for (const f of fields) checkPerParam(owner, f, updates, state[f]);
  const next = Object.fromEntries(fields.map((f) => [f, {} as Record<string, tf.Tensor>])) as { [k in K]: Record<string, tf.Tensor> };
  const out = treeMap((g, path) => {
    const s = Object.fromEntries(fields.map((f) => [f, state[f][path]])) as { [k in K]: tf.Tensor };
    const r = fn(g, s, path);
    const inputs = new Set<tf.Tensor>([g, ...fields.map((f) => s[f])]);
    const taken = new Set<tf.Tensor>();
    const own = (t: tf.Tensor): tf.Tensor => {
      const fresh = inputs.has(t) || taken.has(t) ? shareTensor(t) : t;
      taken.add(t);
      return fresh;
    };
    for (const f of fields) (next[f] as Record<string, tf.Tensor>)[path] = own(r.state[f]);
    return own(r.update);
  }, updates);
  return [out, next];
}
