import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { autoRootExecutor, hostRootExecutor, shampoo } from '@shampoo-ts/shampoo';
import { adamGrafting } from '@shampoo-ts/grafting';
import { blobs as separatedBlobs } from './support/blobs.js';
import { mlp } from '../src/models/mlp.js';
import { initParams, type Params } from '../src/models/model.js';
import { stateBytes } from '../src/train/state-bytes.js';
import { makeLearner, makeTransform, OPTIMIZER_NAMES, scheduleMultiplier, type OptimizerSpec } from '../src/train/optimizers.js';
import { transformLearner, type Learner } from '../src/train/learner.js';
import { runTraining, type RunResult } from '../src/train/run.js';
import { mean, summarize, summaryRow } from '../src/train/summary.js';
import { chooseLr, spread, type GridPoint } from '../src/train/protocol.js';
import { timedRootExecutor } from '../src/train/timed-root-executor.js';
import { warmUp } from '../src/train/warm-up.js';
import { demoSpecs, rootStatsLine, verdict } from '../src/demo/main.js';
import { parseDemoArgs } from '../src/demo/config.js';
import { shampooOptions } from '../src/train/optimizers.js';

/** The blobs of these tests: classes 2 apart. */
const blobs = (n: number, seed: number) => separatedBlobs(n, seed, 2);

const spec = (name: OptimizerSpec['name'], lr: number, weightDecay = 0): OptimizerSpec => ({
  name, lr, weightDecay, preconditionFrequency: 2, maxPreconditionerDim: 64,
});

describe('stateBytes', () => {
  it('counts each buffer once (clones share), by dtype', () => {
    const a = tf.zeros([10]);
    const b = tf.clone(a);
    const c = tf.zeros([3], 'int32');
    const d = tf.zeros([5], 'bool');
    expect(stateBytes({ a, b, nested: [c, { d }], n: 3, s: 'x', z: null })).toBe(40 + 12 + 5);
    tf.dispose([a, b, c, d]);
  });
});

describe('learners', () => {
  const model = mlp([4, 8, 3]);
  const data = blobs(48, 1);

  it('AdamW (weight decay 0) and tf.train.adam give the same losses step for step', async () => {
    const params = initParams(model, 2);
    const runOne = async (s: OptimizerSpec) => {
      const learner = makeLearner(s, model, params);
      const losses: number[] = [];
      for (let k = 0; k < 6; k++) {
        const batch = data.batch(Int32Array.from({ length: 12 }, (_, i) => (k * 12 + i) % 48));
        losses.push(await learner.step(batch));
        tf.dispose([batch.x, batch.y]);
      }
      learner.dispose();
      return losses;
    };
    const ours = await runOne(spec('adamw', 0.05));
    const theirs = await runOne(spec('tf.train.adam', 0.05));
    ours.forEach((l, i) => expect(l).toBeCloseTo(theirs[i], 4));
    expect(ours[5]).toBeLessThan(ours[0]);
    disposeTree(params);
  });

  it('no tensor leaks: every contender (AdamW, Shampoo, SOAP, Muon, tf.train.adam), constant and scheduled, over 12 steps', async () => {
    const params = initParams(model, 3);
    const batch = data.batch(Int32Array.from({ length: 12 }, (_, i) => i));
    for (const s of OPTIMIZER_NAMES.flatMap((name) => [spec(name, 0.01), { ...spec(name, 0.01), decaySteps: 12, warmupSteps: 2 }])) {
      const learner = makeLearner(s, model, params);
      await learner.step(batch);
      await learner.step(batch);
      const before = tf.memory().numTensors;
      for (let k = 0; k < 10; k++) await learner.step(batch);
      expect(tf.memory().numTensors).toBe(before);
      learner.dispose();
    }
    const before = tf.memory().numTensors;
    await warmUp([spec('shampoo', 0.01), spec('adamw', 0.01)], model, params, data, 12);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batch.x, batch.y]);
    disposeTree(params);
  });

  it('optimizer state: AdamW keeps 8 bytes per parameter, Shampoo more', async () => {
    const params = initParams(model, 4);
    const n = 4 * 8 + 8 + 8 * 3 + 3;
    const a = makeLearner(spec('adamw', 0.01), model, params);
    const s = makeLearner(spec('shampoo', 0.01), model, params);
    expect(a.stateBytes()).toBe(8 * n);
    expect(s.stateBytes()).toBeGreaterThan(8 * n);
    a.dispose();
    s.dispose();
    disposeTree(params);
  });
});

