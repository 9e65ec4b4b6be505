import { describe, expect, it } from 'vitest';
import { runThreadRanks, ThreadRanksError } from '@shampoo-ts/distributed';
import type { Fault, FaultPlan } from './fixtures/faults.js';

const fixtures = new URL('./fixtures/faults.ts', import.meta.url);
const SIZE = 3;
// The ranks load their modules at different times, so a short timeout could fire in the
// start-up handshake: a fault must end the run long before this one,
const TIMEOUT_MS = 30_000;
// and a hang exactly this one after the fault.
const HANG_TIMEOUT_MS = 6000;
/** "At once": far below TIMEOUT_MS; covers filling a 256 MiB heap for the kill. */
const PROMPT_MS = 5000;
const GRACE_MS = 500;

/** Runs 3 thread ranks whose rank 1 breaks at step 2's direction all-gather; the rejection and ms from the fault to it. */
async function breakRankOne(fault: Fault, options: Parameters<typeof runThreadRanks>[4] = {}): Promise<{ error: ThreadRanksError; ms: number }> {
  const faultTime = new Float64Array(new SharedArrayBuffer(8));
  // Each step: the gradient all-reduce (with 3 ranks: an allToAll and an allGather), then the direction allGather.
  const plan: FaultPlan = { rank: 1, atCollective: 6, fault, steps: 4, faultTime };
  const timeoutMs = fault === 'hang' ? HANG_TIMEOUT_MS : TIMEOUT_MS;
  const error = await runThreadRanks(SIZE, fixtures, 'trainWithFault', plan, { timeoutMs, abortGraceMs: GRACE_MS, ...options }).then(
    () => {
      throw new Error('the run did not fail');
    },
    (e: unknown) => e,
  );
  const ms = Date.now() - faultTime[0];
  expect(faultTime[0]).toBeGreaterThan(0);
  expect(error).toBeInstanceOf(ThreadRanksError);
  return { error: error as ThreadRanksError, ms };
}

/** Every rank but 1 failed with an error naming rank 1. */
function othersName(error: ThreadRanksError, cause: RegExp): void {
  expect(error.failedRank).toBe(1);
  expect(error.rankErrors).toHaveLength(SIZE);
  for (const r of [0, 2]) expect(error.rankErrors[r]).toMatch(new RegExp(`rank ${r} of 3 failed: .*the group was aborted: rank 1${cause.source}`));
}

describe('runThreadRanks: a rank that breaks in the middle of a data-parallel Shampoo step', () => {
  it('throws: every other rank fails at once with an error naming it', async () => {
    const { error, ms } = await breakRankOne('throw');
    expect(error.message).toMatch(/rank 1 of 3 failed: deliberate fault on rank 1 in the middle of a step/);
    expect(error.rankErrors[1]).toBe(error.message);
    othersName(error, / failed/);
    expect(ms).toBeLessThan(PROMPT_MS);
  }, 60_000);

  it('exits: every other rank fails at once with an error naming it and its exit code', async () => {
    const { error, ms } = await breakRankOne('exit');
    expect(error.message).toMatch(/rank 1 of 3 exited with code 9 before returning a result/);
    othersName(error, /'s thread exited with code 9/);
    expect(ms).toBeLessThan(PROMPT_MS);
  }, 60_000);

  it('is killed (out of its memory limit): every other rank fails with an error naming it', async () => {
    const { error, ms } = await breakRankOne('kill', { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    expect(error.message).toMatch(/rank 1 of 3 died: .*(out of memory|ERR_WORKER_OUT_OF_MEMORY)/i);
    othersName(error, /'s thread crashed/);
    expect(ms).toBeLessThan(PROMPT_MS);
  }, 60_000);

  it('hangs: the others time out after timeoutMs, naming it as the rank they waited for', async () => {
    const { error, ms } = await breakRankOne('hang');
    expect(error.message).toMatch(new RegExp(`rank [02] of 3 failed: thread communicator \\(rank [02]\\): timed out after ${HANG_TIMEOUT_MS} ms waiting in a collective for rank\\(s\\) 1; the group is aborted`));
    expect(error.rankErrors[1]).toMatch(new RegExp(`rank 1 of 3 was terminated: still running abortGraceMs = ${GRACE_MS} ms after the group was aborted`));
    // The others' clock started when they entered the collective, a little before rank 1 hung.
    expect(ms).toBeGreaterThan(HANG_TIMEOUT_MS - 1000);
    expect(ms).toBeLessThan(HANG_TIMEOUT_MS + GRACE_MS + 3000);
  }, 60_000);
});
