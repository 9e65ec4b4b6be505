/**
 * The shared memory of a group of worker-thread ranks, and its barrier.
 *
 * control (Int32Array over a SharedArrayBuffer):
 *   [0] ARRIVED     ranks that entered the current barrier
 *   [1] GENERATION  +1 each time a barrier opens (ranks wait on this cell)
 *   [2] ABORT_BY    0 while the group is healthy; else 1 + the rank that aborted it,
 *                   or size + 1 when the parent thread did (a rank died)
 *   [3] ABORT_WHY   1 error, 2 timeout, 3 a rank's thread died
 *   [4 + r]         LENGTH of rank r's current message in bytes
 * slots[r]: a growable SharedArrayBuffer holding rank r's current message.
 *
 * Barrier: read the generation g, add 1 to ARRIVED; the last to arrive resets ARRIVED and
 * bumps the generation, waking the others, who wait while the generation is still g.
 * A waiter wakes early if the group is aborted, and aborts it itself after `timeoutMs`,
 * so no rank waits forever for a rank that failed.
 */

export const ARRIVED = 0;
export const GENERATION = 1;
export const ABORT_BY = 2;
export const ABORT_WHY = 3;
export const LENGTHS = 4;

export const ABORT_ERROR = 1;
export const ABORT_TIMEOUT = 2;
export const ABORT_DIED = 3;

/** Plain, structured-cloneable description of a group's memory (goes into workerData). */
export interface ThreadGroupMemory {
  readonly size: number;
  readonly control: Int32Array;
  readonly slots: readonly SharedArrayBuffer[];
  /** Milliseconds a rank waits in one barrier before it aborts the group. */
  readonly timeoutMs: number;
}

/** Allocates the memory of a group of `size` ranks; each slot can grow to `maxMessageBytes`. */
export function createThreadGroupMemory(size: number, maxMessageBytes: number, timeoutMs: number): ThreadGroupMemory {
  const control = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + size)));
  const slots = Array.from({ length: size }, () => new SharedArrayBuffer(0, { maxByteLength: maxMessageBytes }));
  return { size, control, slots, timeoutMs };
}

/** Thrown on every rank whose collective was cut short because the group was aborted. */
export class GroupAbortedError extends Error {
  override readonly name = 'GroupAbortedError';
}

/** Why and by whom the group was aborted, as text. */
export function describeAbort(memory: ThreadGroupMemory): string {
  const by = Atomics.load(memory.control, ABORT_BY);
  const why = Atomics.load(memory.control, ABORT_WHY);
  const who = by === memory.size + 1 ? 'the parent thread' : `rank ${by - 1}`;
  const reason =
    why === ABORT_TIMEOUT ? 'timed out waiting for the other ranks' : why === ABORT_DIED ? 'saw a rank\'s thread die' : 'failed';
  return `${who} ${reason}`;
}

/** Marks the group aborted (the first abort wins) and wakes every waiting rank. */
export function abortGroup(memory: ThreadGroupMemory, by: number, why: number): void {
  if (Atomics.compareExchange(memory.control, ABORT_BY, 0, by + 1) === 0) {
    Atomics.store(memory.control, ABORT_WHY, why);
  }
  Atomics.notify(memory.control, GENERATION);
}

/** True once any rank or the parent has aborted the group. */
export function isAborted(memory: ThreadGroupMemory): boolean {
  return Atomics.load(memory.control, ABORT_BY) !== 0;
}

/** Blocks rank `rank` until all `size` ranks have entered; throws if the group is or gets aborted. */
export function groupBarrier(memory: ThreadGroupMemory, rank: number): void {
  const { control, size, timeoutMs } = memory;
  if (isAborted(memory)) throw new GroupAbortedError(`thread communicator (rank ${rank}): the group was aborted: ${describeAbort(memory)}`);
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === size - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    return;
  }
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(control, GENERATION) === generation) {
    if (isAborted(memory)) {
      throw new GroupAbortedError(`thread communicator (rank ${rank}): the group was aborted: ${describeAbort(memory)}`);
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      abortGroup(memory, rank, ABORT_TIMEOUT);
      throw new GroupAbortedError(
        `thread communicator (rank ${rank}): timed out after ${timeoutMs} ms waiting for the other ranks in a collective; the group is aborted`,
      );
    }
    Atomics.wait(control, GENERATION, generation, Math.min(left, 1000));
  }
}