describe('runTraining', () => {
  const model = mlp([4, 3]);
  const train = blobs(60, 2);
  const test = blobs(30, 3);

  it('evaluates at 0, every evalEvery steps and at the end; the target is the first evaluation at or below it', async () => {
    const params = initParams(model, 1);
    const learner = makeLearner(spec('adamw', 0.05), model, params);
    const r = await runTraining({ label: 'a', model, learner, train, test, steps: 25, batchSize: 10, seed: 1, evalEvery: 10, targetLoss: 0.6 });
    expect(r.evals.map((e) => e.step)).toEqual([0, 10, 20, 25]);
    expect(r.stepMs).toHaveLength(25);
    expect(r.trainLoss).toHaveLength(25);
    const first = r.evals.find((e) => e.testLoss <= 0.6);
    expect(r.target).toEqual(first ? { step: first.step, seconds: first.seconds } : null);
    expect(r.evals[0].seconds).toBe(0);
    expect(r.evals[3].seconds).toBeCloseTo(r.stepMs.reduce((x, y) => x + y, 0) / 1000, 9);
    learner.dispose();
    disposeTree(params);
  });

  it('stopAtTarget stops at the first evaluation that reaches it', async () => {
    const params = initParams(model, 1);
    const learner = makeLearner(spec('adamw', 0.05), model, params);
    const r = await runTraining({ label: 'a', model, learner, train, test, steps: 200, batchSize: 10, seed: 1, evalEvery: 5, targetLoss: 0.5, stopAtTarget: true });
    expect(r.target).not.toBeNull();
    expect(r.stepMs).toHaveLength(r.target?.step as number);
    expect(r.evals.at(-1)?.step).toBe(r.target?.step);
    expect(r.evals.slice(0, -1).every((e) => e.testLoss > 0.5)).toBe(true);
    learner.dispose();
    disposeTree(params);
  });

  it('a non-finite loss ends the run as diverged', async () => {
    const params = initParams(model, 1);
    let k = 0;
    const fake: Learner = {
      step: async () => (++k === 3 ? NaN : 1),
      params: () => params,
      stateBytes: () => 0,
      dispose: () => undefined,
    };
    const r = await runTraining({ label: 'x', model, learner: fake, train, test, steps: 10, batchSize: 10, seed: 1, evalEvery: 5, targetLoss: 0.1 });
    expect(r.diverged).toBe(true);
    expect(r.stepMs).toHaveLength(3);
    disposeTree(params);
  });
});

function fakeRun(label: string, stepMs: number[], target: RunResult['target'], finalLoss = 0.1): RunResult {
  return {
    label, trainLoss: stepMs.map(() => 1), stepMs, stateBytes: 100, target, diverged: false,
    evals: [{ step: 0, seconds: 0, testLoss: 2, testAccuracy: 0.1 }, { step: stepMs.length, seconds: 1, testLoss: finalLoss, testAccuracy: 0.9 }],
  };
}

describe('summaries and the verdict', () => {
  it('step ratio is the mean step over the baseline mean step', () => {
    const s = summarize([fakeRun('AdamW', [10, 10], { step: 20, seconds: 2 }), fakeRun('Shampoo', [11, 13], { step: 10, seconds: 1.2 })], 'AdamW');
    expect(s[1].stepRatio).toBeCloseTo(1.2, 12);
    expect(s[1].meanStepMs).toBe(12);
    expect(verdict(s)).toBe('Shampoo reached the target in 0.500x the steps and 0.600x the seconds of AdamW; one step costs 1.20x.');
    expect(summaryRow(s[0])[1]).toBe(20);
    expect(mean([])).toBeNaN();
  });

  it('says so when a run misses the target', () => {
    const s = summarize([fakeRun('AdamW', [10], null), fakeRun('Shampoo', [10], { step: 1, seconds: 0.1 })], 'AdamW');
    expect(verdict(s)).toBe('AdamW did not reach the target within 1 steps; no time-to-target ratio.');
    expect(summaryRow(s[0])[1]).toBe('not reached (1)');
  });
});

