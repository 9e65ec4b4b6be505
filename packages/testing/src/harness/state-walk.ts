/**
 * Helpers of the transform harness over optimizer state (core's `StateValue`: tensors,
 * numbers, booleans, strings, null in arrays and plain objects), built on core's
 * `stateLeavesWithPaths`: collecting tensors with their paths, snapshotting a value to
 * detect mutation, and comparing the structure of two states.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stateLeavesWithPaths, type StateLeaf } from '@shampoo-ts/core';
import { pathLabel } from '@shampoo-ts/core/authoring';

/** Label of a path in messages: core's one path formatter, `'a/b'` or `<root>`. */
export { pathLabel };

/** Leaves of a state with their paths; an invalid node (typed array, function, undefined) throws, prefixed by `name`. */
export function stateLeaves(value: unknown, name: string): Array<[string, StateLeaf]> {
  try {
    return stateLeavesWithPaths(value);
  } catch (e) {
    throw new TypeError(`${name} is not plain state data (tensors, numbers, booleans, strings, null, arrays, plain objects): ${(e as Error).message}`);
  }
}

/** The distinct tensor objects in `value`, each with the first path it appears at. */
export function tensorsOf(value: unknown, name: string): Map<tf.Tensor, string> {
  const out = new Map<tf.Tensor, string>();
  for (const [path, leaf] of stateLeaves(value, name)) {
    if (leaf instanceof tf.Tensor && !out.has(leaf)) out.set(leaf, path);
  }
  return out;
}

/** A deep record of a value: its leaves by path, tensor identities and a copy of their bytes. */
export interface Snapshot {
  name: string;
  leaves: Array<[string, StateLeaf]>;
  bytes: Map<tf.Tensor, Uint8Array>;
}

function tensorBytes(t: tf.Tensor): Uint8Array {
  const d = t.dataSync() as unknown;
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  return new TextEncoder().encode(JSON.stringify(d)); // string tensors
}

/** Records `value` so that `findMutation` can later tell whether anything in it changed. */
export function snapshot(value: unknown, name: string): Snapshot {
  const leaves = stateLeaves(value, name);
  const bytes = new Map<tf.Tensor, Uint8Array>();
  for (const [path, leaf] of leaves) {
    if (leaf instanceof tf.Tensor && !bytes.has(leaf)) {
      if (leaf.isDisposed) throw new Error(`${name} at ${pathLabel(path)} is already disposed`);
      bytes.set(leaf, tensorBytes(leaf));
    }
  }
  return { name, leaves, bytes };
}

/**
 * The first change between `snap` and the current contents of the same `value`, as a
 * message, or undefined: leaves added, removed or replaced in place, a primitive changed, a
 * tensor disposed or its bytes changed (a tf.Variable assigned, a backend buffer written).
 */
export function findMutation(snap: Snapshot, value: unknown): string | undefined {
  let now: Array<[string, StateLeaf]>;
  try {
    now = stateLeaves(value, snap.name);
  } catch (e) {
    return `${snap.name} was changed in place: ${(e as Error).message}`;
  }
  const where = (p: string): string => `${snap.name} at ${pathLabel(p)}`;
  const current = new Map(now);
  for (const [path, before] of snap.leaves) {
    if (!current.has(path)) return `${where(path)} was removed in place (the structure differs from before the call)`;
    const after = current.get(path);
    if (before instanceof tf.Tensor) {
      if (before !== after) return `${where(path)} was replaced in place`;
      if (before.isDisposed) return `${where(path)} was disposed (a transform must never dispose what it is given)`;
      const bytes = tensorBytes(before);
      const old = snap.bytes.get(before) as Uint8Array;
      if (bytes.length !== old.length || bytes.some((b, k) => b !== old[k])) return `${where(path)} had its values changed in place`;
    } else if (!Object.is(before, after)) {
      return `${where(path)} was changed in place from ${String(before)} to ${after instanceof tf.Tensor ? 'a tensor' : String(after)}`;
    }
  }
  const known = new Set(snap.leaves.map(([p]) => p));
  const added = now.find(([p]) => !known.has(p));
  return added ? `${where(added[0])} was added in place (the structure differs from before the call)` : undefined;
}

function describeLeaf(leaf: StateLeaf | undefined): string {
  if (leaf === undefined) return 'nothing';
  if (leaf instanceof tf.Tensor) return `a ${leaf.dtype} tensor of shape [${leaf.shape.join(',')}]`;
  return leaf === null ? 'null' : `a ${typeof leaf}`;
}

/**
 * The first leaf where two states differ in structure (its path, the type of primitives,
 * tensor shapes and dtypes), described as a message, or undefined.
 */
export function stateStructureDifference(a: unknown, b: unknown, names: [string, string]): string | undefined {
  const la = stateLeaves(a, names[0]);
  const lb = stateLeaves(b, names[1]);
  const mb = new Map(lb);
  for (const [path, x] of la) {
    const y = mb.get(path);
    if (!mb.has(path) || describeLeaf(x) !== describeLeaf(y)) {
      return `${names[0]} has ${describeLeaf(x)} at ${pathLabel(path)}, ${names[1]} has ${mb.has(path) ? describeLeaf(y) : 'nothing'} there`;
    }
  }
  const ma = new Map(la);
  const extra = lb.find(([p]) => !ma.has(p));
  return extra ? `${names[0]} has nothing at ${pathLabel(extra[0])}, ${names[1]} has ${describeLeaf(extra[1])} there` : undefined;
}
