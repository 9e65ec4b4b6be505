/** What the collectives of fixtures/collectives.ts must give, computed independently. */
import { expect } from 'vitest';
import { exerciseCollectives, rankVector } from '../fixtures/collectives.js';

/** Float32 fold in rank order, written out independently of reduceInRankOrder. */
export function referenceReduce(parts: Float32Array[], mean: boolean): number[] {
  return Array.from({ length: parts[0].length }, (_, i) => {
    let acc = parts[0][i];
    for (let r = 1; r < parts.length; r++) acc = Math.fround(acc + parts[r][i]);
    return mean && parts.length > 1 ? Math.fround(acc / parts.length) : acc;
  });
}

export type Exercise = ReturnType<typeof exerciseCollectives>;

function expectedExercise(size: number, length: number, rounds: number) {
  return Array.from({ length: rounds }, (_, round) => {
    const parts = Array.from({ length: size }, (_, r) => rankVector(r + round, length));
    return {
      gathered: Array.from({ length: size }, (_, r) => new Array(r + round + 1).fill(10 * r + round)),
      exchanged: (j: number) => Array.from({ length: size }, (_, r) => new Array((r + j + round) % 3).fill(10 * r + j)),
      shortSums: Array.from({ length: size + 2 }, (_, length) =>
        referenceReduce(Array.from({ length: size }, (_, r) => rankVector(r + round, length)), false),
      ),
      sum: referenceReduce(parts, false),
      mean: referenceReduce(parts, true),
      broadcast: [round % size, round, 0.5],
    };
  });
}

export function checkExercise(results: Exercise[], size: number, length: number, rounds: number): void {
  const expected = expectedExercise(size, length, rounds);
  expect(results.map((r) => [r.rank, r.size])).toEqual(Array.from({ length: size }, (_, r) => [r, size]));
  for (const result of results) {
    for (let round = 0; round < rounds; round++) {
      expect(result.gathered[round]).toEqual(expected[round].gathered);
      expect(result.exchanged[round]).toEqual(expected[round].exchanged(result.rank));
      for (const sums of result.shortSums.slice(3 * round, 3 * round + 3)) expect(sums).toEqual(expected[round].shortSums);
      expect(result.sums[round]).toEqual(expected[round].sum);
      expect(result.means[round]).toEqual(expected[round].mean);
      expect(result.broadcasts[round]).toEqual(expected[round].broadcast);
    }
  }
}

