/**
 * The two conversions any executor that computes roots off the tensors needs:
 * tensors -> plain `RootTask`s (one download) and plain `RootOutcome`s -> tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RootOutcome, RootTask } from './root-task.js';
import type { RootRequest, RootResult } from './root-executor.js';

/**
 * Reads every request's factor (and, for 'eigen-qr', its previous eigenvectors) with ONE
 * synchronous download, and returns float64 `RootTask`s that own their arrays.
 */
export function readRootTasks(requests: readonly RootRequest[]): RootTask[] {
  if (requests.length === 0) return [];
  const parts: tf.Tensor[] = [];
  for (const r of requests) {
    parts.push(r.factor);
    if (r.spec.kind === 'eigen-qr') parts.push(r.previous);
  }
  const flat = tf.tidy(() => tf.concat(parts.map((p) => tf.reshape(p, [-1]))));
  const data = flat.dataSync();
  flat.dispose();
  let offset = 0;
  const take = (length: number): Float64Array => {
    const out = Float64Array.from(data.subarray(offset, offset + length));
    offset += length;
    return out;
  };
  return requests.map((r) => {
    const factor = take(r.factor.size);
    if (r.spec.kind === 'eigen-qr') return { ...r.spec, factor, previousVectors: take(r.previous.size) };
    return { ...r.spec, factor };
  });
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
      ...(o.root ? { root: up(o.root, [n, n]) } : {}),
      ...(o.values ? { values: up(o.values, [n]) } : {}),
      ...(o.vectors ? { vectors: up(o.vectors, [n, n]) } : {}),
    };
  });
}

