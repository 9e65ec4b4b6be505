/**
 * The one-rank communicator: rank 0 of a group of size 1. Every collective is the
 * identity (allGather(x) = [x], allToAll([c]) = [c], allReduce(x) = x, broadcast(x, 0) = x), returning copies so
 * that callers own what they get, as with the other communicators.
 */
import { BaseCommunicator } from './communicator.js';

class SingleProcessCommunicator extends BaseCommunicator {
  constructor() {
    super(0, 1, 'single-process');
  }
  protected gatherBytes(data: Uint8Array): Uint8Array[] {
    return [data.slice()];
  }
  protected exchangeBytes(chunks: readonly Uint8Array[]): Uint8Array[] {
    return [chunks[0].slice()];
  }
  protected broadcastBytes(data: Uint8Array): Uint8Array {
    return data.slice();
  }
  protected waitAll(): void {}
  protected shutdown(): void {}
}

/** A communicator for one process alone: rank 0, size 1. */
export function singleProcessCommunicator(): BaseCommunicator {
  return new SingleProcessCommunicator();
}
