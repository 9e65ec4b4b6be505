/**
 * The root executor on a worker pool: synchronous (delay 0: each root step waits for its
 * roots, bitwise equal to the inline hostRootExecutor) or pipelined (delay d > 0: roots from
 * the factors of step t are installed at exactly step t + d while training goes on).
 */
import type { RootExecutor } from '@shampoo-ts/shampoo';
import type { RootWorkerPool } from './root-worker-pool.js';
import { runnerRootExecutor, type RunnerExecutorOptions } from '@shampoo-ts/shampoo';

/** Root computations of a Shampoo transform on `pool` (see the module comment). */
export function workerPoolRootExecutor(pool: RootWorkerPool, options: RunnerExecutorOptions = {}): RootExecutor {
  return runnerRootExecutor(pool, options);
}
