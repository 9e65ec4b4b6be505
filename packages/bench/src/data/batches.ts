/**
 * The order in which training examples are visited: epochs of a seeded random
 * permutation, cut into batches of `batchSize` (a batch never straddles two epochs, so
 * every example is seen once per epoch; the tail of an epoch that does not fill a batch
 * is skipped). Batch k is a pure function of (seed, size, batchSize, k).
 */
import { Rng } from './rng.js';

export class BatchOrder {
  readonly batchesPerEpoch: number;
  #rng: Rng;
  #epoch = -1;
  #perm: Int32Array = new Int32Array(0);

  constructor(
    readonly size: number,
    readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > size) {
      throw new RangeError(`BatchOrder: batchSize = ${batchSize} is not allowed; allowed: an integer in [1, ${size}]`);
    }
    this.batchesPerEpoch = Math.floor(size / batchSize);
    this.#rng = new Rng(seed);
  }

  /** The example indices of batch k (k = 0, 1, 2, ... in increasing order). */
  indices(k: number): Int32Array {
    const epoch = Math.floor(k / this.batchesPerEpoch);
    if (epoch < this.#epoch) throw new RangeError(`BatchOrder.indices: batch ${k} is from an earlier epoch; batches are visited in order`);
    while (this.#epoch < epoch) {
      this.#perm = this.#rng.permutation(this.size);
      this.#epoch++;
    }
    const start = (k % this.batchesPerEpoch) * this.batchSize;
    return this.#perm.subarray(start, start + this.batchSize);
  }
}
