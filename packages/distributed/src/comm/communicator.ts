/**
 * The communicator: the collective operations data-parallel training needs, over a fixed
 * group of `size` ranks numbered 0..size-1. Every collective is synchronous (it returns
 * when this rank's part is done) and must be called by every rank in the same order.
 *
 * - allGather(x_r)        -> [x_0, ..., x_{size-1}] on every rank (lengths may differ)
 * - allToAll(c_r)         -> rank j gets [c_0[j], ..., c_{size-1}[j]] (c_r[j]: what r sends j)
 * - allReduce(x_r, 'sum') -> ((x_0 + x_1) + x_2) + ... in float32, summed in rank order,
 *   so the result is deterministic and bitwise the same on every rank;
 *   'mean' is that sum divided by size, rounded to float32 (see rank-ordered-reduce.ts for
 *   the two algorithms, which give the same bits).
 * - broadcast(x, root)    -> x_root on every rank
 * - barrier()             -> returns once every rank has entered it
 *
 * Implementations provide the byte transport (gather, broadcast, barrier); this base class
 * adds argument checks, the reduction and the closed state once for all of them.
 */
import { checkNumber } from '@shampoo-ts/core/authoring';
import { allReduceInRankOrder, defaultAllReduceAlgorithm, type ReduceOp } from './rank-ordered-reduce.js';

/** A group of ranks and the collectives between them. */
export interface Communicator {
  /** This process's or thread's rank, 0 <= rank < size. */
  readonly rank: number;
  /** Number of ranks in the group. */
  readonly size: number;
  /** Every rank's bytes, in rank order; identical on every rank. */
  allGather(data: Uint8Array): Uint8Array[];
  /** `chunks[j]` goes to rank j (one per rank); returns what every rank sent to this one, in rank order. */
  allToAll(chunks: readonly Uint8Array[]): Uint8Array[];
  /** Element-wise sum (or mean) over ranks, reduced in rank order in float32. */
  allReduce(data: Float32Array, op?: ReduceOp): Float32Array;
  /** The root's bytes on every rank (`data` is ignored on the other ranks). */
  broadcast(data: Uint8Array, root: number): Uint8Array;
  /** Waits until every rank has called it. */
  barrier(): void;
  /** Leaves the group; later calls throw. Idempotent. */
  close(): void;
}

/** The collective semantics on top of an implementation's byte transport. */
export abstract class BaseCommunicator implements Communicator {
  private closed = false;

  /** Called by an implementation with its rank in 0..size-1, the group size and its kind (used in error messages). */
  protected constructor(
    readonly rank: number,
    readonly size: number,
    private readonly kind: string,
  ) {}

  /** Transport: every rank's bytes, in rank order. */
  protected abstract gatherBytes(data: Uint8Array): Uint8Array[];
  /** Transport: `chunks[j]` to rank j; what every rank sent to this one, in rank order. */
  protected abstract exchangeBytes(chunks: readonly Uint8Array[]): Uint8Array[];
  /** Transport: the root's bytes on every rank. */
  protected abstract broadcastBytes(data: Uint8Array, root: number): Uint8Array;
  /** Transport: a barrier. */
  protected abstract waitAll(): void;
  /** Transport: release resources. */
  protected abstract shutdown(): void;

  private checkOpen(op: string): void {
    if (this.closed) throw new Error(`${this.kind} communicator (rank ${this.rank}): ${op} after close()`);
  }

  allGather(data: Uint8Array): Uint8Array[] {
    this.checkOpen('allGather');
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`${this.kind} communicator: allGather data = ${String(data)} is not allowed; allowed: a Uint8Array (use bytesOf(x) for other typed arrays)`);
    }
    return this.gatherBytes(data);
  }

  allReduce(data: Float32Array, op: ReduceOp = 'sum'): Float32Array {
    this.checkOpen('allReduce');
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`${this.kind} communicator: allReduce data = ${String(data)} is not allowed; allowed: a Float32Array`);
    }
    if (op !== 'sum' && op !== 'mean') {
      throw new RangeError(`${this.kind} communicator: allReduce op = ${String(op)} is not allowed; allowed: 'sum' or 'mean'`);
    }
    return allReduceInRankOrder(this, data, op, defaultAllReduceAlgorithm(this.size), `${this.kind} communicator (rank ${this.rank})`);
  }

  allToAll(chunks: readonly Uint8Array[]): Uint8Array[] {
    this.checkOpen('allToAll');
    if (!Array.isArray(chunks) || chunks.length !== this.size || !chunks.every((c) => c instanceof Uint8Array)) {
      const got = Array.isArray(chunks) ? `an array of ${chunks.length}` : String(chunks);
      throw new TypeError(`${this.kind} communicator: allToAll chunks = ${got} is not allowed; allowed: an array of ${this.size} Uint8Arrays (one per rank)`);
    }
    return this.exchangeBytes(chunks);
  }

  broadcast(data: Uint8Array, root: number): Uint8Array {
    this.checkOpen('broadcast');
    checkNumber(`${this.kind} communicator`, 'root', root, { min: 0, max: this.size - 1, integer: true });
    if (this.rank === root && !(data instanceof Uint8Array)) {
      throw new TypeError(`${this.kind} communicator: broadcast data = ${String(data)} is not allowed on the root; allowed: a Uint8Array`);
    }
    return this.broadcastBytes(this.rank === root ? data : new Uint8Array(0), root);
  }

  barrier(): void {
    this.checkOpen('barrier');
    this.waitAll();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.shutdown();
  }
}
