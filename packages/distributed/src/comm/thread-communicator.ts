/**
 * The worker-thread communicator: the ranks are worker threads of one process and talk
 * through SharedArrayBuffers (see thread-group-memory.ts).
 *
 * allGather(x): write x into my slot and its length into LENGTH[rank]; barrier; copy every
 * rank's slot; barrier (so nobody overwrites a slot another rank is still reading).
 * broadcast is the same with only the root writing. Each collective costs two barriers and
 * one copy in, size copies out.
 */
import { BaseCommunicator } from './communicator.js';
import {
  ABORT_ERROR,
  LENGTHS,
  abortGroup,
  groupBarrier,
  type ThreadGroupMemory,
} from './thread-group-memory.js';

class ThreadCommunicator extends BaseCommunicator {
  constructor(
    rank: number,
    private readonly memory: ThreadGroupMemory,
  ) {
    super(rank, memory.size, 'thread');
  }

  private write(data: Uint8Array): void {
    const slot = this.memory.slots[this.rank];
    if (data.byteLength > slot.maxByteLength) {
      abortGroup(this.memory, this.rank, ABORT_ERROR);
      throw new RangeError(
        `thread communicator (rank ${this.rank}): a message of ${data.byteLength} bytes is not allowed; allowed: at most maxMessageBytes = ${slot.maxByteLength}`,
      );
    }
    if (slot.byteLength < data.byteLength) slot.grow(data.byteLength);
    new Uint8Array(slot, 0, data.byteLength).set(data);
    Atomics.store(this.memory.control, LENGTHS + this.rank, data.byteLength);
  }

  private read(r: number): Uint8Array {
    const length = Atomics.load(this.memory.control, LENGTHS + r);
    return new Uint8Array(this.memory.slots[r], 0, length).slice();
  }

  protected gatherBytes(data: Uint8Array): Uint8Array[] {
    this.write(data);
    groupBarrier(this.memory, this.rank);
    const out = Array.from({ length: this.size }, (_, r) => this.read(r));
    groupBarrier(this.memory, this.rank);
    return out;
  }

  protected broadcastBytes(data: Uint8Array, root: number): Uint8Array {
    if (this.rank === root) this.write(data);
    groupBarrier(this.memory, this.rank);
    const out = this.read(root);
    groupBarrier(this.memory, this.rank);
    return out;
  }

  protected waitAll(): void {
    groupBarrier(this.memory, this.rank);
  }

  protected shutdown(): void {}
}

/** The communicator of rank `rank` in the thread group whose memory is `memory`. */
export function threadCommunicator(rank: number, memory: ThreadGroupMemory): BaseCommunicator {
  return new ThreadCommunicator(rank, memory);
}
