import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeTree } from '@shampoo-ts/core';
import { inlineRootExecutor, scaleByShampoo, shampoo } from '@shampoo-ts/shampoo';
import type { DataParallelResult } from './fixtures/data-parallel.js';
import { checkExercise, type Exercise } from './support/expect-collectives.js';
import { mpiTestSkipReason, mpirun, type MpiRun } from './support/mpirun.js';
import { averagedGradient, initialParams, testShampooOptions, train } from './support/training.js';

const skipReason = mpiTestSkipReason();
if (skipReason) console.warn(`[distributed] skipping the Open MPI tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('mpiCommunicator under mpirun -np 2', () => {
  const out = mkdtempSync(join(tmpdir(), 'shampoo-mpi-'));
  let run: MpiRun;
  let results: { collectives: Exercise; dataParallel: DataParallelResult }[];
  beforeAll(async () => {
    run = await mpirun(2, 'test/fixtures/mpi-rank.ts', [out, '1000', '4', '12']);
    if (run.code === 0) results = [0, 1].map((r) => JSON.parse(readFileSync(join(out, `rank-${r}.json`), 'utf8')));
  });

  it('gives both processes the same, correct allGather / allReduce / broadcast results', () => {
    expect(run.code, run.stderr).toBe(0);
    checkExercise(results.map((r) => r.collectives), 2, 1000, 4);
  });

  it('data-parallel Shampoo on 2 processes equals 1 rank bit for bit (also resumed from per-rank checkpoints, with pipelined roots, and both), and mismatches fail on both', () => {
    expect(run.code, run.stderr).toBe(0);
    const dp = results.map((r) => r.dataParallel);
    const reference = train(shampoo(testShampooOptions()), 12, (p, s) => averagedGradient(p, 2, s));
    for (const r of dp) expect(r.params.float32).toEqual(reference);
    // Per-rank checkpoints halfway, loaded by fresh optimizers: the same bits, also with
    // pipelined roots (delay 2) saved in flight.
    for (const r of dp) expect(r.resumed).toEqual(reference);
    const delayed = train(shampoo({ ...testShampooOptions(), rootExecutor: inlineRootExecutor({ delay: 2 }) }), 12, (p, s) => averagedGradient(p, 2, s));
    for (const r of dp) expect(r.delayed).toEqual(delayed);
    for (const r of dp) expect(r.resumedDelayed).toEqual(delayed);
    const params = initialParams();
    const single = scaleByShampoo(testShampooOptions()).init(params);
    expect([...dp[0].ownedBlocks, ...dp[1].ownedBlocks].sort()).toEqual(Object.keys(single.blocks).sort());
    disposeTree([params, single]);
    for (const r of dp) {
      expect(r.errors.config).toMatch(/the ranks disagree: options.lr is 0.05 on rank 0 but 0.02 on rank 1/);
      expect(r.errors.worldSize).toMatch(/worldSize is \[2, 3\] on ranks 0..1 but the communicator has 2 ranks/);
      expect(r.errors.size).toMatch(/the communicator has 2 ranks but they report world sizes \[2, 4\]/);
      expect(r.errors.nanStep).toMatch(/rank 1 of 2 failed at step 3: .*NaN or Inf.*; no rank changed its state/);
      expect(r.errors.nanStepLeak).toBe('0');
    }
  });
});
