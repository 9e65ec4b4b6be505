import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../src/data/dataset.js';
import { blobs as separatedBlobs } from './support/blobs.js';
import { mlp } from '../src/models/mlp.js';
import { DEFAULT_LR_GRID, gridEdge, halfDecade, halfDecadeGrid, halfDecadeIndex, widening } from '../src/train/lr-grid.js';
import { chooseLrByFinalLoss, runProtocol, seedRatios, targetFromBaseline, withTarget, type GridPoint } from '../src/train/protocol.js';
import { interleavedStepMs } from '../src/train/interleaved-steps.js';
import type { Learner } from '../src/train/learner.js';
import type { RunResult } from '../src/train/run.js';
import type { RunSummary } from '../src/train/summary.js';
import { seedBand } from '../src/output/seed-band-plot.js';
import { protocolTables } from '../src/output/protocol-report.js';

describe('half-decade lr grid', () => {
  it('known answers: 10^(k/2) to one digit, and the grid between two rates', () => {
    expect([-8, -7, -6, -5, -4, -3, -2].map(halfDecade)).toEqual([1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]);
    expect(halfDecadeGrid(3e-4, 3e-2)).toEqual([3e-4, 1e-3, 3e-3, 1e-2, 3e-2]);
    expect(DEFAULT_LR_GRID).toEqual([3e-4, 1e-3, 3e-3, 1e-2, 3e-2]);
    expect(halfDecadeIndex(3e-3)).toBe(-5);
    expect(() => halfDecadeIndex(0)).toThrow(/lr = 0 is not allowed; allowed: a finite number > 0/);
    expect(() => halfDecadeGrid(1e-2, 1e-3)).toThrow(/lo = 0.01 is not allowed; allowed: lo <= hi/);
  });

  it('index and point round-trip for every half-decade', () => {
    fc.assert(fc.property(fc.integer({ min: -16, max: 6 }), (k) => {
      expect(halfDecadeIndex(halfDecade(k))).toBe(k);
    }));
  });

  it('a best lr on an edge adds the next half-decade beyond it; interior bests add nothing', () => {
    const g = [1e-3, 3e-3, 1e-2, 3e-2, 0.1];
    expect(gridEdge(g, 1e-3)).toBe('low');
    expect(gridEdge(g, 0.1)).toBe('high');
    expect(gridEdge(g, 1e-2)).toBeNull();
    expect(widening(g, [3e-3, 1e-2])).toEqual([]);
    expect(widening(g, [0.1])).toEqual([0.3]);
    expect(widening(g, [1e-3, 0.1, 0.1])).toEqual([3e-4, 0.3]);
  });
});

function summary(finalTestLoss: number, diverged = false): RunSummary {
  return { label: 'x', stepsToTarget: null, secondsToTarget: null, finalTestLoss, finalTestAccuracy: 0, meanStepMs: 1, stepRatio: 1, stateBytes: 0, steps: 10, diverged };
}

describe('protocol rules', () => {
  it("the baseline's lr is the lowest final loss; a diverged run ranks last", () => {
    const pts: GridPoint[] = [
      { optimizer: 'adamw', lr: 1e-3, summary: summary(0.5) },
      { optimizer: 'adamw', lr: 3e-3, summary: summary(0.2) },
      { optimizer: 'adamw', lr: 1e-2, summary: summary(0.1, true) },
      { optimizer: 'adamw', lr: 3e-2, summary: summary(NaN) },
    ];
    expect(chooseLrByFinalLoss(pts)).toBe(3e-3);
  });

  it("the target is the worst final loss of the baseline's seeds; a diverged seed is an error", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 1, maxLength: 5 }), (xs) => {
      const t = targetFromBaseline(xs);
      expect(xs.every((x) => x <= t)).toBe(true);
      expect(xs).toContain(t);
    }));
    expect(() => targetFromBaseline([0.3, NaN])).toThrow(/final losses \[0.3, NaN\] are not allowed/);
  });

  it('ratios per seed: mine over the baseline, null where either missed', () => {
    expect(seedRatios([50, null, 30], [100, 80, 60])).toEqual([0.5, null, 0.5]);
    expect(seedRatios([10], [null])).toEqual([null]);
  });

  it('withTarget re-reads the first evaluation at or below a target fixed later', () => {
    const run: RunResult = {
      label: 'a', trainLoss: [], stepMs: [], stateBytes: 0, target: null, diverged: false,
      evals: [{ step: 0, seconds: 0, testLoss: 2, testAccuracy: 0 }, { step: 10, seconds: 1, testLoss: 0.9, testAccuracy: 0 }, { step: 20, seconds: 2, testLoss: 0.5, testAccuracy: 0 }],
    };
    expect(withTarget(run, 1).target).toEqual({ step: 10, seconds: 1 });
    expect(withTarget(run, 0.5).target).toEqual({ step: 20, seconds: 2 });
    expect(withTarget(run, 0.1).target).toBeNull();
  });

  it('interleaved timing steps the learners in turn and returns each mean', async () => {
    const calls: string[] = [];
    const fake = (name: string, ms: number): Learner => ({
      async step() {
        calls.push(name);
        const t = performance.now();
        while (performance.now() - t < ms);
        return 1;
      },
      params: () => ({}),
      stateBytes: () => 0,
      dispose: () => undefined,
    });
    const data = new Dataset(new Float32Array(8), new Float32Array(8), [1], 1);
    const ms = await interleavedStepMs([fake('a', 1), fake('b', 6)], data, 2, 3, 1);
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(ms[1]).toBeGreaterThan(ms[0]);
    expect(ms[1]).toBeGreaterThanOrEqual(6);
    await expect(interleavedStepMs([], data, 2, 0, 1)).rejects.toThrow(/rounds = 0 is not allowed/);
  });

  it('seedBand: mean, min and max over the seeds at the steps every seed reached', () => {
    const curve = (losses: [number, number][]): RunResult => ({ label: 'a', trainLoss: [], stepMs: [], stateBytes: 0, target: null, diverged: false, evals: losses.map(([step, testLoss]) => ({ step, seconds: 0, testLoss, testAccuracy: 0 })) });
    const run = (seed: number, c: RunResult) => ({ optimizer: 'adamw' as const, seed, lr: 1, summary: summary(0), wallSecondsToTarget: null, curve: c });
    const band = seedBand([run(1, curve([[0, 2], [10, 1], [20, 0.5]])), run(2, curve([[0, 2], [10, 0.6]]))]);
    expect(band).toEqual([[0, 2, 2, 2], [10, 0.8, 0.6, 1]]);
  });
});

