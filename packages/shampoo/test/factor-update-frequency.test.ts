/** factorUpdateFrequency k: the factors are updated on steps 1, k + 1, 2k + 1, ... only. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adamGrafting } from '@shampoo-ts/grafting';
import { disposeTree } from '@shampoo-ts/core';
import { computeRoots, hostRootExecutor, scaleByShampoo, type RootTask, type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import { unpackSymmetricTensor } from '../src/packing.js';
import { factorUpdateCount, isFactorUpdateStep } from '../src/step-schedule.js';
import { expectClose, matmul, transpose } from './helpers.js';

const gradAt = (t: number) => tf.tensor2d([[Math.sin(t), 2 - t * 0.3], [Math.cos(2 * t), 1], [0.5 * t, -Math.sin(3 * t)]]);

/** Runs `steps` updates of a 3 x 2 parameter; returns per step the updates, both factors (full) and the grafting state. */
function run(options: ShampooOptions, steps: number) {
  const tasks: RootTask[][] = [];
  const tx = scaleByShampoo({
    maxPreconditionerDim: 3,
    ...options,
    rootExecutor: hostRootExecutor({ compute: (ts) => (tasks.push(ts), computeRoots(ts)) }),
  });
  const w = tf.zeros([3, 2]);
  let state = tx.init({ w }) as ShampooState;
  const out: { update: number[]; factors: number[][]; graft: number[] | null }[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = gradAt(t);
    const [u, next] = tx.update({ w: g }, state, { w });
    disposeTree(state);
    state = next as ShampooState;
    const block = state.blocks['w#0'];
    const factors = (block.preconditioner.factors as tf.Tensor[]).map((f, i) =>
      Array.from(tf.tidy(() => (f.rank === 1 ? unpackSymmetricTensor(f, [3, 2][i]) : f)).dataSync()),
    );
    out.push({ update: Array.from((u as { w: tf.Tensor }).w.dataSync()), factors, graft: block.graft ? Array.from((block.graft as tf.Tensor).dataSync()) : null });
    disposeTree(u);
    g.dispose();
  }
  disposeTree(state);
  w.dispose();
  return { out, tasks };
}

describe('factorUpdateFrequency', () => {
  it('is validated like the other options', () => {
    for (const bad of [0, 2.5, -1, Number.NaN]) {
      expect(() => scaleByShampoo({ factorUpdateFrequency: bad })).toThrow(`scaleByShampoo: factorUpdateFrequency = ${bad} is not allowed; allowed: an integer >= 1`);
    }
  });

  it('schedules updates on steps 1, k + 1, 2k + 1, ... and counts them', () => {
    expect([1, 2, 3, 4, 5, 6, 7].filter((t) => isFactorUpdateStep(t, 3))).toEqual([1, 4, 7]);
    expect([1, 2, 3, 4, 5, 6, 7].map((t) => factorUpdateCount(t, 3))).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect([1, 2, 3].map((t) => factorUpdateCount(t, 1))).toEqual([1, 2, 3]);
  });

  it('k = 1 is the default, bit for bit', () => {
    const options: ShampooOptions = { betas: [0.9, 0.99], preconditionFrequency: 2, grafting: adamGrafting() };
    const a = run(options, 5);
    const b = run({ ...options, factorUpdateFrequency: 1 }, 5);
    expect(b.out).toEqual(a.out);
  });

  it('F is the EMA of the Gram matrices of steps 1, k + 1, ... only, and the roots divide it by 1 - beta2^(number of updates)', () => {
    const k = 3;
    const beta2 = 0.5;
    const { out, tasks } = run({ betas: [0, beta2], factorUpdateFrequency: k, preconditionFrequency: 4, epsilon: 1e-6 }, 8);
    const left = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const right = [0, 0, 0, 0];
    for (let t = 1; t <= 8; t++) {
      if ((t - 1) % k === 0) {
        const g = gradAt(t);
        const gd = g.dataSync();
        const gl = matmul(gd, transpose(gd, 3, 2), 3, 2, 3);
        const gr = matmul(transpose(gd, 3, 2), gd, 2, 3, 2);
        left.forEach((v, i) => (left[i] = beta2 * v + (1 - beta2) * gl[i]));
        right.forEach((v, i) => (right[i] = beta2 * v + (1 - beta2) * gr[i]));
        g.dispose();
      } else {
        expect(out[t - 1].factors).toEqual(out[t - 2].factors); // untouched on the other steps
      }
      expectClose(out[t - 1].factors[0], left, 1e-6, 1e-7, `left factor at step ${t}`);
      expectClose(out[t - 1].factors[1], right, 1e-6, 1e-7, `right factor at step ${t}`);
    }
    // root steps 4 and 8: 2 and 3 factor updates made
    expect(tasks.map((ts) => ts.map((task) => task.biasCorrection))).toEqual([
      [1 - beta2 ** 2, 1 - beta2 ** 2],
      [1 - beta2 ** 3, 1 - beta2 ** 3],
    ]);
  });

  it('the grafting state and the steps before preconditioning do not depend on k', () => {
    const options: ShampooOptions = { betas: [0.9, 0.99], preconditionFrequency: 4, grafting: adamGrafting() };
    const a = run(options, 6);
    const b = run({ ...options, factorUpdateFrequency: 2 }, 6);
    expect(b.out.map((s) => s.graft)).toEqual(a.out.map((s) => s.graft));
    expect(b.out.slice(0, 3).map((s) => s.update)).toEqual(a.out.slice(0, 3).map((s) => s.update)); // grafting alone before step 4
    expect(b.out[4].update).not.toEqual(a.out[4].update); // different factors, different roots
  });
});