describe("the demo's root stats line", () => {
  it('reports the largest condition and age and the summed counts of the last stats', () => {
    const block = (condition: number, age: number) => ({
      shape: [4, 4], condition: [condition, null], conditionSource: ['eigenvalues' as const, null], age: [age, null],
      refreshes: 3, failures: 1, consecutiveFailures: 0, fallbacks: 2, warnings: 0, rootMs: 10,
    });
    const line = rootStatsLine({ step: 9, rootStep: false, rootMs: 0, totalRootMs: 1500, blocks: { 'a#0': block(12, 2), 'b#0': block(3.4e5, 1) } });
    expect(line).toBe('Shampoo roots after step 9: 2 blocks, largest factor condition 3.40e+5, oldest root 2 steps, 6 block refreshes, 2 failed root steps, 4 fallbacks to the previous root, 1.50 s in roots');
    expect(rootStatsLine(null)).toMatch(/no stats/);
  });

  it('hands onStats to the Shampoo spec only, and on to its options', () => {
    const c = parseDemoArgs([], process.cwd());
    if (c === 'help') throw new Error('unexpected help');
    const onStats = () => {};
    const [adam, sh] = demoSpecs(c, 'host-float64', onStats);
    expect(adam.onStats).toBeUndefined();
    expect(shampooOptions(sh).onStats).toBe(onStats);
  });
});

describe('protocol helpers', () => {
  const point = (lr: number, steps: number | null, seconds: number | null, loss: number): GridPoint => ({
    optimizer: 'adamw', lr,
    summary: { label: 'AdamW', stepsToTarget: steps, secondsToTarget: seconds, finalTestLoss: loss, finalTestAccuracy: 0.9, meanStepMs: 1, stepRatio: 1, stateBytes: 1, steps: 100, diverged: false },
  });

  it('chooseLr: fewest steps, then fewest seconds, then (missed) lowest loss', () => {
    expect(chooseLr([point(1, 40, 4, 0.1), point(2, 30, 5, 0.1), point(3, 30, 3, 0.1)])).toBe(3);
    expect(chooseLr([point(1, null, null, 0.1), point(2, 90, 9, 0.2)])).toBe(2);
    expect(chooseLr([point(1, null, null, 0.3), point(2, null, null, 0.2), point(3, null, null, NaN)])).toBe(2);
  });

  it('spread: mean, min, max, or null if a seed missed', () => {
    expect(spread([0.5, 0.7, 0.6])).toEqual({ mean: 0.6, min: 0.5, max: 0.7, values: [0.5, 0.7, 0.6] });
    expect(spread([0.5, null])).toBeNull();
    expect(spread([])).toBeNull();
  });
});

describe('timedRootExecutor', () => {
  it('forwards to the inner executor and counts root steps and time', () => {
    const model = mlp([4, 3]);
    const params = initParams(model, 1);
    const ex = timedRootExecutor(hostRootExecutor());
    expect(ex.name).toBe('host-float64');
    const tx = shampoo({ lr: 0.01, betas: [0.9, 0.999], preconditionFrequency: 2, grafting: adamGrafting(), rootExecutor: ex });
    const learner = transformLearner(model, params, tx);
    const batch = blobs(12, 1).batch(Int32Array.from({ length: 12 }, (_, i) => i));
    return (async () => {
      for (let k = 0; k < 5; k++) await learner.step(batch);
      expect(ex.submissions).toBe(2); // root steps 2 and 4
      expect(ex.totalMs).toBeGreaterThan(0);
      ex.reset();
      expect(ex.submissions).toBe(0);
      expect(ex.totalMs).toBe(0);
      learner.dispose();
      tf.dispose([batch.x, batch.y]);
      disposeTree(params as Params);
    })();
  });
});

describe('timedRootExecutor around rootExecutor auto', () => {
  it("passes init's prepare() on, so 'auto' chooses from the backend at init, before any root step", () => {
    const auto = autoRootExecutor({ backendName: () => 'webgpu' });
    const ex = timedRootExecutor(auto);
    const tx = shampoo({ lr: 0.01, preconditionFrequency: 2, rootExecutor: ex });
    const params = { w: tf.zeros([3, 2]) };
    expect(auto.chosen).toBeNull();
    const state = tx.init(params);
    expect(auto.chosen).toBe('device-float32');
    expect(ex.name).toBe('auto: device-float32');
    disposeTree([state, params]);
  });
});

