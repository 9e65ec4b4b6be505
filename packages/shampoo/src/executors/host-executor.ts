/**
 * The host executor: float64 roots computed off the tensors by a runner, installed exactly
 * `delay` steps after their factors were read (delay-line.ts). One executor, three choices:
 *
 *   read: 'sync' (default)  submit(t) reads every factor with ONE synchronous download and
 *                           starts the runner's job at once. The default where a synchronous
 *                           readback is cheap (cpu, wasm, tfjs-node); delay defaults to 0.
 *   read: 'async'           submit(t) keeps one tensor holding every factor of step t (and
 *                           SOAP's previous eigenvectors) and starts its asynchronous
 *                           download `data()`; when it arrives (between steps, whenever the
 *                           training loop awaits) the job starts. If it has not arrived by
 *                           collect(t + d) (a loop that never awaits), the kept tensor is read
 *                           synchronously instead (`fallbackReads` counts these). For backends
 *                           whose synchronous readback stalls the device (webgpu, webgl);
 *                           delay >= 1, default 1.
 *   runner                  where the tasks are computed: inlineRootRunner(compute) by default
 *                           (the training thread, `compute` defaulting to computeRoots), or a
 *                           worker pool or MPI owners from @shampoo-ts/distributed.
 *   collect(t + d)          waits for the job of step t (blocking; never skipped) and uploads
 *                           its outcomes as float32 tensors.
 * So roots from the float32 factors of step t are installed at exactly step t + d whatever
 * the read, the runner or the timing: every combination with the same delay gives the same
 * training, bit for bit.
 *
 * If a job fails (compute threw, a worker crashed or timed out), collect throws, the job is
 * forgotten and its tasks are kept: calling the step again (from the unchanged optimizer
 * state) starts them again and gives the result as if nothing had failed. `dispose()` drops
 * the submissions never collected (at the end of training); a kept tensor is disposed as
 * soon as its asynchronous read has settled, never while it is in flight.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkKnownOptions, checkNumber } from '@shampoo-ts/core/authoring';
import type { RootOutcome, RootTask } from '../root-task.js';
import { delayLine } from './delay-line.js';
import type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';
import { flattenRootRequests, readRootTasks, rootTasksFrom, uploadRootOutcomes, type RootTaskLayout } from './root-transfer.js';
import { inlineRootRunner, isRootRunner, type RootRunner } from './runner.js';

/** How the host executor reads the factors (see the module comment). */
export type HostRead = 'sync' | 'async';

/** Options of the host executor. */
export interface HostRootExecutorOptions {
  /** Steps between reading the factors and installing the roots: >= 0 for 'sync' (default 0), >= 1 for 'async' (default 1). */
  delay?: number;
  /** 'sync' (default): one dataSync per root step; 'async': one data() per root step, read between steps. */
  read?: HostRead;
  /** Where the tasks are computed. Default: inlineRootRunner(compute), named 'host-float64'. */
  runner?: RootRunner;
  /**
   * The pure function the default runner runs on the tasks; defaults to `computeRoots`. Replace it
   * to wrap, time or fault-inject the computation (it must return one outcome per task, same keys).
   * Not with `runner`.
   */
  compute?: (tasks: RootTask[]) => RootOutcome[];
}

/** The host executor, with what tests, benchmarks and training loops read. */
export interface HostRootExecutor extends RootExecutor {
  /** Root steps whose asynchronous download had not arrived by their collect step (read synchronously then); 0 for 'sync'. */
  readonly fallbackReads: number;
  /** Submissions whose roots are not collected yet. */
  readonly inFlight: number;
  /**
   * Resolves once every asynchronous read in flight has arrived and its job has started: await
   * it in a training loop before the step at which roots are due, and `collect` never has to
   * fall back to a synchronous read. At once for 'sync'.
   */
  whenReady(): Promise<void>;
  /** Drops every submission not collected yet (their tensors go when their reads settle). Idempotent. */
  dispose(): void;
}

interface Submission<J> {
  readonly sizes: Map<string, number>;
  /** Plain tasks: at once ('sync'), once the download arrived ('async'); kept until collected, for retries. */
  tasks: RootTask[] | null;
  job: J | undefined;
  /** 'async': the kept factors, disposed only once their read has settled (disposing earlier breaks webgpu). */
  flat: tf.Tensor | null;
  readonly layout: RootTaskLayout[];
  /** Settles with the asynchronous read (and the job start it triggers). */
  read: Promise<void>;
  /** Collected or dropped: an arriving read starts nothing. */
  dropped: boolean;
  readError: unknown;
}

