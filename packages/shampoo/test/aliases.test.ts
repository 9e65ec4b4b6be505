/** The recipes: soap, klShampoo, muon (partition of 2-D weights to Newton-Schulz, the rest to AdamW). */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adam, disposeTree, injectHyperparams, partition, sgd } from '@shampoo-ts/core';
import { sgdGrafting } from '@shampoo-ts/grafting';
import { shampoo } from '@shampoo-ts/shampoo';
import { klShampoo, muon, scaleByShampoo, soap } from '@shampoo-ts/shampoo';
import { MUON_COEFFICIENTS, newtonSchulz } from '@shampoo-ts/linalg';
import { assertEquivalentTransforms } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';

describe('soap', () => {
  it('before its first basis refresh (step < preconditionFrequency = 10) is Adam with betas (0.95, 0.95)', () => {
    assertEquivalentTransforms(() => soap({ lr: 0.01 }), () => adam({ learningRate: 0.01, b1: 0.95, b2: 0.95, eps: 1e-8 }), {
      steps: 6, fc: { numRuns: 10 }, tol: { rtol: 2e-5, atol: 1e-6 }, names: ['soap', 'adam'],
    });
  });
});

describe('klShampoo', () => {
  it('is -lr times the KL-Shampoo direction', () => {
    const w = tf.zeros([3, 2]);
    const gs = [1, 2].map((t) => ({ w: tf.tensor2d([[t, 1], [0, 2], [1, -t]]) }));
    const opts = { lr: 0.1, betas: [0, 1] as [number, number], maxPreconditionerDim: 2 };
    const a = runUpdates(klShampoo(opts), { w }, gs);
    const b = runUpdates(scaleByShampoo({ ...opts, preconditioner: { type: 'kl-shampoo' } }), { w }, gs);
    a.updates.forEach((u, t) => expectClose(u[0], Array.from(b.updates[t][0], (v) => -0.1 * v), 1e-6, 1e-7));
    disposeTree([a.state, b.state, w, gs]);
  });
});

describe('muon', () => {
  it('orthogonalizes 2-D weights by Newton-Schulz (scaled by sqrt(max(1, dOut/dIn))) and gives AdamW the rest', () => {
    const params = { kernel: tf.zeros([2, 4]), bias: tf.zeros([4]) };
    const gk = [1, 2, 0, -1, 3, 1, 0.5, 2];
    const gb = [0.5, -2, 1e-3, 4];
    const grads = { kernel: tf.tensor2d(gk, [2, 4]), bias: tf.tensor1d(gb) };
    const tx = muon({ lr: 0.02 });
    const state = tx.init(params);
    const [u, next] = tx.update(grads, state, params);
    const { kernel, bias } = u as { kernel: tf.Tensor; bias: tf.Tensor };
    const ns = newtonSchulz(Float64Array.from(gk), 2, 4, { steps: 5, coefficients: MUON_COEFFICIENTS });
    expectClose(kernel.dataSync(), Array.from(ns, (v) => -0.02 * Math.sqrt(4 / 2) * v), 1e-4, 1e-6, 'kernel');
    expectClose(bias.dataSync(), gb.map((g) => (-0.02 * g) / (Math.abs(g) + 1e-8)), 1e-4, 1e-7, 'bias');
    disposeTree([u, next, state, params, grads]);
  });

  it('uses Nesterov momentum: step 2 orthogonalizes beta^2 m_1 + (1 - beta^2) g_2 (m_1 = (1 - beta) g_1)', () => {
    const params = { k: tf.zeros([3, 3]) };
    const g1 = [1, 0, 0, 0, 2, 0, 0, 0, 3];
    const g2 = [0, 1, 0, 1, 0, 0, 0, 0, -1];
    const { updates, state } = runUpdates(muon({ lr: 1, beta: 0.9 }), params, [{ k: tf.tensor2d(g1, [3, 3]) }, { k: tf.tensor2d(g2, [3, 3]) }]);
    const d = g1.map((v, i) => 0.81 * 0.1 * v + 0.19 * g2[i]);
    const ns = newtonSchulz(Float64Array.from(d), 3, 3, { steps: 5, coefficients: MUON_COEFFICIENTS });
    expectClose(updates[1][0], Array.from(ns, (v) => -v), 1e-4, 1e-6);
    disposeTree([state, params]);
  });
});

describe('per-parameter-group settings through core partition', () => {
  it('routes groups to differently configured Shampoo instances; each state is keyed by parameter path', () => {
    const tx = partition(
      { fine: scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 2 }), coarse: scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 8 }) },
      (path) => (path.startsWith('head') ? 'coarse' : 'fine'),
    );
    const params = { body: { w: tf.zeros([4, 4]) }, head: { w: tf.zeros([4, 4]) } };
    const state = tx.init(params) as unknown as Record<string, { blocks: Record<string, unknown> }>;
    expect(Object.keys(state.fine.blocks)).toEqual(['body/w#0', 'body/w#1', 'body/w#2', 'body/w#3']);
    expect(Object.keys(state.coarse.blocks)).toEqual(['head/w#0']);
    disposeTree([state, params]);
  });
});

describe('learning-rate schedules', () => {
  it('injectHyperparams(shampoo) follows a schedule (here: Shampoo reduced to SGD equals core sgd with the same schedule)', () => {
    const schedule = (count: number) => 0.1 * 0.5 ** count;
    assertEquivalentTransforms(
      () => injectHyperparams(shampoo, { staticArgs: ['startPreconditioningStep'] })({ lr: schedule, peakLr: 0.1, betas: [0, 1], startPreconditioningStep: Infinity, grafting: sgdGrafting() }),
      () => sgd({ learningRate: schedule }),
      { steps: 5, fc: { numRuns: 8 }, tol: { rtol: 1e-5, atol: 1e-7 }, names: ['injected shampoo', 'sgd'] },
    );
  });
});
