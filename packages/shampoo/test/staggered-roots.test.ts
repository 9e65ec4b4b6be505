/**
 * staggerRoots (staggered-roots.ts): every block refreshes exactly once per period of
 * preconditionFrequency steps, all of them at the start step; the phases balance the root
 * work; preconditionFrequency 1 with the option on is today's step bit for bit; the step
 * leaks no tensors; a pipelined run resumed from a checkpoint equals the straight run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, loadCheckpoint, saveCheckpoint, step, type GradientTransformation, type StateValue, type TensorTree, type TrainState } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { computeRoots, hostRootExecutor, shampoo, type RootTask, type ShampooOptions } from '@shampoo-ts/shampoo';
import { rootCost, rootPhases } from '../src/staggered-roots.js';
import { isRootStep } from '../src/step-schedule.js';
import { stateBytes } from './helpers.js';

const arbShapes = fc.array(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 });

describe('staggered root refresh: the schedule', () => {
  it('each block refreshes exactly once in every window of preconditionFrequency steps after start, and every block at start', () => {
    fc.assert(
      fc.property(arbShapes, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 7 }), (shapes, f, extra) => {
        const start = f + extra;
        const phases = rootPhases(shapes.map((shape, i) => ({ key: `b${i}`, shape })), f);
        expect(phases.every((p) => Number.isInteger(p) && p >= 0 && p < f)).toBe(true);
        phases.forEach((phase) => {
          expect(isRootStep(start, start, f, phase)).toBe(true);
          for (let t = 1; t < start; t++) expect(isRootStep(t, start, f, phase)).toBe(false);
          for (let w = start + 1; w <= start + 3 * f; w++) {
            let count = 0;
            for (let t = w; t < w + f; t++) if (isRootStep(t, start, f, phase)) count++;
            expect(count).toBe(1);
          }
        });
      }),
    );
  });

  it('balances the work: the largest phase load is at most 4/3 max(total / f, largest block), and equal blocks split evenly', () => {
    fc.assert(
      fc.property(arbShapes, fc.integer({ min: 1, max: 9 }), (shapes, f) => {
        const phases = rootPhases(shapes.map((shape, i) => ({ key: `b${i}`, shape })), f);
        const load = new Array<number>(f).fill(0);
        shapes.forEach((s, i) => (load[phases[i]] += rootCost(s)));
        const costs = shapes.map(rootCost);
        const lower = Math.max(costs.reduce((a, b) => a + b, 0) / f, Math.max(...costs));
        expect(Math.max(...load)).toBeLessThanOrEqual((4 / 3) * lower + 1e-9);
      }),
    );
    const equal = rootPhases(Array.from({ length: 10 }, (_, i) => ({ key: `b${i}`, shape: [4, 4] })), 5);
    expect([0, 1, 2, 3, 4].map((p) => equal.filter((x) => x === p).length)).toEqual([2, 2, 2, 2, 2]);
  });
});

const params = (): TensorTree => ({ w: tf.tensor2d([[1, 2, 0, 1], [0, 1, -1, 2], [2, 0, 1, 0], [1, 1, 1, 1]]), v: tf.ones([5, 3]), b: tf.zeros([3]) });
const gradsAt = (t: number): TensorTree =>
  tf.tidy(() => ({ w: tf.randomNormal([4, 4], 0, 1, 'float32', 10 * t), v: tf.randomNormal([5, 3], 0, 1, 'float32', 10 * t + 3), b: tf.randomNormal([3], 0, 1, 'float32', 10 * t + 7) }));

function advance(s: TrainState<StateValue>, tx: GradientTransformation<StateValue>, from: number, to: number): TrainState<StateValue> {
  for (let t = from; t <= to; t++) {
    const g = gradsAt(t);
    const next = step(s, g, tx);
    disposeTree([s, g]);
    s = next;
  }
  return s;
}

/** A run of `steps` steps; returns the final state's bytes and, per step, the blocks whose roots were computed. */
function run(options: ShampooOptions, steps: number, delay = 0) {
  const byStep: string[][] = [];
  let current = 0;
  const compute = (tasks: readonly RootTask[]) => {
    byStep[current] = [...new Set(tasks.map((t) => t.key.split('/')[0]))].sort();
    return computeRoots(tasks);
  };
  const tx = shampoo({ lr: 0.05, maxPreconditionerDim: 2, ...options, rootExecutor: hostRootExecutor({ compute, delay }) }) as GradientTransformation<StateValue>;
  const p = params();
  let s = initTrainState(p, tx);
  for (let t = 1; t <= steps; t++) {
    current = t;
    s = advance(s, tx, t, t);
  }
  const bytes = stateBytes(s);
  disposeTree([s, p]);
  return { bytes, byStep };
}

