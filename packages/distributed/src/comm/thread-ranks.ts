/**
 * Runs a function as `size` ranks on worker threads of this process, each with a
 * worker-thread communicator: rank r calls `module[exportName](comm_r, input)` and the
 * promise resolves to the results in rank order.
 *
 * If any rank throws, exits or cannot load the module, the group is aborted (the other
 * ranks' collectives throw at once), every worker still running is terminated, and the
 * promise rejects with the failing rank's error. A rank stuck in a collective aborts the
 * group after `timeoutMs`; `totalTimeoutMs` bounds the whole run, so it never hangs.
 */
import { checkKnownOptions, checkNumber } from '@shampoo-ts/core/authoring';
import type { Worker } from 'node:worker_threads';
import { ABORT_DIED, abortGroup, createThreadGroupMemory } from './thread-group-memory.js';
import { siblingModule, startModuleWorker } from '../runtime/module-worker.js';

export interface ThreadRanksOptions {
  /** Milliseconds one rank may wait in one collective before aborting the group (default 60000). */
  timeoutMs?: number;
  /** Milliseconds the whole run may take before every rank is terminated (default: no limit). */
  totalTimeoutMs?: number;
  /** Largest message one rank can send in one collective, in bytes (default 1 GiB, reserved lazily). */
  maxMessageBytes?: number;
}

const OWNER = 'runThreadRanks';

type RankMessage = { ok: true; value: unknown } | { ok: false; name: string; message: string; stack?: string };

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
  checkKnownOptions(OWNER, options, ['timeoutMs', 'totalTimeoutMs', 'maxMessageBytes']);
  const timeoutMs = checkNumber(OWNER, 'timeoutMs', options.timeoutMs ?? 60_000, { min: 1 });
  const totalTimeoutMs = options.totalTimeoutMs === undefined ? undefined : checkNumber(OWNER, 'totalTimeoutMs', options.totalTimeoutMs, { min: 1 });
  const maxMessageBytes = checkNumber(OWNER, 'maxMessageBytes', options.maxMessageBytes ?? 2 ** 30, { min: 1, integer: true });
  const moduleUrl = new URL(String(module));
  if (moduleUrl.protocol !== 'file:') {
    throw new TypeError(`${OWNER}: module = ${moduleUrl.href} is not allowed; allowed: a file: URL of an ES module`);
  }

  const memory = createThreadGroupMemory(size, maxMessageBytes, timeoutMs);
  const entry = siblingModule(import.meta.url, './thread-rank-entry');
  const results = new Array<unknown>(size);
  const done = new Array<boolean>(size).fill(false);
  const workers: Worker[] = [];
  let rootCause: Error | undefined;
  let firstError: Error | undefined;

  return new Promise<T[]>((resolve, reject) => {
    let exited = 0;
    let timer: NodeJS.Timeout | undefined;
    const terminateRunning = (): void => {
      workers.forEach((w, r) => {
        if (!done[r]) void w.terminate();
      });
    };
    // A rank's own error is the root cause; an abort it caused elsewhere is secondary, so
    // after a secondary error the others get a moment to report their own before they go.
    const fail = (error: Error, isRootCause: boolean): void => {
      firstError ??= error;
      if (isRootCause) rootCause ??= error;
      abortGroup(memory, size, ABORT_DIED);
      if (isRootCause) terminateRunning();
      else setTimeout(terminateRunning, 500).unref();
    };
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      const error = rootCause ?? firstError;
      if (error) reject(error);
      else resolve(results as T[]);
    };
    for (let rank = 0; rank < size; rank++) {
      const worker = startModuleWorker(entry, { rank, memory, module: moduleUrl.href, exportName, input }, { name: `rank ${rank}` });
      workers.push(worker);
      worker.on('message', (m: RankMessage) => {
        done[rank] = true;
        if (m.ok) {
          results[rank] = m.value;
          return;
        }
        const error = new Error(`${OWNER}: rank ${rank} of ${size} failed: ${m.message}`);
        if (m.stack) error.stack = `${error.message}\n--- rank ${rank} stack ---\n${m.stack}`;
        fail(error, m.name !== 'GroupAbortedError');
      });
      worker.on('error', (e: Error) => {
        if (!done[rank]) fail(new Error(`${OWNER}: rank ${rank} of ${size} died: ${e.message}`), true);
        done[rank] = true;
      });
      worker.on('exit', (code) => {
        if (!done[rank]) {
          done[rank] = true;
          fail(new Error(`${OWNER}: rank ${rank} of ${size} exited with code ${code} before returning a result`), !firstError);
        }
        if (++exited === size) finish();
      });
    }
    if (totalTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        fail(new Error(`${OWNER}: the run exceeded totalTimeoutMs = ${totalTimeoutMs} ms; every rank still running was terminated`), true);
      }, totalTimeoutMs);
    }
  });
}
