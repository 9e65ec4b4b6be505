/**
 * The worker-thread communicator: the ranks are worker threads of one process and talk
 * through SharedArrayBuffers (see thread-group-memory.ts).
 *
 * allGather(x): write x into my slot and its length into LENGTH[rank]; barrier; copy every
 * rank's slot; barrier (so nobody overwrites a slot another rank is still reading).
 * broadcast is the same with only the root writing. allToAll(c): write (size + 1) uint32
 * offsets and then c[0], ..., c[size-1] into my slot; barrier; copy chunk `rank` out of
 * every rank's slot; barrier. Each collective costs two barriers and one copy in; out,
 * allGather copies every message, allToAll only the chunks addressed to this rank.
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

  /** My slot's first `byteLength` bytes (grown if needed), recorded as my message's length. */
  private reserve(byteLength: number): Uint8Array {
    const slot = this.memory.slots[this.rank];
    if (byteLength > slot.maxByteLength) {
      abortGroup(this.memory, this.rank, ABORT_ERROR);
      throw new RangeError(
        `thread communicator (rank ${this.rank}): a message of ${byteLength} bytes is not allowed; allowed: at most maxMessageBytes = ${slot.maxByteLength}`,
      );
    }
    if (slot.byteLength < byteLength) slot.grow(byteLength);
    Atomics.store(this.memory.control, LENGTHS + this.rank, byteLength);
    return new Uint8Array(slot, 0, byteLength);
  }

  private write(data: Uint8Array): void {
    this.reserve(data.byteLength).set(data);
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

  protected exchangeBytes(chunks: readonly Uint8Array[]): Uint8Array[] {
    const header = 4 * (this.size + 1);
    const message = this.reserve(header + chunks.reduce((n, c) => n + c.byteLength, 0));
    const offsets = new DataView(message.buffer, 0, header);
    let offset = header;
    chunks.forEach((c, j) => {
      offsets.setUint32(4 * j, offset, true);
      message.set(c, offset);
      offset += c.byteLength;
    });
    offsets.setUint32(4 * this.size, offset, true);
    groupBarrier(this.memory, this.rank);
    const out = this.memory.slots.map((slot) => {
      const at = new DataView(slot, 4 * this.rank, 8);
      const start = at.getUint32(0, true);
      return new Uint8Array(slot, start, at.getUint32(4, true) - start).slice();
    });
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