describe('staggered root refresh: the step', () => {
  it("is validated: staggerRoots must be a boolean", () => {
    expect(() => shampoo({ staggerRoots: 'yes' as never })).toThrow('scaleByShampoo: staggerRoots = "yes" is not allowed; allowed: true or false');
  });

  it('computes the roots of every block once per period, spread over the steps, and all at start', () => {
    const f = 4;
    const { byStep } = run({ preconditionFrequency: f, staggerRoots: true, grafting: adamGrafting() }, 16);
    const all = byStep[f];
    // w: 4 blocks of 2x2 (maxPreconditionerDim 2), v: 6 blocks, b: 2 blocks.
    expect(all.length).toBe(12);
    for (let w = f + 1; w + f - 1 <= 16; w++) {
      const seen = byStep.slice(w, w + f).flatMap((keys) => keys ?? []);
      expect(seen.sort()).toEqual(all);
    }
    // Spread: after start, no step computes more than ceil(12 / f) + 1 blocks' roots; unstaggered, one step computes all 12.
    expect(Math.max(...byStep.slice(f + 1).map((k) => k?.length ?? 0))).toBeLessThanOrEqual(Math.ceil(12 / f) + 1);
    const flat = run({ preconditionFrequency: f, grafting: adamGrafting() }, 16).byStep;
    expect(flat[2 * f].length).toBe(12);
  });

  it('with preconditionFrequency 1 (every phase 0) it is the unstaggered step bit for bit', () => {
    const base: ShampooOptions = { preconditionFrequency: 1, betas: [0.9, 0.99], grafting: adamGrafting() };
    expect(run({ ...base, staggerRoots: true }, 5).bytes).toEqual(run(base, 5).bytes);
    expect(run({ ...base, staggerRoots: false }, 5).bytes).toEqual(run(base, 5).bytes);
  });

  it('leaks no tensors across steps, synchronous and pipelined', () => {
    for (const delay of [0, 1]) {
      const tx = shampoo({ lr: 0.05, maxPreconditionerDim: 2, preconditionFrequency: 3, staggerRoots: true, rootExecutor: hostRootExecutor({ delay }) }) as GradientTransformation<StateValue>;
      const p = params();
      let s = advance(initTrainState(p, tx), tx, 1, 4);
      const before = tf.memory().numTensors;
      s = advance(s, tx, 5, 12);
      expect(tf.memory().numTensors).toBe(before);
      disposeTree([s, p]);
    }
  });

  it('pipelined (delay 2): a run resumed from a checkpoint with a fresh executor equals the straight run', () => {
    const opts: ShampooOptions = { lr: 0.05, maxPreconditionerDim: 2, preconditionFrequency: 3, staggerRoots: true };
    const make = () => shampoo({ ...opts, rootExecutor: hostRootExecutor({ delay: 2 }) }) as GradientTransformation<StateValue>;
    const p = params();
    const a = make();
    const straight = advance(initTrainState(p, a), a, 1, 10);
    const b = make();
    const midway = advance(initTrainState(p, b), b, 1, 5);
    const ckpt = saveCheckpoint(midway);
    disposeTree(midway);
    const c = make();
    const resumed = advance(loadCheckpoint(ckpt, p, c), c, 6, 10);
    expect(stateBytes(resumed)).toEqual(stateBytes(straight));
    disposeTree([straight, resumed, p]);
  });
});
