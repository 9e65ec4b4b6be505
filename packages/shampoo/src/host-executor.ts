/** The inline float64 host executor (default on cpu and wasm). */
import { computeRoots, type RootOutcome, type RootTask } from './root-task.js';
import type { RootExecutor } from './root-executor.js';
import { inlineRootRunner, runnerRootExecutor } from './runner-executor.js';

/** Options of the host executor. */
export interface HostRootExecutorOptions {
  /**
   * The pure function run on the tasks; defaults to `computeRoots`. Replace it to wrap,
   * time or fault-inject the computation (it must return one outcome per task, same keys).
   */
  compute?: (tasks: RootTask[]) => RootOutcome[];
}

/** Inline float64 root computation on the training thread (delay 0): the inline runner, named 'host-float64'. */
export function hostRootExecutor(options: HostRootExecutorOptions = {}): RootExecutor {
  return runnerRootExecutor(inlineRootRunner(options.compute ?? computeRoots, 'host-float64'));
}
