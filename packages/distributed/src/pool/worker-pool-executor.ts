/**
 * The root executor on a worker pool is the host executor with the pool as its runner:
 * `hostRootExecutor({ runner: pool, delay })`, synchronous (delay 0: each root step waits for
 * its roots, bitwise equal to the inline executor) or pipelined (delay d > 0: roots from the
 * factors of step t are installed at exactly step t + d while training goes on).
 */
import { hostRootExecutor, type HostRootExecutor } from '@shampoo-ts/shampoo';
import type { RootWorkerPool } from './root-worker-pool.js';

/** @deprecated use `hostRootExecutor({ runner: pool, delay })` of @shampoo-ts/shampoo */
export function workerPoolRootExecutor(pool: RootWorkerPool, options: { delay?: number } = {}): HostRootExecutor {
  return hostRootExecutor({ ...options, runner: pool });
}
