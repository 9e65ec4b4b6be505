import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  float32Of,
  reduceInRankOrder,
  runThreadRanks,
  singleProcessCommunicator,
} from '@shampoo-ts/distributed';
import { exerciseCollectives } from './fixtures/collectives.js';
import { checkExercise, referenceReduce, type Exercise } from './support/expect-collectives.js';

const fixtures = new URL('./fixtures/collectives.ts', import.meta.url);

describe('reduceInRankOrder', () => {
  it('is the float32 fold in rank order, and mean divides that sum by the count', () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 20 }), fc.infiniteStream(f32), (n, len, values) => {
        const parts = Array.from({ length: n }, () => Float32Array.from(values.take(len)));
        expect([...reduceInRankOrder(parts, 'sum')]).toEqual(referenceReduce(parts, false));
        expect([...reduceInRankOrder(parts, 'mean')]).toEqual(referenceReduce(parts, true));
      }),
    );
  });

  it('rejects parts of different lengths', () => {
    expect(() => reduceInRankOrder([new Float32Array(2), new Float32Array(3)])).toThrow(/parts\[1\] has length 3 but parts\[0\] has length 2/);
  });
});

describe('singleProcessCommunicator', () => {
  it('is rank 0 of 1 and every collective gives back a copy of its input', () => {
    const comm = singleProcessCommunicator();
    expect([comm.rank, comm.size]).toEqual([0, 1]);
    const results = [exerciseCollectives(comm, { length: 17, rounds: 3 })];
    expect(results[0].mismatch).toBe("");
    checkExercise(results, 1, 17, 3);
    const x = new Uint8Array([1, 2, 3]);
    const [y] = comm.allGather(x);
    x[0] = 9;
    expect([...y]).toEqual([1, 2, 3]);
  });

  it('checks its arguments and throws after close', () => {
    const comm = singleProcessCommunicator();
    expect(() => comm.allGather(new Float32Array(2) as unknown as Uint8Array)).toThrow(/allGather data = .* is not allowed; allowed: a Uint8Array/);
    expect(() => comm.allReduce(new Float32Array(2), 'max' as 'sum')).toThrow(/op = max is not allowed; allowed: 'sum' or 'mean'/);
    expect(() => comm.broadcast(new Uint8Array(1), 1)).toThrow(/root = 1 is not allowed/);
    expect(() => comm.allToAll([new Uint8Array(1), new Uint8Array(1)])).toThrow(/allToAll chunks = an array of 2 is not allowed; allowed: an array of 1 Uint8Arrays \(one per rank\)/);
    expect(() => comm.allToAll([new Float32Array(1) as unknown as Uint8Array])).toThrow(/allToAll chunks = an array of 1 is not allowed/);
    comm.close();
    comm.close();
    expect(() => comm.barrier()).toThrow(/barrier after close/);
  });

  it('bytesOf and float32Of round-trip float32 data, also from unaligned offsets', () => {
    const x = new Float32Array([1.5, -2, 3e-8]);
    const padded = new Uint8Array(13);
    padded.set(bytesOf(x), 1);
    expect([...float32Of(padded.subarray(1))]).toEqual([...x]);
    expect(() => float32Of(new Uint8Array(5))).toThrow(/5 bytes is not allowed; allowed: a multiple of 4/);
  });
});

describe('runThreadRanks (worker-thread communicator)', () => {
  it('gives every rank the same, correct allGather / allReduce / broadcast results with 3 ranks', async () => {
    const results = await runThreadRanks<Exercise>(3, fixtures, 'exerciseCollectives', { length: 1000, rounds: 4 });
    checkExercise(results, 3, 1000, 4);
    // Mismatched allReduce lengths fail with the same message on every rank (and the group goes on).
    results.forEach((r) => expect(r.mismatch).toBe(`thread communicator (rank ${r.rank}): allReduce needs equal lengths on every rank; got rank 0: 3, rank 1: 4, rank 2: 5`));
  });

  it('a rank that throws makes the run reject with its error, without hanging the others', async () => {
    const started = performance.now();
    await expect(runThreadRanks(2, fixtures, 'failOnRankOne')).rejects.toThrow(/rank 1 of 2 failed: deliberate failure on rank 1/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('a rank that never arrives makes the others time out and the run reject', async () => {
    await expect(runThreadRanks(2, fixtures, 'spinOnRankOne', undefined, { timeoutMs: 300 })).rejects.toThrow(
      /rank 0 of 2 failed: thread communicator \(rank 0\): timed out after 300 ms/,
    );
  });

  it('a rank whose thread exits is reported, and the others are released', async () => {
    await expect(runThreadRanks(2, fixtures, 'exitOnRankZero')).rejects.toThrow(/rank 0 of 2 exited with code 7/);
  });

  it('rejects bad arguments before starting any thread', () => {
    expect(() => runThreadRanks(0, fixtures, 'exerciseCollectives')).toThrow(/size = 0 is not allowed/);
    expect(() => runThreadRanks(2, 'https://example.com/x.js', 'f')).toThrow(/allowed: a file: URL/);
    expect(() => runThreadRanks(2, fixtures, 'f', undefined, { timeoutMs: -1 })).toThrow(/timeoutMs = -1 is not allowed/);
    expect(() => runThreadRanks(2, fixtures, 'f', undefined, { abortGraceMs: -1 })).toThrow(/abortGraceMs = -1 is not allowed/);
    expect(() => runThreadRanks(2, fixtures, 'f', undefined, { graceMs: 5 } as never)).toThrow(/graceMs/);
  });

  it('a missing export fails clearly', async () => {
    await expect(runThreadRanks(1, fixtures, 'noSuchFunction')).rejects.toThrow(/has no exported function 'noSuchFunction'/);
  });
});
