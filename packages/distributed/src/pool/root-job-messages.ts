/**
 * What the root worker pool and its workers say to each other. Task matrices travel in a
 * SharedArrayBuffer (written once by the parent, read in place by the workers); results
 * come back as transferred Float64Arrays (no copy).
 */
import type { RootOutcome, RootTaskSpec } from '@shampoo-ts/shampoo';

/** Where a task's arrays are in the job's shared Float64 input. */
export interface TaskPlacement {
  readonly index: number;
  readonly spec: RootTaskSpec;
  readonly factorOffset: number;
  readonly factorLength: number;
  readonly previousOffset: number;
  readonly previousLength: number;
}

/** Parent -> worker: compute these tasks of job `jobId`. */
export interface JobRequest {
  readonly jobId: number;
  readonly input: SharedArrayBuffer;
  readonly tasks: readonly TaskPlacement[];
}

/** Worker -> parent. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly worker: number }
  | { readonly type: 'done'; readonly worker: number; readonly jobId: number; readonly indices: readonly number[]; readonly outcomes: readonly RootOutcome[] }
  | { readonly type: 'error'; readonly worker: number; readonly jobId: number; readonly message: string };

/** Where the compute function lives: `import(module)[exportName](tasks) -> outcomes`. */
export interface ComputeModule {
  readonly module: string;
  readonly exportName: string;
}
