/**
 * Runs a function as `size` ranks on worker threads of this process, each with a
 * worker-thread communicator: rank r calls `module[exportName](comm_r, input)` and the
 * promise resolves to the results in rank order.
 *
 * Faults never hang the run. If rank k throws, its thread exits or is killed (an uncaught
 * error, running out of `resourceLimits`), the group is aborted at once: every other rank's
 * current or next collective throws a GroupAbortedError naming rank k. The other ranks get
 * `abortGraceMs` to report; any still running is then terminated, and the promise rejects
 * with a ThreadRanksError: rank k's own error, `failedRank` k and every rank's outcome in
 * `rankErrors`. A rank that never reaches a collective makes the ranks waiting in it abort
 * after `timeoutMs`, naming it; `totalTimeoutMs` bounds the whole run.
 */
import { checkKnownOptions, checkNumber, invalidType } from '@shampoo-ts/core/authoring';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { ABORT_CRASHED, ABORT_EXITED, ABORT_STOPPED, abortGroup, createThreadGroupMemory } from './thread-group-memory.js';
import { siblingModule, startModuleWorker } from '../runtime/module-worker.js';

/** The rejection of a run in which a rank failed. */
export class ThreadRanksError extends Error {
  override readonly name = 'ThreadRanksError';
  /** The error `message` and the rank that failed (see `failedRank`). */
  constructor(
    message: string,
    /** The rank that caused the failure, or undefined when `totalTimeoutMs` stopped the run. */
    readonly failedRank: number | undefined,
    /** Per rank: its error message, or undefined for a rank that returned a result. */
    readonly rankErrors: readonly (string | undefined)[],
  ) {
    super(message);
  }
}

/** Options of `runThreadRanks`: the time limits of one collective and of the whole run. */
export interface ThreadRanksOptions {
  /** Milliseconds one rank may wait in one collective before aborting the group (default 60000). */
  timeoutMs?: number;
  /** Milliseconds the whole run may take before every rank is terminated (default: no limit). */
  totalTimeoutMs?: number;
  /** Largest message one rank can send in one collective, in bytes (default 1 GiB, reserved lazily). */
  maxMessageBytes?: number;
  /** Milliseconds the other ranks get to report their errors after a rank failed, before they are terminated (default 1000). */
  abortGraceMs?: number;
  /** Memory limits of each rank's thread (Node's Worker resourceLimits); a rank exceeding them is killed and reported. */
  resourceLimits?: ResourceLimits;
}

const OWNER = 'runThreadRanks';

type RankMessage =
  | { ok: true; value: unknown }
  | { ok: false; message: string; stack?: string; failedRank: number | undefined; secondary: boolean };

/** A rank's failure as the run reports it. */
interface Failure {
  readonly error: Error;
  readonly failedRank: number | undefined;
}

/**
 * Runs `exportName` from the ES module at `module` (a file URL) on `size` worker-thread
 * ranks and returns their results in rank order.
 */
