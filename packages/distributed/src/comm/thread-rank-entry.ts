/**
 * Worker-thread entry of one rank of `runThreadRanks`: builds the rank's communicator,
 * loads the user's module, calls its exported function `fn(comm, input)` and posts the
 * result (or the error) to the parent. A failing rank aborts the group first, so the
 * other ranks leave their collectives at once instead of waiting for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Communicator } from './communicator.js';
import { threadCommunicator } from './thread-communicator.js';
import { ABORT_ERROR, GroupAbortedError, abortGroup, type ThreadGroupMemory } from './thread-group-memory.js';

interface RankData {
  rank: number;
  memory: ThreadGroupMemory;
  module: string;
  exportName: string;
  input: unknown;
}

async function main(): Promise<void> {
  const data = workerData as RankData;
  const comm = threadCommunicator(data.rank, data.memory);
  try {
    const mod = (await import(data.module)) as Record<string, unknown>;
    const fn = mod[data.exportName];
    if (typeof fn !== 'function') {
      throw new TypeError(`runThreadRanks: ${data.module} has no exported function '${data.exportName}'`);
    }
    const value = await (fn as (c: Communicator, input: unknown) => unknown)(comm, data.input);
    parentPort!.postMessage({ ok: true, value });
  } catch (error) {
    abortGroup(data.memory, data.rank, ABORT_ERROR);
    const e = error as Error;
    const aborted = error instanceof GroupAbortedError;
    parentPort!.postMessage({
      ok: false,
      message: String(e?.message ?? e),
      stack: e?.stack,
      failedRank: aborted ? error.failedRank : data.rank,
      // Secondary: this rank only saw an abort another rank or the parent raised.
      secondary: aborted && !error.raisedHere,
    });
  } finally {
    comm.close();
  }
}

await main();
