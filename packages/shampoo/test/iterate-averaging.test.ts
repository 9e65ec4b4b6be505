/** Iterate averaging: GPA reproduces heavy-ball and Nesterov SGD; schedule-free follows its recursion; train/eval views. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, sgd } from '@shampoo-ts/core';
import { sgdGrafting } from '@shampoo-ts/grafting';
import { evalParams, iterateAveraging, shampoo, trainParams, type IterateAveragingConfig, type IterateAveragingState, type WeightDecayType } from '@shampoo-ts/shampoo';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';
import { expectClose } from './helpers.js';

const run = { steps: 6, fc: { numRuns: 10 }, tol: { rtol: 1e-4, atol: 1e-6 } };
/** Shampoo reduced to SGD (identity roots, no filtering) so that only the averaging acts. */
const plain = { betas: [0, 1] as [number, number], startPreconditioningStep: Infinity };

describe('generalized primal averaging', () => {
  it('with trainInterp = 1, evalInterp = beta and lr = lr_sgd / (1 - beta) is SGD with heavy-ball momentum', () => {
    assertEquivalentTransforms(
      () => shampoo({ ...plain, lr: 0.01 / (1 - 0.9), iterateAveraging: { type: 'gpa', evalInterp: 0.9, trainInterp: 1 } }),
      () => sgd({ learningRate: 0.01, momentum: 0.9 }),
      { ...run, names: ['gpa', 'sgd momentum'] },
    );
  });

  it('with trainInterp = evalInterp = beta it is SGD with Nesterov momentum', () => {
    assertEquivalentTransforms(
      () => shampoo({ ...plain, lr: 0.01 / (1 - 0.9), iterateAveraging: { type: 'gpa', evalInterp: 0.9, trainInterp: 0.9 } }),
      () => sgd({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
      { ...run, names: ['gpa', 'sgd nesterov'] },
    );
  });
});

describe('schedule-free', () => {
  it('follows y = mu_y x + (1 - mu_y) z, z <- z - lr g(y), x <- (1 - c) x + c z with c = lr^2 / sum lr^2', () => {
    const muY = 0.8;
    const lr = 0.1;
    const target = [1, -2, 0.5];
    const grad = (y: number[]) => y.map((v, i) => 2 * (v - target[i]) * (i + 1));
    // direct float64 recursion
    let x = [0, 0, 0];
    let z = [0, 0, 0];
    let sum = 0;
    const ys: number[][] = [];
    const xs: number[][] = [];
    for (let t = 0; t < 8; t++) {
      const y = x.map((xv, i) => muY * xv + (1 - muY) * z[i]);
      ys.push(y);
      const g = grad(y);
      z = z.map((zv, i) => zv - lr * g[i]);
      sum += lr * lr;
      const c = (lr * lr) / sum;
      x = x.map((xv, i) => (1 - c) * xv + c * z[i]);
      xs.push(x);
    }
    // the transform: params are y; the update takes y to the next y; evalParams gives x
    const cfg = { type: 'schedule-free', trainInterp: muY } as const;
    const tx = shampoo({ ...plain, lr, iterateAveraging: cfg });
    let params = { w: tf.zeros([3]) };
    let state = tx.init(params);
    for (let t = 0; t < 8; t++) {
      expectClose(params.w.dataSync(), ys[t], 1e-5, 1e-6, `y at step ${t}`);
      const g = tf.tensor1d(grad(Array.from(params.w.dataSync())));
      const [u, next] = tx.update({ w: g }, state, params);
      const p = { w: tf.add(params.w, (u as { w: tf.Tensor }).w) };
      disposeTree([u, state, params, g]);
      state = next;
      params = p;
      const avg = (state as unknown as [unknown, unknown, IterateAveragingState])[2];
      const view = evalParams(params, avg, cfg);
      expectClose(view.w.dataSync(), xs[t], 1e-5, 1e-6, `x at step ${t + 1}`);
      const back = trainParams(view, avg, cfg);
      expectClose(back.w.dataSync(), params.w.dataSync(), 1e-5, 1e-6, 'trainParams inverts evalParams');
      disposeTree([view, back]);
    }
    disposeTree([state, params]);
  });

  it('needs the parameters and validates its configuration', () => {
    expect(() => iterateAveraging({ type: 'gpa' }, 0.1, -1)).toThrow('iterateAveraging: weightDecay = -1 is not allowed; allowed: a finite number >= 0');
    const tx = iterateAveraging({ type: 'gpa' }, 0.1);
    const p = { w: tf.zeros([2]) };
    const s = tx.init(p);
    expect(() => tx.update(p, s)).toThrow('iterateAveraging: params = undefined is not allowed');
    expect(() => iterateAveraging({ type: 'schedule-free', lrPower: 0 }, 0.1)).toThrow('iterateAveraging: iterateAveraging.lrPower = 0 is not allowed; allowed: a finite number > 0');
    disposeTree([s, p]);
  });
});

describe('iterate averaging with decoupled / corrected / independent weight decay', () => {
  it('keeps the decay out of the direction and shrinks z: the known answer y = 0.999 after one step', () => {
    // lr 0.1, wd 0.1 ('decoupled', alpha = 0.1), GPA mu_x = 0.9, mu_y = 0.8, zero gradient, y = z = 1.
    // As the reference: P = 0 (no alpha W in it); z <- z (1 - lr alpha) = 0.99; u = -lr P = 0;
    // y' = y + (1 - mu_x mu_y) u + (1 - mu_x)(z - y) = 1 + 0.1 (0.99 - 1) = 0.999, z' = z + u = 0.99.
    // (Decay inside the direction would give y' = 1 - 0.28 * 0.01 = 0.9972.)
    const tx = shampoo({ lr: 0.1, weightDecay: 0.1, iterateAveraging: { type: 'gpa', evalInterp: 0.9, trainInterp: 0.8 } });
    const params = { w: tf.ones([1]) };
    const grads = { w: tf.zeros([1]) };
    const s0 = tx.init(params);
    const [u, s1] = tx.update(grads, s0, params);
    const y = tf.add(params.w, (u as { w: tf.Tensor }).w);
    expectClose(y.dataSync(), [0.999], 1e-6, 1e-7, 'y');
    const z = (s1 as unknown as [unknown, unknown, IterateAveragingState])[2].z;
    expectClose(Object.values(z)[0].dataSync(), [0.99], 1e-6, 1e-7, 'z');
    // No tensor leaks across further steps with the decay.
    let state = s1;
    const before = tf.memory().numTensors;
    for (let t = 0; t < 3; t++) {
      const [ut, next] = tx.update(grads, state, params);
      disposeTree([ut, state]);
      state = next;
      expect(tf.memory().numTensors).toBe(before);
    }
    disposeTree([params, grads, s0, u, state, y]);
  });

  it('follows the reference order step by step (float64 recursion) for every decoupled type, GPA and schedule-free', () => {
    // Shampoo reduced to SGD (identity roots, no filtering): P = g, alpha from the decay type.
    // Per step, as the reference: z <- z (1 - lr alpha); u = -lr g(y); mu_x (GPA: evalInterp;
    // schedule-free: 1 - lr^2 / sum lr^2); y <- y + (1 - mu_x mu_y) u + (1 - mu_x)(z - y); z <- z + u.
    const lr = 0.2;
    const peakLr = 0.5;
    const wd = 0.3;
    const target = [1, -2, 0.5];
    const grad = (y: number[]) => y.map((v, i) => 2 * (v - target[i]) * (i + 1) * 0.3);
    const configs: IterateAveragingConfig[] = [{ type: 'gpa', evalInterp: 0.9, trainInterp: 0.8 }, { type: 'schedule-free', trainInterp: 0.7 }];
    const types: WeightDecayType[] = ['decoupled', 'corrected', 'independent'];
    for (const averaging of configs) {
      for (const weightDecayType of types) {
        const alpha = weightDecayType === 'decoupled' ? wd : weightDecayType === 'corrected' ? (wd * lr) / peakLr : wd / peakLr;
        const tx = shampoo({
          lr, peakLr, weightDecay: wd, weightDecayType, betas: [0, 1], startPreconditioningStep: Infinity, grafting: sgdGrafting(), iterateAveraging: averaging,
        });
        let y = [0.5, 1, -1];
        let z = y.slice();
        let lrSum = 0;
        let params: { w: tf.Tensor } = { w: tf.tensor1d(y) };
        let state = tx.init(params);
        for (let t = 0; t < 6; t++) {
          const g = grad(y);
          z = z.map((v) => v * (1 - lr * alpha));
          lrSum += lr * lr;
          const muX = averaging.type === 'gpa' ? averaging.evalInterp! : 1 - (lr * lr) / lrSum;
          const muY = averaging.trainInterp!;
          y = y.map((v, i) => v + (1 - muX * muY) * (-lr * g[i]) + (1 - muX) * (z[i] - v));
          z = z.map((v, i) => v - lr * g[i]);
          const gt = tf.tensor1d(grad(Array.from(params.w.dataSync())));
          const [u, next] = tx.update({ w: gt }, state, params);
          const p = { w: tf.add(params.w, (u as { w: tf.Tensor }).w) };
          disposeTree([u, state, params, gt]);
          state = next;
          params = p;
          expectClose(params.w.dataSync(), y, 1e-5, 1e-6, `${averaging.type} ${weightDecayType} y at step ${t + 1}`);
        }
        disposeTree([state, params]);
      }
    }
  });
});
