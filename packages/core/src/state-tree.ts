/**
 * Optimizer state as plain data (see `StateValue` in transform.ts): walking it, cloning it.
 *
 * A state leaf is a tensor, a number, a boolean, a string or null; containers are arrays
 * and plain objects. Paths are built as for tensor trees (`'0/mu/dense1/kernel'`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StateValue } from './transform.js';
import { isTensor, leavesWithPaths } from './tree.js';
import { shareTensor } from './share-tensor.js';

/** Every tensor in a state or tree (tree.ts, on the one tree walker); re-exported where it used to live. */
export { tensorsIn } from './tree.js';

/** A leaf of a state: a tensor or a primitive. */
export type StateLeaf = tf.Tensor | number | boolean | string | null;

/** True for the leaves of a state tree: tensors, numbers, booleans, strings and null. */
export function isStateLeaf(x: unknown): x is StateLeaf {
  return x === null || isTensor(x) || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string';
}

/** Leaves of a state with their paths, in the deterministic order of `leavesWithPaths`. */
export function stateLeavesWithPaths(state: unknown): Array<[string, StateLeaf]> {
  return leavesWithPaths<StateLeaf>(state as never, isStateLeaf);
}

/**
 * A copy of `state` in which every tensor is replaced by a new handle on its data
 * (share-tensor.ts: tf.clone without a kernel or a copy) and every container is new. Disposing either copy
 * leaves the other intact: this is how a transform returns an "unchanged" state while
 * keeping the ownership rule.
 */
export function cloneState<S>(state: S): S {
  return mapTensorsIn(state, (t) => shareTensor(t));
}

/** A copy of `x` with every tensor t replaced by f(t), in traversal order; arrays and plain objects are new. */
export function mapTensorsIn<T>(x: T, f: (t: tf.Tensor) => tf.Tensor): T {
  const visit = (node: unknown): unknown => {
    if (isTensor(node)) return f(node);
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = visit(v);
      return out;
    }
    return node;
  };
  return visit(x) as T;
}

/**
 * The ownership rule for a transform's result: every tensor of `x` that is one of
 * `inputs` (or already appeared earlier in `x`) is replaced by a new handle on its data
 * (shareTensor: tf.clone without a kernel), so every
 * tensor object in the result is distinct and not an input. Arrays and plain objects are
 * copied; other values are kept.
 */
export function ownTensors<T>(x: T, inputs: Iterable<tf.Tensor>): T {
  const taken = new Set<tf.Tensor>(inputs);
  return mapTensorsIn(x, (t) => {
    if (taken.has(t)) return shareTensor(t);
    taken.add(t);
    return t;
  });
}

/**
 * `tf.tidy` for functions that return trees and states: every tensor created inside `fn`
 * and not reachable from its result is disposed, also when `fn` throws.
 */
export function tidyState<T extends StateValue | readonly unknown[] | object>(fn: () => T): T {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as T;
}

/**
 * A byte-level fingerprint of a state, one string per leaf in traversal order:
 * `<path>:<dtype>[<shape>]:<bytes in hex>` for a tensor (its raw little-endian bytes, so
 * -0 and NaN payloads count), `<path>:<JSON>` for a primitive (-0 written as `-0`). Two
 * states are bit-for-bit equal exactly when their fingerprints are equal arrays: the check
 * behind "a checkpoint resumes bit for bit". Reads every tensor synchronously.
 */
export function stateFingerprint(state: unknown): string[] {
  return stateLeavesWithPaths(state).map(([path, leaf]) => {
    if (isTensor(leaf)) {
      const d = leaf.dataSync();
      const bytes = d instanceof Array ? new TextEncoder().encode(JSON.stringify(d)) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      let hex = '';
      for (const b of bytes) hex += b.toString(16).padStart(2, '0');
      return `${path}:${leaf.dtype}[${leaf.shape.join(',')}]:${hex}`;
    }
    return `${path}:${Object.is(leaf, -0) ? '-0' : JSON.stringify(leaf)}`;
  });
}
