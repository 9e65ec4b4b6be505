/**
 * The shared memory of a group of worker-thread ranks, and its barrier.
 *
 * control (Int32Array over a SharedArrayBuffer):
 *   [0] ARRIVED       ranks that entered the current barrier
 *   [1] GENERATION    +1 each time a barrier opens (ranks wait on this cell)
 *   [2] ABORT_BY      0 while the group is healthy; else 1 + the rank the abort is about
 *                     (the rank that failed, died or timed out), or size + 1 for the parent
 *   [3] ABORT_WHY     1 a rank threw, 2 a rank timed out, 3 a rank's thread exited,
 *                     4 a rank's thread crashed (uncaught error, out of memory), 5 the parent stopped the run
 *   [4] ABORT_DETAIL  the exit code (3), or the number of the barrier that timed out (2)
 *   [5 + r]           LENGTH of rank r's current message in bytes
 *   [5 + size + r]    ENTERED: how many barriers rank r has entered, so a rank that times out
 *                     can name the ranks that never reached its barrier
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
export const ABORT_DETAIL = 4;
export const LENGTHS = 5;

export const ABORT_ERROR = 1;
export const ABORT_TIMEOUT = 2;
export const ABORT_EXITED = 3;
export const ABORT_CRASHED = 4;
export const ABORT_STOPPED = 5;

/** Plain, structured-cloneable description of a group's memory (goes into workerData). */
export interface ThreadGroupMemory {
  readonly size: number;
  readonly control: Int32Array;
  readonly slots: readonly SharedArrayBuffer[];
  /** Milliseconds a rank waits in one barrier before it aborts the group. */
  readonly timeoutMs: number;
}

/** Index of rank r's ENTERED counter in `control`. */
function enteredCell(memory: ThreadGroupMemory, rank: number): number {
  return LENGTHS + memory.size + rank;
}

/** Allocates the memory of a group of `size` ranks; each slot can grow to `maxMessageBytes`. */
export function createThreadGroupMemory(size: number, maxMessageBytes: number, timeoutMs: number): ThreadGroupMemory {
  const control = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + 2 * size)));
  const slots = Array.from({ length: size }, () => new SharedArrayBuffer(0, { maxByteLength: maxMessageBytes }));
  return { size, control, slots, timeoutMs };
}

/** Thrown on every rank whose collective was cut short because the group was aborted. */
export class GroupAbortedError extends Error {
  override readonly name = 'GroupAbortedError';
  /** The error `message` and the rank the abort is about. */
  constructor(
    message: string,
    /**
     * The rank the abort is about: the one that failed or died, or for a timeout the
     * (lowest) rank that never reached the collective; undefined if the parent stopped the run.
     */
    readonly failedRank: number | undefined,
    /** True on the rank that aborted the group itself (it timed out waiting). */
    readonly raisedHere = false,
  ) {
    super(message);
  }
}

/** The rank the group's abort is about, or undefined (healthy, or stopped by the parent). */
export function abortedBy(memory: ThreadGroupMemory): number | undefined {
  const by = Atomics.load(memory.control, ABORT_BY);
  return by === 0 || by === memory.size + 1 ? undefined : by - 1;
}

/** The rank an abort is about (see GroupAbortedError.failedRank). */
function failedRankOf(memory: ThreadGroupMemory): number | undefined {
  if (Atomics.load(memory.control, ABORT_WHY) !== ABORT_TIMEOUT) return abortedBy(memory);
  return ranksMissingFrom(memory, Atomics.load(memory.control, ABORT_DETAIL))[0] ?? abortedBy(memory);
}

/** The ranks that had entered fewer than `barrier` barriers: those a barrier that timed out was waiting for. */
export function ranksMissingFrom(memory: ThreadGroupMemory, barrier: number): number[] {
  // Int32 counters wrap after 2^31 barriers: compare by difference.
  return Array.from({ length: memory.size }, (_, r) => r).filter((r) => ((Atomics.load(memory.control, enteredCell(memory, r)) - barrier) | 0) < 0);
}

/** Why and by whom the group was aborted, as text naming the rank. */
export function describeAbort(memory: ThreadGroupMemory): string {
  const by = abortedBy(memory);
  const why = Atomics.load(memory.control, ABORT_WHY);
  const detail = Atomics.load(memory.control, ABORT_DETAIL);
  switch (why) {
    case ABORT_TIMEOUT: {
      const missing = ranksMissingFrom(memory, detail);
      return `rank ${by} timed out after ${memory.timeoutMs} ms waiting in a collective for rank(s) ${missing.join(', ') || '(none: they arrived too late)'}`;
    }
    case ABORT_EXITED:
      return `rank ${by}'s thread exited with code ${detail}`;
    case ABORT_CRASHED:
      return `rank ${by}'s thread crashed (uncaught error or out of memory)`;
    case ABORT_STOPPED:
      return 'the parent thread stopped the run';
    default:
      return `rank ${by} failed`;
  }
}

/**
 * Marks the group aborted because of rank `by` (`size` for the parent) and wakes every
 * waiting rank. The first abort wins; later ones change nothing.
 */
export function abortGroup(memory: ThreadGroupMemory, by: number, why: number, detail = 0): void {
  if (Atomics.compareExchange(memory.control, ABORT_BY, 0, by + 1) === 0) {
    Atomics.store(memory.control, ABORT_DETAIL, detail);
    Atomics.store(memory.control, ABORT_WHY, why);
  }
  Atomics.notify(memory.control, GENERATION);
}

/** True once any rank or the parent has aborted the group. */
export function isAborted(memory: ThreadGroupMemory): boolean {
  return Atomics.load(memory.control, ABORT_BY) !== 0;
}

function abortedError(memory: ThreadGroupMemory, rank: number): GroupAbortedError {
  if (abortedBy(memory) === rank && Atomics.load(memory.control, ABORT_WHY) === ABORT_TIMEOUT) {
    const missing = ranksMissingFrom(memory, Atomics.load(memory.control, ABORT_DETAIL));
    return new GroupAbortedError(
      `thread communicator (rank ${rank}): timed out after ${memory.timeoutMs} ms waiting in a collective for rank(s) ${missing.join(', ')}; the group is aborted`,
      missing[0] ?? rank,
      true,
    );
  }
  return new GroupAbortedError(`thread communicator (rank ${rank}): the group was aborted: ${describeAbort(memory)}`, failedRankOf(memory));
}

/**
 * Blocks rank `rank` until all `size` ranks have entered; throws GroupAbortedError if the
 * group is or gets aborted, or after `timeoutMs` (naming the ranks that never arrived).
 */
export function groupBarrier(memory: ThreadGroupMemory, rank: number): void {
  const { control, size, timeoutMs } = memory;
  if (isAborted(memory)) throw abortedError(memory, rank);
  const barrier = Atomics.add(control, enteredCell(memory, rank), 1) + 1;
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === size - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    return;
  }
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(control, GENERATION) === generation) {
    if (isAborted(memory)) throw abortedError(memory, rank);
    const left = deadline - performance.now();
    if (left <= 0) {
      abortGroup(memory, rank, ABORT_TIMEOUT, barrier);
      throw abortedError(memory, rank);
    }
    Atomics.wait(control, GENERATION, generation, Math.min(left, 1000));
  }
}
