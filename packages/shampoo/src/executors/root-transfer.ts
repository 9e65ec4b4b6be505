/**
 * The two conversions any executor that computes roots off the tensors needs:
 * tensors -> plain `RootTask`s (one download) and plain `RootOutcome`s -> tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RootOutcome, RootTask } from '../root-task.js';
import type { RootRequest, RootResult } from './root-executor.js';
import { needsPreviousVectors } from '../eigen-task.js';

/** Where each task's data sits in the flat download of `flattenRootRequests` (plain data). */
export interface RootTaskLayout {
  readonly spec: RootRequest['spec'];
  readonly factorLength: number;
  /** Length of the previous eigenvectors ('eigen-qr', and 'eigen' with tolerance > 0; 0 otherwise). */
  readonly previousLength: number;
}

/**
 * Every request's factor (and, where the task needs them, its previous eigenvectors) flattened into
 * one float32 tensor, owned by the caller, so that one download (sync or async) reads them
 * all; and the layout that `rootTasksFrom` needs to cut the download into tasks.
 */
export function flattenRootRequests(requests: readonly RootRequest[]): { flat: tf.Tensor; layout: RootTaskLayout[] } {
  const parts: tf.Tensor[] = [];
  const layout = requests.map((r) => {
    parts.push(r.factor);
    const qr = needsPreviousVectors(r.spec);
    if (qr) parts.push(r.previous);
    return { spec: r.spec, factorLength: r.factor.size, previousLength: qr ? r.previous.size : 0 };
  });
  const flat = tf.tidy(() => (parts.length === 0 ? tf.zeros([0]) : tf.concat(parts.map((p) => tf.reshape(p, [-1])))));
  return { flat, layout };
}

/** The float64 `RootTask`s (owning their arrays) of a flat download with this layout. */
export function rootTasksFrom(values: ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> }, layout: readonly RootTaskLayout[]): RootTask[] {
  let offset = 0;
  const take = (length: number): Float64Array => {
    const out = Float64Array.from(values.subarray(offset, offset + length));
    offset += length;
    return out;
  };
  return layout.map((l) => {
    const factor = take(l.factorLength);
    return l.previousLength > 0 ? { ...l.spec, factor, previousVectors: take(l.previousLength) } : { ...l.spec, factor };
  });
}

/**
 * Reads every request's factor (and, where the task needs them, its previous eigenvectors) with ONE
 * synchronous download, and returns float64 `RootTask`s that own their arrays.
 */
export function readRootTasks(requests: readonly RootRequest[]): RootTask[] {
  if (requests.length === 0) return [];
  const { flat, layout } = flattenRootRequests(requests);
  const data = flat.dataSync() as Float32Array;
  flat.dispose();
  return rootTasksFrom(data, layout);
}

/** Uploads outcomes as float32 tensors (roots n x n, eigenvalues n, eigenvectors n x n). */
export function uploadRootOutcomes(outcomes: readonly RootOutcome[], sizes: ReadonlyMap<string, number>): RootResult[] {
  return outcomes.map((o) => {
    const n = sizes.get(o.key);
    if (n === undefined) throw new RangeError(`uploadRootOutcomes: outcome key '${o.key}' matches no submitted request`);
    const up = (a: Float64Array | undefined, shape: number[]) => (a ? tf.tensor(Float32Array.from(a), shape, 'float32') : undefined);
    return {
      key: o.key,
      status: o.status,
      ...(o.message === undefined ? {} : { message: o.message }),
      ...(o.warning === undefined ? {} : { warning: o.warning }),
      ...(o.condition === undefined ? {} : { condition: o.condition, conditionSource: o.conditionSource }),
      ...(o.notice === undefined ? {} : { notice: o.notice }),
      ...(o.root ? { root: up(o.root, [n, n]) } : {}),
      ...(o.values ? { values: up(o.values, [n]) } : {}),
      ...(o.vectors ? { vectors: up(o.vectors, [n, n]) } : {}),
    };
  });
}