/** The blobs of these tests: classes 1.5 apart. */
const blobs = (n: number, seed: number) => separatedBlobs(n, seed, 1.5);

describe('runProtocol on a small problem', () => {
  it('AdamW runs first and fixes the target; one widened grid for all; ratios and priced seconds follow', async () => {
    const written: string[] = [];
    const model = mlp([4, 16, 3]);
    const o = {
      model, train: blobs(60, 2), test: blobs(30, 3), optimizers: ['adamw', 'shampoo', 'tf.train.adam'] as const, baseline: 'adamw' as const,
      lrGrid: [3e-3, 1e-2], maxWidenings: 1, tuneSeed: 0, seeds: [1, 2], steps: 16, batchSize: 10, evalEvery: 4,
      weightDecay: 0, preconditionFrequency: 2, maxPreconditionerDim: 16, stopAtTarget: false, schedule: 'cosine' as const, timingRounds: 4,
      progress: { write: (t: string) => written.push(t) }, log: () => undefined,
    };
    const before = tf.memory().numTensors;
    const r = await runProtocol(o);
    expect(tf.memory().numTensors).toBe(before);
    // Order: every AdamW run (grid and seeds) comes before any other optimizer's.
    const who = written.map((t) => /(AdamW|Shampoo|tf\.train\.adam) (lr|seed)/.exec(t)?.[1]).filter((x) => x !== undefined);
    const lastAdamwSeed = written.map((t) => t.includes('AdamW seed 2')).lastIndexOf(true);
    const firstOther = written.findIndex((t) => /(Shampoo|tf\.train\.adam) (lr|seed)/.test(t));
    expect(who[0]).toBe('AdamW');
    expect(lastAdamwSeed).toBeGreaterThanOrEqual(0);
    expect(firstOther).toBeGreaterThan(lastAdamwSeed);
    // The target: the worst final loss of AdamW's seeds, which every AdamW seed reaches.
    const adamwRuns = r.runs.filter((x) => x.optimizer === 'adamw');
    expect(r.targetLoss).toBe(Math.max(...adamwRuns.map((x) => x.curve.evals.at(-1)?.testLoss as number)));
    expect(adamwRuns.every((x) => x.summary.stepsToTarget !== null)).toBe(true);
    expect(r.ratios.find((x) => x.optimizer === 'adamw')?.stepsRatio?.values).toEqual([1, 1]);
    // AdamW's grid points are read against that target too (none 'reached' it at step 0).
    for (const g of r.grid.filter((x) => x.optimizer === 'adamw')) expect(g.summary.stepsToTarget === null || g.summary.stepsToTarget > 0).toBe(true);
    // One grid: every optimizer ran every lr of the final grid, which holds the initial one.
    expect(r.lrGrid).toEqual(expect.arrayContaining([3e-3, 1e-2]));
    for (const name of o.optimizers) expect(r.grid.filter((g) => g.optimizer === name).map((g) => g.lr).sort()).toEqual([...r.lrGrid].sort());
    for (const name of o.optimizers) expect(r.edgeLr.includes(name)).toBe(gridEdge(r.lrGrid, r.chosenLr[name] as number) !== null);
    // Seconds to target are steps to target priced by the interleaved mean step.
    for (const run of r.runs) {
      if (run.summary.stepsToTarget === null) expect(run.summary.secondsToTarget).toBeNull();
      else expect(run.summary.secondsToTarget).toBeCloseTo((run.summary.stepsToTarget * (r.stepMs[run.optimizer] as number)) / 1000, 9);
    }
    for (const row of r.ratios) {
      const mine = r.runs.filter((x) => x.optimizer === row.optimizer).map((x) => x.summary.stepsToTarget);
      const base = adamwRuns.map((x) => x.summary.stepsToTarget as number);
      if (mine.every((m) => m !== null)) expect(row.stepsRatio?.values).toEqual(mine.map((m, i) => (m as number) / base[i]));
    }
    const text = protocolTables(o, r);
    expect(text).toContain('cosine learning rate');
    for (const name of r.edgeLr) expect(text).toMatch(/at grid edge/);
  });
});
