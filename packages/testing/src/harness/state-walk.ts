/**
 * Walking optimizer state (core's `StateValue`: tensors, numbers, booleans, strings, null,
 * arrays and plain objects) for the transform harness: collecting its tensors, snapshotting
 * it to detect mutation, and comparing the structure of two states.
 */
import * as tf from '@tensorflow/tfjs-core';
import { joinPath } from '@shampoo-ts/core';

/** One node of a state or tree, with its path (core's convention, '' for the root). */
export type StateNode =
  | { path: string; kind: 'tensor'; tensor: tf.Tensor }
  | { path: string; kind: 'primitive'; value: number | boolean | string | null }
  | { path: string; kind: 'array'; length: number }
  | { path: string; kind: 'object'; keys: string[] };

/** Label of a path in messages: `'a/b'`, or `<root>`. */
export function pathLabel(path: string): string {
  return path === '' ? '<root>' : `'${path}'`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Every node of `value` in depth-first order (object keys sorted). Throws naming the path
 * (with `name`) on anything that is not plain state data, such as a typed array, a
 * function, undefined or a class instance.
 */
export function stateNodes(value: unknown, name: string): StateNode[] {
  const out: StateNode[] = [];
  const visit = (x: unknown, path: string): void => {
    if (x instanceof tf.Tensor) out.push({ path, kind: 'tensor', tensor: x });
    else if (x === null || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') out.push({ path, kind: 'primitive', value: x });
    else if (Array.isArray(x)) {
      out.push({ path, kind: 'array', length: x.length });
      x.forEach((c, i) => visit(c, joinPath(path, i)));
    } else if (isPlainObject(x)) {
      const keys = Object.keys(x).sort();
      out.push({ path, kind: 'object', keys });
      for (const k of keys) visit(x[k], joinPath(path, k));
    } else {
      const what = x === undefined ? 'undefined' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
      throw new TypeError(
        `${name} at ${pathLabel(path)} is ${what}; allowed: tensors, numbers, booleans, strings, null, arrays and plain objects`,
      );
    }
  };
  visit(value, '');
  return out;
}

/** The distinct tensor objects in `value`, each with the first path it appears at. */
export function tensorsOf(value: unknown, name: string): Map<tf.Tensor, string> {
  const out = new Map<tf.Tensor, string>();
  for (const node of stateNodes(value, name)) {
    if (node.kind === 'tensor' && !out.has(node.tensor)) out.set(node.tensor, node.path);
  }
  return out;
}

/** A deep record of a value: structure, primitives, tensor identities and a copy of their data. */
export interface Snapshot {
  name: string;
  nodes: StateNode[];
  data: Map<tf.Tensor, Uint8Array>;
}

function tensorBytes(t: tf.Tensor): Uint8Array {
  const d = t.dataSync() as ArrayLike<number> & { buffer?: ArrayBufferLike; byteOffset?: number; byteLength?: number };
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  return new TextEncoder().encode(JSON.stringify(Array.from(d as ArrayLike<unknown>)));
}

/** Records `value` so that `findMutation` can later tell whether anything in it changed. */
export function snapshot(value: unknown, name: string): Snapshot {
  const nodes = stateNodes(value, name);
  const data = new Map<tf.Tensor, Uint8Array>();
  for (const n of nodes) {
    if (n.kind === 'tensor') {
      if (n.tensor.isDisposed) throw new Error(`${name} at ${pathLabel(n.path)} is already disposed`);
      if (!data.has(n.tensor)) data.set(n.tensor, tensorBytes(n.tensor));
    }
  }
  return { name, nodes, data };
}

/**
 * The first change between `snap` and the current contents of the same `value`, as a
 * message, or undefined: a container changed in place, a leaf replaced, a tensor disposed or
 * its bytes changed (a tf.Variable assigned, a backend buffer written).
 */
export function findMutation(snap: Snapshot, value: unknown): string | undefined {
  let now: StateNode[];
  try {
    now = stateNodes(value, snap.name);
  } catch (e) {
    return `${snap.name} was changed in place: ${(e as Error).message}`;
  }
  const where = (p: string): string => `${snap.name} at ${pathLabel(p)}`;
  for (let i = 0; i < Math.max(now.length, snap.nodes.length); i++) {
    const before = snap.nodes[i];
    const after = now[i];
    if (!before || !after || before.path !== after.path || before.kind !== after.kind) {
      const p = (before ?? after).path;
      return `${where(p)} was changed in place (its structure differs from before the call)`;
    }
    if (before.kind === 'array' && after.kind === 'array' && before.length !== after.length) return `${where(before.path)} changed length in place`;
    if (before.kind === 'object' && after.kind === 'object' && before.keys.join() !== after.keys.join()) {
      return `${where(before.path)} changed keys in place: [${before.keys}] -> [${after.keys}]`;
    }
    if (before.kind === 'primitive' && after.kind === 'primitive' && !Object.is(before.value, after.value)) {
      return `${where(before.path)} was changed in place from ${String(before.value)} to ${String(after.value)}`;
    }
    if (before.kind === 'tensor' && after.kind === 'tensor') {
      if (before.tensor !== after.tensor) return `${where(before.path)} was replaced by another tensor in place`;
      if (before.tensor.isDisposed) return `${where(before.path)} was disposed (a transform must never dispose what it is given)`;
      const bytes = tensorBytes(before.tensor);
      const old = snap.data.get(before.tensor) as Uint8Array;
      if (bytes.length !== old.length || bytes.some((b, k) => b !== old[k])) return `${where(before.path)} had its values changed in place`;
    }
  }
  return undefined;
}

/**
 * The first path where two states differ in structure (containers, keys, lengths, the type
 * of primitives, tensor shapes and dtypes), described as a message, or undefined.
 */
export function stateStructureDifference(a: unknown, b: unknown, names: [string, string]): string | undefined {
  const na = stateNodes(a, names[0]);
  const nb = stateNodes(b, names[1]);
  const describe = (n: StateNode | undefined): string => {
    if (!n) return 'nothing';
    switch (n.kind) {
      case 'tensor':
        return `a ${n.tensor.dtype} tensor of shape [${n.tensor.shape.join(',')}]`;
      case 'primitive':
        return n.value === null ? 'null' : `a ${typeof n.value}`;
      case 'array':
        return `an array of length ${n.length}`;
      case 'object':
        return `an object with keys [${n.keys.join(', ')}]`;
    }
  };
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const x = na[i];
    const y = nb[i];
    if (x?.path !== y?.path || describe(x) !== describe(y)) {
      const p = (x ?? y)?.path ?? '';
      return `${names[0]} has ${describe(x)} at ${pathLabel(x?.path ?? p)}, ${names[1]} has ${describe(y)} at ${pathLabel(y?.path ?? p)}`;
    }
  }
  return undefined;
}
