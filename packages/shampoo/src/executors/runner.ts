/**
 * A runner starts a batch of plain root tasks and later waits for it: the one thing the host
 * executor (host-executor.ts) delegates. The inline runner computes on the calling thread;
 * @shampoo-ts/distributed's worker pool and MPI owners are runners too.
 *
 *   start(tasks) -> job   begins computing outcomes = compute(tasks) somewhere
 *   wait(job)    -> outcomes, one per task (same keys), blocking until they are ready
 */
import { checkOutcomeCount, computeRoots, type RootOutcome, type RootTask } from '../root-task.js';

/** Starts root jobs and waits for them (RootWorkerPool is one; inlineRootRunner another). */
export interface RootRunner<J = unknown> {
  readonly name: string;
  /** Begins computing the outcomes of `tasks` and returns a handle to wait on. */
  start(tasks: readonly RootTask[]): J;
  /** Blocks until the job is done; returns one outcome per task, in task order. */
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

/** True iff `runner` has start(tasks) and wait(job) functions. */
export function isRootRunner(runner: unknown): runner is RootRunner {
  const r = runner as Partial<RootRunner> | null;
  return r !== null && typeof r === 'object' && typeof r.start === 'function' && typeof r.wait === 'function';
}
