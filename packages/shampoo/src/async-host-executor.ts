/**
 * Float64 roots computed on the host from an asynchronous read of the factors, installed
 * exactly `delay` steps later: the executor for backends whose synchronous readback stalls
 * the device (webgpu, webgl), where `hostRootExecutor` would wait for the GPU on every
 * root step and `deviceRootExecutor` computes in float32.
 *
 *   submit(t):      one tensor holding every factor of step t (and SOAP's previous
 *                   eigenvectors) is kept, and its asynchronous download `data()` starts;
 *                   when it arrives (between steps, whenever the training loop awaits),
 *                   `compute` (default computeRoots, float64) runs on it at once.
 *   collect(t + d): uploads the roots of step t. If the download has not arrived yet (a loop
 *                   that never awaits), it reads the kept tensor synchronously instead
 *                   (`fallbackReads` counts these) and computes there.
 * Either way the roots come from the same float32 factors of step t, so the results do not
 * depend on timing: they equal `inlineRootExecutor({ delay })` bit for bit. If `compute`
 * throws, `collect` throws, and the next call for the same step computes again from the
 * kept values (the optimizer state is unchanged, as for every executor). `dispose()` drops
 * the submissions never collected (at the end of training); each kept tensor is disposed
 * as soon as its asynchronous read has settled, never while it is in flight.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkKnownOptions, checkNumber } from '@shampoo-ts/core';
import type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';
import { flattenRootRequests, rootTasksFrom, uploadRootOutcomes, type RootTaskLayout } from './root-transfer.js';
import { checkOutcomeCount, computeRoots, type RootOutcome, type RootTask } from './root-task.js';

export interface AsyncHostRootExecutorOptions {
  /** Steps between reading the factors and installing the roots, >= 1 (default 1). */
  delay?: number;
  /** The pure function run on the tasks (default computeRoots). */
  compute?: (tasks: RootTask[]) => RootOutcome[];
}

/** The async executor, with the counters tests and benchmarks read. */
export interface AsyncHostRootExecutor extends RootExecutor {
  /** Root steps whose download had not arrived by their collect step (read synchronously then). */
  readonly fallbackReads: number;
  /** Submissions whose roots are not collected yet. */
  readonly inFlight: number;
  /**
   * Resolves once every read in flight has arrived and its roots are computed: await it in
   * a training loop before the step at which roots are due, and `collect` never has to fall
   * back to a synchronous read.
   */
  whenReady(): Promise<void>;
  /** Drops every submission not collected yet (their tensors go when their reads settle). Idempotent. */
  dispose(): void;
}

interface Submission {
  readonly layout: RootTaskLayout[];
  readonly sizes: Map<string, number>;
  /**
   * The kept factors of the submitted step. Disposed only once their asynchronous read has
   * settled (disposing a tensor with a read in flight breaks the webgpu backend).
   */
  flat: tf.Tensor | null;
  /** Settles with the asynchronous read (and the computation it triggers). */
  read: Promise<void>;
  /** Collected or dropped: an arriving read computes nothing. */
  done: boolean;
  /** The factors as plain data once read (kept until the roots are collected, for retries). */
  values: Float32Array | null;
  outcomes: RootOutcome[] | null;
  error: unknown;
}

const OWNER = 'asyncHostRootExecutor';

/** Asynchronous float64 host roots, installed `delay` steps late (see the module comment). */
export function asyncHostRootExecutor(options: AsyncHostRootExecutorOptions = {}): AsyncHostRootExecutor {
  checkKnownOptions(OWNER, options, ['delay', 'compute']);
  const delay = checkNumber(OWNER, 'delay', options.delay ?? 1, { min: 1, integer: true });
  if (options.compute !== undefined && typeof options.compute !== 'function') {
    throw new TypeError(`${OWNER}: compute = ${String(options.compute)} is not allowed; allowed: a function (tasks) => outcomes`);
  }
  const compute = options.compute ?? computeRoots;
  const pending = new Map<number, Submission>();
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  let fallbackReads = 0;

  /** Computes the outcomes of a submission from its downloaded values; records a failure. */
  const computeFrom = (s: Submission, values: Float32Array): void => {
    s.values = values;
    const t0 = performance.now();
    try {
      s.outcomes = checkOutcomeCount(OWNER, compute(rootTasksFrom(values, s.layout)), s.layout.length);
      s.error = undefined;
    } catch (error) {
      s.error = error;
    }
    timings.computeMs = performance.now() - t0;
  };

  return {
    name: `host-float64-async(${delay})`,
    delay,
    kinds: ['inverse-root', 'eigen', 'eigen-qr'],
    get lastTimings() {
      return { ...timings };
    },
    get fallbackReads() {
      return fallbackReads;
    },
    get inFlight() {
      return pending.size;
    },

    submit(step: number, requests: readonly RootRequest[]) {
      const old = pending.get(step);
      if (old) old.done = true;
      const { flat, layout } = flattenRootRequests(requests);
      const s: Submission = {
        layout, sizes: new Map(requests.map((r) => [r.spec.key, r.spec.n])), flat: tf.keep(flat), read: Promise.resolve(), done: false, values: null, outcomes: null, error: undefined,
      };
      const settle = (values: Float32Array | null): void => {
        if (values !== null && !s.done && s.values === null) computeFrom(s, values);
        s.flat = null;
        flat.dispose();
      };
      s.read = flat.data().then(
        (values) => settle(values as Float32Array),
        (error) => {
          s.error ??= error;
          settle(null);
        },
      );
      pending.set(step, s);
      Object.assign(timings, { readMs: 0, computeMs: 0, uploadMs: 0, tasks: layout.length });
    },

    async whenReady() {
      await Promise.all([...pending.values()].map((s) => s.read));
    },

    collect(step: number): RootResult[] {
      const from = step - delay;
      for (const [s, sub] of pending) {
        if (s < from) {
          sub.done = true;
          pending.delete(s);
        }
      }
      const due = pending.get(from);
      if (!due) return [];
      if (due.outcomes === null) {
        let values = due.values;
        if (values === null) {
          if (due.flat === null) {
            throw new Error(`${OWNER}: the factors of step ${from} could not be read: ${String((due.error as Error)?.message ?? due.error)}`);
          }
          fallbackReads++;
          const t0 = performance.now();
          values = due.flat.dataSync() as Float32Array;
          timings.readMs = performance.now() - t0;
        }
        // A first computation, or a retry after a failure (from the kept plain values).
        computeFrom(due, values);
        if (due.outcomes === null) {
          const error = due.error;
          throw error instanceof Error ? error : new Error(`${OWNER}: the roots of step ${from} failed: ${String(error)}`);
        }
      }
      const t0 = performance.now();
      const results = uploadRootOutcomes(due.outcomes, due.sizes);
      timings.uploadMs = performance.now() - t0;
      due.done = true;
      pending.delete(from);
      return results;
    },

    dispose() {
      // Tensors whose read is still in flight are disposed when it settles.
      for (const s of pending.values()) s.done = true;
      pending.clear();
    },
  };
}
