/**
 * The deterministic all-reduce of every communicator: element i of the result is
 *   s_i = fround(...fround(fround(x_0[i] + x_1[i]) + x_2[i])... + x_{N-1}[i])   (rank order)
 * and fround(s_i / N) for 'mean', bitwise the same on every rank whatever the transport.
 * Two algorithms give exactly these bits, on the public collectives of any communicator:
 *
 * - 'all-gather': every rank gathers all N vectors and folds them. Each rank receives
 *   (N-1)L floats and does (N-1)L additions.
 * - 'reduce-scatter': x is cut into N contiguous chunks (chunk j = elements
 *   [floor(jL/N), floor((j+1)L/N))); one allToAll sends chunk j of every rank to rank j,
 *   which folds them in rank order; one allGather shares the folded chunks. Each rank
 *   receives about 2 (N-1)L/N floats and does (N-1)L/N additions, whatever N is.
 *
 * Both carry every rank's length, so a length mismatch throws the same error on every rank.
 */
import type { Communicator } from './communicator.js';
import { bytesOf, float32Of } from './bytes.js';

/** Reduction of `allReduce`. */
export type ReduceOp = 'sum' | 'mean';

/** How `allReduceInRankOrder` moves the data (the same result either way). */
export type AllReduceAlgorithm = 'all-gather' | 'reduce-scatter';

/**
 * The algorithm communicators use for a group of `size` ranks: 'reduce-scatter' from 3
 * ranks on, where it moves less data; 'all-gather' for 2, where both move the same amount
 * and one collective is cheaper than two (measured: scripts/allreduce-speed.mjs).
 */
export function defaultAllReduceAlgorithm(size: number): AllReduceAlgorithm {
  return size >= 3 ? 'reduce-scatter' : 'all-gather';
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

function checkLengths(owner: string, lengths: readonly number[], mine: number): void {
  if (lengths.every((n) => n === mine)) return;
  const got = lengths.map((n, r) => `rank ${r}: ${n}`).join(', ');
  throw new RangeError(`${owner}: allReduce needs equal lengths on every rank; got ${got}`);
}

/** Prefixes a float32 vector with its uint32 length `header`. */
function withLength(values: Float32Array, header: number): Uint8Array {
  const message = new Uint8Array(4 + values.byteLength);
  new DataView(message.buffer).setUint32(0, header, true);
  message.set(bytesOf(values), 4);
  return message;
}

/** The rank-ordered all-reduce of `data` over `comm` (see the module comment); `owner` prefixes errors. */
export function allReduceInRankOrder(
  comm: Pick<Communicator, 'size' | 'allGather' | 'allToAll'>,
  data: Float32Array,
  op: ReduceOp,
  algorithm: AllReduceAlgorithm,
  owner: string,
): Float32Array {
  if (algorithm === 'all-gather') {
    const parts = comm.allGather(bytesOf(data)).map(float32Of);
    checkLengths(owner, parts.map((p) => p.length), data.length);
    return reduceInRankOrder(parts, op);
  }
  const bounds = chunkBounds(data.length, comm.size);
  const incoming = comm.allToAll(bounds.slice(0, -1).map((start, j) => withLength(data.subarray(start, bounds[j + 1]), data.length)));
  checkLengths(owner, incoming.map((m) => new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(0, true)), data.length);
  const mine = reduceInRankOrder(incoming.map((m) => float32Of(m.subarray(4))), op);
  const out = new Float32Array(data.length);
  comm.allGather(bytesOf(mine)).forEach((chunk, r) => out.set(float32Of(chunk), bounds[r]));
  return out;
}
