/**
 * The checkpoint format: a train state as plain, serialisable data.
 *
 *   {
 *     formatVersion: 1,
 *     entries:   [{ path: 'params/dense1/kernel', shape: [4, 3], dtype: 'float32', data: Float32Array }, ...],
 *     values:    [{ path: 'count', value: 20 }, { path: 'optState/0/scaleByAdam/count', value: 20 }, ...],
 *     structure: [{ path: '', kind: 'object' }, { path: 'count', kind: 'number' }, ...],
 *   }
 *
 * `entries` hold every tensor, `values` every number, boolean, string and null, and
 * `structure` every node of the state tree (containers included) in traversal order, so
 * a checkpoint saved with another transform or other parameters is recognised on load.
 * Typed arrays survive `structuredClone`, `postMessage`, IndexedDB and `v8.serialize`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isTensor, isTreeContainer, pathLabel, walkTree } from '../tree.js';

/** A path as messages print it: the one path formatter of tree.ts, re-exported where it used to live. */
export { pathLabel } from '../tree.js';

/** The version written by `saveCheckpoint`; `loadCheckpoint` accepts exactly this one. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Tensor dtypes a checkpoint can hold. */
export type CheckpointDtype = 'float32' | 'int32' | 'bool';

/** The typed array holding a tensor of each dtype. */
export type CheckpointData = Float32Array | Int32Array | Uint8Array;

/** One tensor of a checkpoint: its path in the state tree, shape, dtype and row-major data. */
export interface CheckpointEntry {
  readonly path: string;
  readonly shape: readonly number[];
  readonly dtype: CheckpointDtype;
  readonly data: CheckpointData;
}

/** One primitive leaf of a checkpoint (a number, boolean, string or null) and its path. */
export interface CheckpointValue {
  readonly path: string;
  readonly value: number | boolean | string | null;
}

/** The kind of a node of the state tree. */
export type NodeKind = 'object' | 'array' | 'tensor' | 'number' | 'boolean' | 'string' | 'null';

/** One node of the state tree's structure: its path and kind, so that `loadCheckpoint` rebuilds the same objects, arrays and leaves. */
export interface CheckpointNode {
  readonly path: string;
  readonly kind: NodeKind;
}

/** A train state as plain data (`saveCheckpoint`): the format version, the tensors, the primitive leaves and the tree structure; `loadCheckpoint` restores it bit for bit. */
export interface Checkpoint {
  readonly formatVersion: number;
  readonly entries: readonly CheckpointEntry[];
  readonly values: readonly CheckpointValue[];
  readonly structure: readonly CheckpointNode[];
}

/** The typed-array constructor for each supported dtype. */
export const DATA_TYPES: Readonly<Record<CheckpointDtype, {
  /** A typed array holding a copy of `src`. */
  new (src: ArrayLike<number>): CheckpointData;
  name: string;
}>> = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** A node of a walked state with its value. */
export type WalkedNode = { path: string; kind: NodeKind; value: unknown };

/**
 * Every node of a state in traversal order (objects by sorted key), as `structure` lists
 * them. Throws on values a checkpoint cannot hold (undefined, functions, class instances,
 * tensors of other dtypes) and on two nodes with the same path, naming the path.
 */
export function walkState(owner: string, state: unknown): WalkedNode[] {
  const out: WalkedNode[] = [];
  const seen = new Set<string>();
  walkTree(state, (x, path) => {
    if (seen.has(path)) {
      throw new TypeError(`${owner}: two nodes of the state have the path ${pathLabel(path)} (a key containing '/'?); allowed: unique paths`);
    }
    seen.add(path);
    if (isTensor(x)) {
      if (!(x.dtype in DATA_TYPES)) {
        throw new TypeError(`${owner}: the tensor at ${pathLabel(path)} has dtype ${x.dtype}; allowed: ${Object.keys(DATA_TYPES).join(', ')}`);
      }
      if (x.isDisposed) throw new TypeError(`${owner}: the tensor at ${pathLabel(path)} is disposed`);
      out.push({ path, kind: 'tensor', value: x });
      return false;
    }
    if (x === null || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') {
      out.push({ path, kind: x === null ? 'null' : (typeof x as NodeKind), value: x });
      return false;
    }
    if (!isTreeContainer(x)) {
      throw new TypeError(`${owner}: the state has ${typeof x} at ${pathLabel(path)}; allowed: tensors, numbers, booleans, strings, null, arrays and plain objects`);
    }
    out.push({ path, kind: Array.isArray(x) ? 'array' : 'object', value: x });
    return true;
  });
  return out;
}

/** Builds the checkpoint from walked nodes and the host copies of their tensors. */
export function assembleCheckpoint(nodes: readonly WalkedNode[], data: ReadonlyMap<tf.Tensor, CheckpointData>): Checkpoint {
  const entries: CheckpointEntry[] = [];
  const values: CheckpointValue[] = [];
  for (const n of nodes) {
    if (n.kind === 'tensor') {
      const t = n.value as tf.Tensor;
      entries.push({ path: n.path, shape: [...t.shape], dtype: t.dtype as CheckpointDtype, data: data.get(t) as CheckpointData });
    } else if (n.kind !== 'object' && n.kind !== 'array') {
      values.push({ path: n.path, value: n.value as CheckpointValue['value'] });
    }
  }
  return { formatVersion: CHECKPOINT_FORMAT_VERSION, entries, values, structure: nodes.map(({ path, kind }) => ({ path, kind })) };
}
