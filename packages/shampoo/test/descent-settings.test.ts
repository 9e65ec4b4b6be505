/**
 * Sign and spectral descent, as the reference: preconditionFrequency becomes 1; spectral descent
 * orthogonalizes one 2-D block per matrix (maxPreconditionerDim Infinity, target 2); each
 * override of a value the caller set, and each option without effect, is one warning.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, injectHyperparams } from '@shampoo-ts/core';
import { sgdGrafting } from '@shampoo-ts/grafting';
import { MUON_COEFFICIENTS, newtonSchulz } from '@shampoo-ts/linalg';
import { muon, scaleByShampoo, shampoo, type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import { resolveShampooConfig } from '@shampoo-ts/shampoo/engine';
import { expectClose, runUpdates } from './helpers.js';

/** The warnings resolving `options` gives (a fresh onWarning, so none is deduplicated away). */
function warningsOf(options: ShampooOptions): string[] {
  const got: string[] = [];
  resolveShampooConfig({ ...options, onWarning: (m) => got.push(m) });
  return got;
}
const spectral = { type: 'spectral-descent' } as const;
const sign = { type: 'sign-descent' } as const;

describe('spectral descent', () => {
  it('orthogonalizes the whole matrix as one block even with maxPreconditionerDim 2, and says so', () => {
    const rows = 6;
    const cols = 4;
    const g = Array.from({ length: rows * cols }, (_, k) => Math.sin(k + 1) * (1 + (k % 3)));
    const warnings: string[] = [];
    const tx = scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 2, preconditioner: spectral, onWarning: (m) => warnings.push(m) });
    const params = { w: tf.zeros([rows, cols]) };
    const { updates, state } = runUpdates<ShampooState>(tx, params, [{ w: tf.tensor2d(g, [rows, cols]) }]);
    expect(Object.keys(state.blocks)).toEqual(['w#0']);
    const ns = newtonSchulz(Float64Array.from(g), rows, cols, { steps: 5, coefficients: MUON_COEFFICIENTS });
    expectClose(updates[0][0], ns, 1e-4, 1e-5);
    expect(warnings).toEqual(["scaleByShampoo: maxPreconditionerDim = 2 has no effect with preconditioner 'spectral-descent'; using Infinity (one 2-D block per matrix)"]);
    disposeTree([params, state]);
  });

  it('merges a 3-D parameter to one 2-D block (target dimensionality 2), warning about a target of 1', () => {
    const c = resolveShampooConfig({ preconditioner: spectral, targetParameterDimensionality: 1, preconditionFrequency: 5, onWarning: () => undefined });
    expect([c.maxPreconditionerDim, c.targetParameterDimensionality, c.preconditionFrequency, c.startPreconditioningStep]).toEqual([Infinity, 2, 1, 1]);
    const tx = scaleByShampoo({ preconditioner: spectral });
    const params = { k: tf.zeros([3, 3, 4]) };
    const state = tx.init(params);
    expect(Object.keys(state.blocks)).toEqual(['k#0']);
    expect(warningsOf({ preconditioner: spectral, targetParameterDimensionality: 1, preconditionFrequency: 5 })).toEqual([
      "scaleByShampoo: targetParameterDimensionality = 1 has no effect with preconditioner 'spectral-descent'; using 2 (one 2-D block per matrix)",
      "scaleByShampoo: preconditionFrequency = 5 has no effect with preconditioner 'spectral-descent'; using 1",
    ]);
    disposeTree([params, state]);
  });
});

describe('sign descent', () => {
  it('uses preconditionFrequency 1, so with grafting the first step is already sign descent (no grafting-only phase)', () => {
    // g = [3, -4]: sign(g) = [1, -1], rescaled to ||g|| = 5 by SGD grafting: 5 / sqrt(2) [1, -1].
    // With preconditionFrequency 3 kept, start would be 3 and step 1 would be the SGD direction g itself.
    const warnings: string[] = [];
    const tx = scaleByShampoo({ betas: [0, 1], preconditionFrequency: 3, grafting: sgdGrafting(), preconditioner: sign, onWarning: (m) => warnings.push(m) });
    const params = { w: tf.zeros([2]) };
    const { updates, state } = runUpdates(tx, params, [{ w: tf.tensor1d([3, -4]) }]);
    expectClose(updates[0][0], [5 / Math.SQRT2, -5 / Math.SQRT2], 1e-6);
    expect(warnings).toEqual(["scaleByShampoo: preconditionFrequency = 3 has no effect with preconditioner 'sign-descent'; using 1"]);
    disposeTree([params, state as never]);
  });
});