/** The host executor (see the module comment); `owner` names it in error messages. */
export function createHostRootExecutor(owner: string, options: HostRootExecutorOptions = {}): HostRootExecutor {
  checkKnownOptions(owner, options, ['delay', 'read', 'runner', 'compute']);
  const read = options.read ?? 'sync';
  if (read !== 'sync' && read !== 'async') {
    throw new RangeError(`${owner}: read = ${JSON.stringify(read) ?? String(read)} is not allowed; allowed: 'sync' or 'async'`);
  }
  const delay = checkNumber(owner, 'delay', options.delay ?? (read === 'async' ? 1 : 0), { min: read === 'async' ? 1 : 0, integer: true });
  if (options.compute !== undefined && typeof options.compute !== 'function') {
    throw new TypeError(`${owner}: compute = ${String(options.compute)} is not allowed; allowed: a function (tasks) => outcomes`);
  }
  if (options.runner !== undefined && options.compute !== undefined) {
    throw new TypeError(`${owner}: compute is not allowed together with runner; allowed: one of them (the runner computes)`);
  }
  if (options.runner !== undefined && !isRootRunner(options.runner)) {
    throw new TypeError(`${owner}: runner = ${String(options.runner)} is not allowed; allowed: an object with start(tasks) and wait(job)`);
  }
  const runner: RootRunner<unknown> = options.runner ?? inlineRootRunner(options.compute, 'host-float64');
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  let fallbackReads = 0;
  const line = delayLine<Submission<unknown>>(delay, (s) => {
    s.dropped = true;
    if (s.job !== undefined) runner.discard?.(s.job);
  });
  /** Starts the job of a submission whose tasks are known; a failure is left for collect to retry. */
  const start = (s: Submission<unknown>, rethrow: boolean): void => {
    const t0 = performance.now();
    try {
      s.job = runner.start(s.tasks!);
    } catch (error) {
      if (rethrow) throw error;
    } finally {
      timings.computeMs += performance.now() - t0;
    }
  };

  const submitSync = (requests: readonly RootRequest[], sizes: Map<string, number>): Submission<unknown> => {
    const t0 = performance.now();
    const tasks = readRootTasks(requests);
    timings.readMs = performance.now() - t0;
    const s: Submission<unknown> = { sizes, tasks, job: undefined, flat: null, layout: [], read: Promise.resolve(), dropped: false, readError: undefined };
    start(s, true);
    return s;
  };

  const submitAsync = (requests: readonly RootRequest[], sizes: Map<string, number>): Submission<unknown> => {
    const { flat, layout } = flattenRootRequests(requests);
    const s: Submission<unknown> = { sizes, tasks: null, job: undefined, flat: tf.keep(flat), layout, read: Promise.resolve(), dropped: false, readError: undefined };
    const settle = (values: Float32Array | null): void => {
      if (values !== null && !s.dropped && s.tasks === null) {
        s.tasks = rootTasksFrom(values, layout);
        start(s, false);
      }
      s.flat = null;
      flat.dispose();
    };
    s.read = flat.data().then(
      (values) => settle(values as Float32Array),
      (error) => {
        s.readError ??= error;
        settle(null);
      },
    );
    return s;
  };

  return {
    name: read === 'async' ? `${runner.name}-async(${delay})` : `${runner.name}${delay > 0 ? `-pipelined(${delay})` : ''}`,
    delay,
    kinds: ['inverse-root', 'eigen', 'eigen-qr'],
    get lastTimings() {
      return { ...timings };
    },
    get fallbackReads() {
      return fallbackReads;
    },
    get inFlight() {
      return line.size;
    },
    submit(step, requests) {
      Object.assign(timings, { readMs: 0, computeMs: 0, uploadMs: 0, tasks: requests.length });
      const sizes = new Map(requests.map((r) => [r.spec.key, r.spec.n]));
      line.put(step, read === 'async' ? submitAsync(requests, sizes) : submitSync(requests, sizes));
    },
    async whenReady() {
      await Promise.all(line.pending().map((s) => s.read));
    },
    collect(step): RootResult[] {
      const due = line.due(step);
      if (!due) return [];
      if (due.tasks === null) {
        if (due.flat === null) {
          const e = due.readError as Error | undefined;
          throw new Error(`${owner}: the factors of step ${step - delay} could not be read: ${String(e?.message ?? e)}`);
        }
        fallbackReads++;
        const t0 = performance.now();
        due.tasks = rootTasksFrom(due.flat.dataSync() as Float32Array, due.layout);
        timings.readMs = performance.now() - t0;
      }
      if (due.job === undefined) start(due, true);
      const t0 = performance.now();
      let outcomes: RootOutcome[];
      try {
        outcomes = runner.wait(due.job);
      } catch (error) {
        due.job = undefined;
        throw error;
      }
      const t1 = performance.now();
      const results = uploadRootOutcomes(outcomes, due.sizes);
      timings.computeMs += t1 - t0;
      timings.uploadMs = performance.now() - t1;
      due.dropped = true;
      line.done(step);
      return results;
    },
    dispose() {
      line.clear();
    },
  };
}

/** The host executor: float64 roots from a sync or async read, on a runner, installed `delay` steps late (see the module comment). */
export function hostRootExecutor(options: HostRootExecutorOptions = {}): HostRootExecutor {
  return createHostRootExecutor('hostRootExecutor', options);
}