describe('learning-rate schedule of the protocol (decaySteps)', () => {
  it('scales each step of AdamW, Shampoo, SOAP and Muon by (1 + cos(pi t / T)) / 2 and nothing else', () => {
    const T = 6;
    for (const name of ['adamw', 'shampoo', 'soap', 'muon'] as const) {
      const base: OptimizerSpec = { name, lr: 0.01, weightDecay: 1e-3, preconditionFrequency: 2, maxPreconditionerDim: 8 };
      const constant = makeTransform(base);
      const decayed = makeTransform({ ...base, decaySteps: T });
      const params = { w: tf.tensor2d([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]), b: tf.tensor1d([0.05, -0.05, 0.1]) };
      let sc = constant.init(params);
      let sd = decayed.init(params);
      for (let t = 0; t < 5; t++) {
        const grads = { w: tf.tensor2d([[Math.sin(t), 0.2, -0.1 * t], [0.3, Math.cos(t), 0.5]]), b: tf.tensor1d([0.1, -t / 10, 0.2]) };
        const [uc, nc] = constant.update(grads, sc, params);
        const [ud, nd] = decayed.update(grads, sd, params);
        const factor = (1 + Math.cos((Math.PI * t) / T)) / 2;
        for (const k of ['w', 'b'] as const) {
          const c = (uc as Record<string, tf.Tensor>)[k].dataSync();
          const d = (ud as Record<string, tf.Tensor>)[k].dataSync();
          c.forEach((v, i) => expect(d[i]).toBeCloseTo(v * factor, 7));
        }
        disposeTree([grads, uc, ud, sc, sd]);
        sc = nc;
        sd = nd;
      }
      disposeTree([params, sc, sd]);
    }
  });

  it('with a warmup of W steps the multiplier is t / W, then the cosine over the remaining T - W steps (known answers)', () => {
    const m = scheduleMultiplier({ name: 'adamw', lr: 1, weightDecay: 0, preconditionFrequency: 1, maxPreconditionerDim: 8, decaySteps: 10, warmupSteps: 4 });
    if (m === undefined) throw new Error('expected a schedule');
    const expected = [0, 0.25, 0.5, 0.75, 1, (1 + Math.cos(Math.PI / 6)) / 2, 0.75, 0.5, 0.25, (1 + Math.cos((5 * Math.PI) / 6)) / 2, 0, 0];
    expected.forEach((v, t) => expect(m(t)).toBeCloseTo(v, 12));
    expect(() => scheduleMultiplier({ name: 'adamw', lr: 1, weightDecay: 0, preconditionFrequency: 1, maxPreconditionerDim: 8, warmupSteps: 4 })).toThrow(/warmupSteps = 4 is not allowed without decaySteps/);
  });

  it('tf.train.adam follows the same schedule: its update at step t is m(t) times the constant-lr update', async () => {
    // Was: tf.train.adam refused a schedule (so it could not run in the cosine headline). Now
    // the learner sets the optimizer's lr to lr m(t) before step t. One-leaf check: the first
    // Adam step moves each weight by lr sign(g) (bias-corrected m / sqrt(v) = sign(g)).
    const model = mlp([4, 3]);
    const data = blobs(12, 4);
    const batch = data.batch(Int32Array.from({ length: 12 }, (_, i) => i));
    const spec0: OptimizerSpec = { name: 'tf.train.adam', lr: 0.01, weightDecay: 0, preconditionFrequency: 1, maxPreconditionerDim: 8, decaySteps: 10, warmupSteps: 4 };
    const moves: number[][] = [];
    for (const s of [spec0, { ...spec0, decaySteps: undefined, warmupSteps: undefined }]) {
      const p = initParams(model, 1);
      const learner = makeLearner(s, model, p);
      const before = learner.params().dense1.kernel.dataSync().slice();
      await learner.step(batch); // t = 0: m = 0 under the schedule
      const mid = learner.params().dense1.kernel.dataSync().slice();
      await learner.step(batch); // t = 1: m = 1/4
      const after = learner.params().dense1.kernel.dataSync();
      moves.push([Math.max(...before.map((v, i) => Math.abs(mid[i] - v))), Math.max(...mid.map((v, i) => Math.abs(after[i] - v)))]);
      learner.dispose();
      disposeTree(p as never);
    }
    expect(moves[0][0]).toBe(0);
    expect(moves[1][0]).toBeCloseTo(0.01, 5);
    expect(moves[0][1]).toBeGreaterThan(0);
    expect(moves[0][1]).toBeLessThanOrEqual(0.25 * 0.01 * 1.0001);
    tf.dispose([batch.x, batch.y]);
  });
});
