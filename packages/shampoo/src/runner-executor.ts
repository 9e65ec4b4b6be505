/**
 * Root executors built on a runner (something that starts a batch of root tasks and later
 * waits for it), with a fixed delay d >= 0:
 *   submit(t, requests): read the factors (one download), start the job, remember it as due
 *                        at step t + d;
 *   collect(t):          wait for the job submitted at t - d (blocking; never skipped), and
 *                        upload its outcomes.
 * So roots computed from the factors of step t are installed at exactly step t + d, and the
 * training result does not depend on how long the computation takes: a run with a worker
 * pool (@shampoo-ts/distributed) equals, bit for bit, the run with the inline runner and
 * the same delay; hostRootExecutor is the inline runner with d = 0.
 *
 * If waiting fails (a worker crashed or timed out), collect throws, the job is forgotten and
 * its tasks are kept: calling the step again (from the unchanged optimizer state) restarts
 * them, on replaced workers, and gives the same result as if nothing had failed.
 */
import { checkKnownOptions, checkNumber } from '@shampoo-ts/core';
import { readRootTasks, uploadRootOutcomes } from './root-transfer.js';
import type { RootExecutor, RootExecutorTimings } from './root-executor.js';
import { checkOutcomeCount, computeRoots, type RootOutcome, type RootTask } from './root-task.js';

/** Starts root jobs and waits for them (RootWorkerPool is one; inlineRootRunner another). */
export interface RootRunner<J = unknown> {
  readonly name: string;
  start(tasks: readonly RootTask[]): J;
  wait(job: J): RootOutcome[];
  /** Optional: forget a job that will not be waited for. */
  discard?(job: J): void;
}

/**
 * Runs the pure root function on the calling thread when a job starts (named `name`);
 * throws if it does not return one outcome per task.
 */
export function inlineRootRunner(compute: (tasks: RootTask[]) => RootOutcome[] = computeRoots, name = 'inline'): RootRunner<RootOutcome[]> {
  return {
    name,
    start: (tasks) => checkOutcomeCount(`${name} root runner`, compute([...tasks]), tasks.length),
    wait: (outcomes) => outcomes,
  };
}

export interface RunnerExecutorOptions {
  /** Steps between reading the factors and installing the roots (default 0). */
  delay?: number;
}

const OWNER = 'runnerRootExecutor';

interface Pending<J> {
  tasks: RootTask[];
  sizes: Map<string, number>;
  job: J | undefined;
}

/** A RootExecutor that runs its tasks on `runner`, installing them `delay` steps later. */
export function runnerRootExecutor<J>(runner: RootRunner<J>, options: RunnerExecutorOptions = {}): RootExecutor {
  checkKnownOptions(OWNER, options, ['delay']);
  if (runner === null || typeof runner !== 'object' || typeof runner.start !== 'function' || typeof runner.wait !== 'function') {
    throw new TypeError(`${OWNER}: runner = ${String(runner)} is not allowed; allowed: an object with start(tasks) and wait(job)`);
  }
  const delay = checkNumber(OWNER, 'delay', options.delay ?? 0, { min: 0, integer: true });
  const pending = new Map<number, Pending<J>>();
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  return {
    name: `${runner.name}${delay > 0 ? `-pipelined(${delay})` : ''}`,
    delay,
    kinds: ['inverse-root', 'eigen', 'eigen-qr'],
    get lastTimings() {
      return { ...timings };
    },
    submit(step, requests) {
      const t0 = performance.now();
      const tasks = readRootTasks(requests);
      const t1 = performance.now();
      const old = pending.get(step);
      if (old?.job !== undefined) runner.discard?.(old.job);
      pending.set(step, { tasks, sizes: new Map(requests.map((r) => [r.spec.key, r.spec.n])), job: runner.start(tasks) });
      Object.assign(timings, { readMs: t1 - t0, computeMs: performance.now() - t1, tasks: tasks.length });
    },
    collect(step) {
      const from = step - delay;
      const due = pending.get(from);
      if (!due) return [];
      const t0 = performance.now();
      due.job ??= runner.start(due.tasks);
      let outcomes: RootOutcome[];
      try {
        outcomes = runner.wait(due.job);
      } catch (error) {
        due.job = undefined;
        throw error;
      }
      const t1 = performance.now();
      pending.delete(from);
      for (const s of pending.keys()) {
        if (s < from) {
          const stale = pending.get(s)!;
          if (stale.job !== undefined) runner.discard?.(stale.job);
          pending.delete(s);
        }
      }
      const results = uploadRootOutcomes(outcomes, due.sizes);
      timings.computeMs += t1 - t0;
      timings.uploadMs = performance.now() - t1;
      return results;
    },
  };
}

/** Inline float64 roots installed `delay` steps after their factors were read (the single-threaded reference). */
export function inlineRootExecutor(options: RunnerExecutorOptions = {}): RootExecutor {
  return runnerRootExecutor(inlineRootRunner(), options);
}
