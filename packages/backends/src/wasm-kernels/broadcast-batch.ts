/**
 * Batch broadcasting of a batched matrix product C[i] = A[ia(i)] B[ib(i)]: the batch
 * shapes of A and B (all dims but the last two) broadcast as NumPy's do (aligned at the
 * right; a dim of 1, or a missing one, repeats), and output batch i reads batch ia(i) of
 * A and ib(i) of B (row-major flat indices).
 */

/** The broadcast output batch shape and, for each flat output batch index, the flat batch indices of A and B. */
export interface BatchPairs {
  outBatch: number[];
  aIndex: Int32Array;
  bIndex: Int32Array;
}

/**
 * Broadcasts `batchA` against `batchB`; throws naming both shapes when a pair of dims
 * differs and neither is 1.
 */
export function broadcastBatchPairs(batchA: readonly number[], batchB: readonly number[]): BatchPairs {
  const rank = Math.max(batchA.length, batchB.length);
  const padA = [...Array(rank - batchA.length).fill(1), ...batchA] as number[];
  const padB = [...Array(rank - batchB.length).fill(1), ...batchB] as number[];
  const outBatch = padA.map((da, d) => {
    const db = padB[d];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`matMul: batch shapes [${batchA.join(', ')}] and [${batchB.join(', ')}] do not broadcast (dim ${d} is ${da} against ${db}); allowed: equal dims or 1`);
    }
    return Math.max(da, db);
  });
  const total = outBatch.reduce((p, d) => p * d, 1);
  const aIndex = new Int32Array(total);
  const bIndex = new Int32Array(total);
  const digit = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * padA[d] + (padA[d] === 1 ? 0 : digit[d]);
      ib = ib * padB[d] + (padB[d] === 1 ? 0 : digit[d]);
    }
    aIndex[i] = ia;
    bIndex[i] = ib;
    for (let d = rank - 1; d >= 0; d--) {
      if (++digit[d] < outBatch[d]) break;
      digit[d] = 0;
    }
  }
  return { outBatch, aIndex, bIndex };
}
