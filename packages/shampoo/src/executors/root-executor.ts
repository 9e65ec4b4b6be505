/**
 * Where the root computation runs: one interface for every place.
 *
 * On a root step the transform builds one `RootRequest` per preconditioned factor (its
 * packed or full float32 factor tensor, the previous root or eigenbasis, and the scalar
 * `RootTaskSpec`) and hands all of them to the executor in one `submit(step, requests)`.
 * Then, on every step, it calls `collect(step)` and installs whatever results come back,
 * keyed by `spec.key` (`<parameter path>#<block index>/<dim>`). Results are installed at
 * step `submittedStep + executor.delay`, always the same number of steps behind, so that
 * training does not depend on timing.
 *
 * The executors of this folder (executors/index.ts lists them):
 * - `hostRootExecutor({ delay, read, runner })` (host-executor.ts; 'auto' picks it on cpu,
 *   wasm and tfjs-node): reads the factors (one synchronous `dataSync`, or one asynchronous
 *   `data()` between steps), runs the pure `computeRoots` (root-task.ts) in float64 on a
 *   runner (inline, or @shampoo-ts/distributed's worker pool or MPI owners) and uploads the
 *   roots as float32 tensors `delay` steps later.
 * - `deviceRootExecutor()` (device-executor.ts; 'auto' picks it on webgpu and webgl): float32
 *   iterations on the device, every task kind (@shampoo-ts/linalg's tensor kernels, Jacobi
 *   for full eigendecompositions); no synchronous readback; the residual check and the
 *   keep-previous-root-on-failure choice are made on the device, so its results come back
 *   with status 'unchecked', and their statuses follow one step late, as `earlier`
 *   (device-status.ts). delay 0.
 * - placement.ts: the rule that picks between them ('auto'); forward.ts: wrapping one.
 *
 * Computing plain tasks elsewhere (worker_threads, MPI) needs only a RootRunner (runner.ts):
 * `hostRootExecutor({ runner, delay })` does the reading, the delay and the upload. Writing
 * a whole executor:
 * - In `submit`, copy what you need out of the tensors at once (the tensors belong to
 *   the caller and may be disposed after `submit` returns), e.g. with the exported
 *   `readRootTasks(requests)`, which gives plain `RootTask`s (transferable: typed arrays
 *   and numbers). Run `computeRoots(tasks)` wherever you like.
 * - In `collect(step)`, return the results for the submission made at `step - delay`,
 *   blocking until they are ready (never skipping: results must not depend on timing),
 *   converted with `uploadRootOutcomes(outcomes, sizes)`. Return [] when nothing is due.
 *   Keep only plain data between calls and create tensors in `collect`: the transform may
 *   run inside a `tf.tidy`, which would dispose tensors kept across calls.
 * - Results returned by `collect` are owned by the transform (it installs or disposes them).
 * A pipelined executor keeps submissions in flight across steps. Their inputs are also
 * part of the transform's state (in-flight-roots.ts), so a checkpoint may be taken at any
 * step: an executor that does not hold a submission due at `collect` (a fresh one after
 * loading) is given it again by `submit(dueStep, requests)` just before, and must treat a
 * repeated `submit` for a step as replacing the earlier one.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { RootStatus, RootTaskSpec } from '../root-task.js';
import type { ConditionSource } from '../condition.js';

/** One factor whose root (or eigenbasis) is wanted, as tensors. Owned by the caller. */
export interface RootRequest {
  readonly spec: RootTaskSpec;
  /** float32 factor: 1-D packed upper triangle if spec.packed, else n x n. */
  readonly factor: tf.Tensor;
  /** The current root ('inverse-root') or eigenvectors (eigen kinds), n x n float32. */
  readonly previous: tf.Tensor;
}

/** The result for one request, as tensors owned by the receiver. */
export interface RootResult {
  readonly key: string;
  /** 'unchecked': computed and selected on the device, status not read back. */
  readonly status: RootStatus | 'unchecked';
  readonly message?: string;
  /** An accepted result the transform warns about (onWarning), e.g. an iteration that hit its limit. */
  readonly warning?: string;
  /** A warning the transform gives once per optimizer (onWarning through warnOnce), e.g. the damping floor replaced epsilon. */
  readonly notice?: string;
  /**
   * Statuses of this factor's earlier root steps, oldest first, reported late (device
   * executors, see device-status.ts): each handled as a status-only result before this one.
   */
  readonly earlier?: readonly RootResult[];
  /** 'inverse-root': the n x n root. */
  readonly root?: tf.Tensor;
  /** Eigen kinds: eigenvalues (length n, ascending) where computed. */
  readonly values?: tf.Tensor;
  /** Eigen kinds: n x n eigenvectors (column j = vector j). */
  readonly vectors?: tf.Tensor;
  /** Host executors, 'ok': the condition number of the damped factor, and its source (condition.ts). */
  readonly condition?: number;
  readonly conditionSource?: ConditionSource;
}

/** Timings of the last root step (milliseconds), for benchmarks. */
export interface RootExecutorTimings {
  readMs: number;
  computeMs: number;
  uploadMs: number;
  tasks: number;
}

/** Where and when roots are computed (see the module comment). */
export interface RootExecutor {
  readonly name: string;
  /** Steps between reading the factors and installing the roots (0 = same step). */
  readonly delay: number;
  /** Kinds this executor can run; the transform checks its variant against it at construction. */
  readonly kinds: readonly RootTaskSpec['kind'][];
  /**
   * Called by the transform's init(), before any submit: where an executor binds to the
   * active backend (rootExecutor 'auto' decides here between host and device). Optional.
   */
  prepare?(): void;
  /** Starts computing roots of factors read at `step`. Must copy what it needs before returning. */
  submit(step: number, requests: readonly RootRequest[]): void;
  /** Results due at `step` (submitted at step - delay); [] if none. */
  collect(step: number): RootResult[];
  /** Timings of the last submission, where the executor measures them. */
  readonly lastTimings?: RootExecutorTimings;
}