describe('options without effect for sign and spectral descent', () => {
  it('give one warning each, naming the option and its value', () => {
    expect(warningsOf({
      preconditioner: sign, betas: [0.9, 0.999], epsilon: 1e-8, useTraceScaling: true, factorUpdateFrequency: 2, useFactorWeighting: false,
      useSymmetricPacking: false, numToleratedFailedAmortizedComputations: 0, rootExecutor: 'host-float64', inverseExponentOverride: { 2: 0.5 },
      useBiasCorrection: false, startPreconditioningStep: 4, preconditionFrequency: 1,
    })).toEqual([
      "scaleByShampoo: betas[1] = 0.999 has no effect with preconditioner 'sign-descent' (no statistics)",
      "scaleByShampoo: epsilon = 1e-8 has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: useFactorWeighting = false has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: useSymmetricPacking = false has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: useTraceScaling = true has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: numToleratedFailedAmortizedComputations = 0 has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: factorUpdateFrequency = 2 has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: rootExecutor = 'host-float64' has no effect with preconditioner 'sign-descent' (no statistics, no roots)",
      "scaleByShampoo: inverseExponentOverride has no effect with preconditioner 'sign-descent' (no roots)",
      "scaleByShampoo: startPreconditioningStep = 4 has no effect with preconditioner 'sign-descent' without grafting (it only ends the grafting-only phase)",
    ]);
    // useBiasCorrection acts only through the filtered gradient: no effect with betas[0] = 0.
    expect(warningsOf({ preconditioner: spectral, betas: [0, 1], useBiasCorrection: false })).toEqual([
      "scaleByShampoo: useBiasCorrection = false has no effect with preconditioner 'spectral-descent' and betas[0] = 0 (it corrects only the filtered gradient)",
    ]);
  });

  it('give none for options that act (grafting, betas[0], weight decay, momentum), for defaults, for muon and for Shampoo', () => {
    expect(warningsOf({ preconditioner: sign, betas: [0.9, 1], grafting: sgdGrafting(), startPreconditioningStep: 3, weightDecay: 0.1, momentum: {}, useBiasCorrection: false })).toEqual([]);
    expect(warningsOf({ preconditioner: spectral })).toEqual([]);
    expect(warningsOf({ epsilon: 1e-8, preconditionFrequency: 10, maxPreconditionerDim: 2 })).toEqual([]);
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      muon();
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual([]);
  });

  it('are reported once per onWarning, not at every step of an injected schedule', () => {
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const tx = injectHyperparams(shampoo, { staticArgs: ['onWarning'] })({ lr: (t: number) => 0.1 / (t + 1), epsilon: 1e-8, preconditioner: sign, onWarning });
    const params = { w: tf.zeros([2]) };
    const { state } = runUpdates(tx, params, [1, 2, 3].map((t) => ({ w: tf.tensor1d([t, -t]) })));
    expect(warnings).toEqual(["scaleByShampoo: epsilon = 1e-8 has no effect with preconditioner 'sign-descent' (no statistics, no roots)"]);
    disposeTree([params, state as never]);
  });

  it('invalid values are still rejected before any override', () => {
    expect(() => scaleByShampoo({ preconditioner: spectral, maxPreconditionerDim: 0 })).toThrow('scaleByShampoo: maxPreconditionerDim = 0 is not allowed');
    expect(() => scaleByShampoo({ preconditioner: sign, preconditionFrequency: 1.5 })).toThrow('scaleByShampoo: preconditionFrequency = 1.5 is not allowed');
  });
});