export function runThreadRanks<T = unknown>(
  size: number,
  module: URL | string,
  exportName: string,
  input?: unknown,
  options: ThreadRanksOptions = {},
): Promise<T[]> {
  checkNumber(OWNER, 'size', size, { min: 1, integer: true });
  checkKnownOptions(OWNER, options, ['timeoutMs', 'totalTimeoutMs', 'maxMessageBytes', 'abortGraceMs', 'resourceLimits']);
  const timeoutMs = checkNumber(OWNER, 'timeoutMs', options.timeoutMs ?? 60_000, { min: 1 });
  const totalTimeoutMs = options.totalTimeoutMs === undefined ? undefined : checkNumber(OWNER, 'totalTimeoutMs', options.totalTimeoutMs, { min: 1 });
  const maxMessageBytes = checkNumber(OWNER, 'maxMessageBytes', options.maxMessageBytes ?? 2 ** 30, { min: 1, integer: true });
  const abortGraceMs = checkNumber(OWNER, 'abortGraceMs', options.abortGraceMs ?? 1000, { min: 0 });
  const moduleUrl = new URL(String(module));
  if (moduleUrl.protocol !== 'file:') {
    invalidType(OWNER, 'module', module, 'a file: URL of an ES module', moduleUrl.href);
  }

  const memory = createThreadGroupMemory(size, maxMessageBytes, timeoutMs);
  const entry = siblingModule(import.meta.url, './thread-rank-entry');
  const results = new Array<unknown>(size);
  const rankErrors = new Array<string | undefined>(size);
  const done = new Array<boolean>(size).fill(false);
  const terminated = new Array<boolean>(size).fill(false);
  const workers: Worker[] = [];
  let rootCause: Failure | undefined;
  let firstFailure: Failure | undefined;

  return new Promise<T[]>((resolve, reject) => {
    let exited = 0;
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const terminateRunning = (reason: string): void => {
      workers.forEach((w, r) => {
        if (done[r]) return;
        terminated[r] = true;
        rankErrors[r] ??= `${OWNER}: rank ${r} of ${size} was terminated: ${reason}`;
        void w.terminate();
      });
      settledAfterFailure();
    };
    // A rank's own error (it threw, exited, crashed) is the root cause; the GroupAbortedError
    // it causes on the others is secondary. After the first failure the ranks still running
    // get abortGraceMs to report theirs, then they are terminated.
    const fail = (rank: number | undefined, failure: Failure, isRootCause: boolean): void => {
      if (rank !== undefined) rankErrors[rank] = failure.error.message;
      firstFailure ??= failure;
      if (isRootCause) rootCause ??= failure;
      graceTimer ??= setTimeout(() => terminateRunning(`still running abortGraceMs = ${abortGraceMs} ms after the group was aborted`), abortGraceMs);
    };
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      const failure = rootCause ?? firstFailure;
      if (!failure) {
        resolve(results as T[]);
        return;
      }
      const error = new ThreadRanksError(failure.error.message, failure.failedRank, rankErrors);
      error.stack = failure.error.stack;
      reject(error);
      // Threads that reported their error have nothing left to do: do not wait for their exit.
      workers.forEach((w) => void w.terminate());
    };
    // After a failure the run ends as soon as every rank has reported or been terminated.
    const settledAfterFailure = (): void => {
      if (firstFailure && done.every((d, r) => d || terminated[r])) finish();
    };
    for (let rank = 0; rank < size; rank++) {
      const worker = startModuleWorker(
        entry,
        { rank, memory, module: moduleUrl.href, exportName, input },
        { name: `rank ${rank}`, resourceLimits: options.resourceLimits },
      );
      workers.push(worker);
      worker.on('message', (m: RankMessage) => {
        done[rank] = true;
        if (m.ok) {
          results[rank] = m.value;
          return;
        }
        const error = new Error(`${OWNER}: rank ${rank} of ${size} failed: ${m.message}`);
        if (m.stack) error.stack = `${error.message}\n--- rank ${rank} stack ---\n${m.stack}`;
        fail(rank, { error, failedRank: m.failedRank }, !m.secondary);
        settledAfterFailure();
      });
      worker.on('error', (e: Error) => {
        if (done[rank] || terminated[rank]) return;
        done[rank] = true;
        abortGroup(memory, rank, ABORT_CRASHED);
        fail(rank, { error: new Error(`${OWNER}: rank ${rank} of ${size} died: ${e.message}`), failedRank: rank }, true);
        settledAfterFailure();
      });
      worker.on('exit', (code) => {
        if (!done[rank] && !terminated[rank]) {
          done[rank] = true;
          abortGroup(memory, rank, ABORT_EXITED, code);
          fail(rank, { error: new Error(`${OWNER}: rank ${rank} of ${size} exited with code ${code} before returning a result`), failedRank: rank }, true);
        }
        if (++exited === size) finish();
        else settledAfterFailure();
      });
    }
    if (totalTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        abortGroup(memory, size, ABORT_STOPPED);
        const reason = `the run exceeded totalTimeoutMs = ${totalTimeoutMs} ms`;
        fail(undefined, { error: new Error(`${OWNER}: ${reason}; every rank still running was terminated`), failedRank: undefined }, true);
        terminateRunning(reason);
      }, totalTimeoutMs);
    }
  });
}
