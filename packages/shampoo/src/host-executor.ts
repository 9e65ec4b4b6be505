/**
 * The inline float64 host executor (default on cpu and wasm) and the two conversions any
 * off-thread executor needs: tensors -> plain `RootTask`s and plain `RootOutcome`s -> tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { computeRoots, type RootOutcome, type RootTask } from './root-task.js';
import type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';

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

/** Options of the host executor. */
export interface HostRootExecutorOptions {
  /**
   * The pure function run on the tasks; defaults to `computeRoots`. Replace it to wrap,
   * time or fault-inject the computation (it must return one outcome per task, same keys).
   */
  compute?: (tasks: RootTask[]) => RootOutcome[];
}

/** Inline float64 root computation on the training thread (delay 0). */
export function hostRootExecutor(options: HostRootExecutorOptions = {}): RootExecutor {
  const compute = options.compute ?? computeRoots;
  // Plain data only between submit and collect: tensors are made in collect, so an
  // enclosing tf.tidy can never dispose a result before it is installed.
  const pending = new Map<number, { outcomes: RootOutcome[]; sizes: Map<string, number> }>();
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  return {
    name: 'host-float64',
    delay: 0,
    kinds: ['inverse-root', 'eigen', 'eigen-qr'],
    get lastTimings() {
      return { ...timings };
    },
    submit(step, requests) {
      const t0 = performance.now();
      const tasks = readRootTasks(requests);
      const t1 = performance.now();
      const outcomes = compute(tasks);
      const t2 = performance.now();
      if (outcomes.length !== tasks.length) {
        throw new RangeError(`hostRootExecutor: compute returned ${outcomes.length} outcomes for ${tasks.length} tasks; allowed: one per task`);
      }
      Object.assign(timings, { readMs: t1 - t0, computeMs: t2 - t1, uploadMs: 0, tasks: tasks.length });
      pending.set(step, { outcomes, sizes: new Map(requests.map((r) => [r.spec.key, r.spec.n])) });
    },
    collect(step) {
      const due = pending.get(step);
      if (!due) return [];
      pending.delete(step);
      const t0 = performance.now();
      const results = uploadRootOutcomes(due.outcomes, due.sizes);
      timings.uploadMs = performance.now() - t0;
      return results;
    },
  };
}
