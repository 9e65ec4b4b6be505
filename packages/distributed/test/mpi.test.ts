import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExercise, type Exercise } from './support/expect-collectives.js';
import { mpiTestSkipReason, mpirun } from './support/mpirun.js';

const skipReason = mpiTestSkipReason();
if (skipReason) console.warn(`[distributed] skipping the Open MPI tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('mpiCommunicator under mpirun -np 2', () => {
  it('gives both processes the same, correct allGather / allReduce / broadcast results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'shampoo-mpi-'));
    const run = await mpirun(2, 'test/fixtures/mpi-collectives.ts', [out, '1000', '4']);
    expect(run.code, run.stderr).toBe(0);
    const results = [0, 1].map((r) => JSON.parse(readFileSync(join(out, `rank-${r}.json`), 'utf8')) as Exercise);
    checkExercise(results, 2, 1000, 4);
  });
});
