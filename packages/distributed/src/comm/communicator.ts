/**
 * The communicator: the collective operations data-parallel training needs, over a fixed
 * group of `size` ranks numbered 0..size-1. Every collective is synchronous (it returns
 * when this rank's part is done) and must be called by every rank in the same order.
 *
 * - allGather(x_r)        -> [x_0, ..., x_{size-1}] on every rank (lengths may differ)
 * - allToAll(c_r)         -> rank j gets [c_0[j], ..., c_{size-1}[j]] (c_r[j]: what r sends j)
 * - allReduce(x_r, 'sum') -> ((x_0 + x_1) + x_2) + ... in float32, summed in rank order,
 *   so the result is deterministic and bitwise the same on every rank;
 *   'mean' is that sum divided by size, rounded to float32.
 *   Computed as a reduce-scatter then an all-gather: x is cut into size contiguous chunks
 *   (chunk j = elements [floor(jL/size), floor((j+1)L/size))); one allToAll sends chunk j
 *   of every rank to rank j, which sums them in rank order; one allGather shares the
 *   summed chunks. Each element gets exactly the rank-ordered fold above, and each rank
 *   sends and receives about 2 (size-1)/size of the vector instead of (size-1) times it.
 * - broadcast(x, root)    -> x_root on every rank
 * - barrier()             -> returns once every rank has entered it
 *
 * Implementations provide the byte transport (gather, broadcast, barrier); this base class
 * adds argument checks, the reduction and the closed state once for all of them.
 */
import { checkNumber } from '@shampoo-ts/core';

/** Reduction of `allReduce`. */
export type ReduceOp = 'sum' | 'mean';

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

/**
 * Sum of equal-length float32 vectors in the given (rank) order:
 * out = fround(...fround(fround(x_0 + x_1) + x_2)... + x_{n-1}), then for 'mean' fround(out / n).
 */
export function reduceInRankOrder(parts: readonly Float32Array[], op: ReduceOp = 'sum'): Float32Array {
  if (parts.length === 0) throw new RangeError('reduceInRankOrder: parts is empty; allowed: at least one vector');
  const out = new Float32Array(parts[0]);
  for (let r = 1; r < parts.length; r++) {
    const x = parts[r];
    if (x.length !== out.length) {
      throw new RangeError(`reduceInRankOrder: parts[${r}] has length ${x.length} but parts[0] has length ${out.length}; allowed: equal lengths`);
    }
    for (let i = 0; i < out.length; i++) out[i] += x[i];
  }
  if (op === 'mean' && parts.length > 1) {
    const n = parts.length;
    for (let i = 0; i < out.length; i++) out[i] /= n;
  }
  return out;
}

/** Offsets of the `parts` contiguous chunks of `length` elements: chunk j is [b[j], b[j + 1]), b[j] = floor(j length / parts). */
export function chunkBounds(length: number, parts: number): number[] {
  return Array.from({ length: parts + 1 }, (_, j) => Math.floor((j * length) / parts));
}

/** Bytes of a typed array (a view, no copy). */
export function bytesOf(x: ArrayBufferView): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/** A float32 view of gathered bytes (copied when misaligned). */
export function float32Of(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`float32Of: ${bytes.byteLength} bytes is not allowed; allowed: a multiple of 4`);
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

/** The collective semantics on top of an implementation's byte transport. */
export abstract class BaseCommunicator implements Communicator {
  private closed = false;

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
    // Reduce-scatter: rank j receives chunk j of every rank, each behind the sender's length.
    const bounds = chunkBounds(data.length, this.size);
    const outgoing = bounds.slice(0, -1).map((start, j) => {
      const message = new Uint8Array(4 + 4 * (bounds[j + 1] - start));
      new DataView(message.buffer).setUint32(0, data.length, true);
      message.set(bytesOf(data.subarray(start, bounds[j + 1])), 4);
      return message;
    });
    const incoming = this.exchangeBytes(outgoing);
    const lengths = incoming.map((m) => new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(0, true));
    if (lengths.some((n) => n !== data.length)) {
      const got = lengths.map((n, r) => `rank ${r}: ${n}`).join(', ');
      throw new RangeError(`${this.kind} communicator (rank ${this.rank}): allReduce needs equal lengths on every rank; got ${got}`);
    }
    const mine = reduceInRankOrder(incoming.map((m) => float32Of(m.subarray(4))), op);
    // All-gather of the summed chunks.
    const out = new Float32Array(data.length);
    this.gatherBytes(bytesOf(mine)).forEach((chunk, r) => out.set(float32Of(chunk), bounds[r]));
    return out;
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
