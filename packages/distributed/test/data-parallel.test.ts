import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { disposeTree, leavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import { tensorsIn } from '@shampoo-ts/core/authoring';
import { shampoo, scaleByShampoo } from '@shampoo-ts/shampoo';
import {
  bfloat16Bits,
  bfloat16Value,
  decodeDirections,
  distributedScaleByShampoo,
  distributedShampoo,
  encodeDirections,
  inlineRootExecutor,
  float16Bits,
  float16Value,
  runThreadRanks,
  singleProcessCommunicator,
  type DistributedShampooState,
} from '@shampoo-ts/distributed';
import type { DataParallelResult } from './fixtures/data-parallel.js';
import { fitDataParallel, type FitResult } from './fixtures/layers-fit.js';
import { averagedGradient, initialParams, rankGradient, SHAPES, testShampooOptions, train } from './support/training.js';

const STEPS = 12;

describe('float16 and bfloat16 conversions', () => {
  it('round-trip every finite float16 and round midpoints to even', () => {
    for (let h = 0; h < 0x10000; h++) {
      const exp = (h >>> 10) & 0x1f;
      if (exp === 0x1f) continue;
      const v = float16Value(h);
      expect(float16Bits(v)).toBe(h === 0x8000 ? 0x8000 : h);
      if ((h & 0x7fff) < 0x7bff) {
        const next = float16Value(h + 1);
        const mid = Math.fround((v + next) / 2);
        expect(mid).toBe((v + next) / 2);
        expect(float16Bits(mid)).toBe((h & 1) === 0 ? h : h + 1);
      }
    }
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
    expect(float16Bits(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(float16Value(float16Bits(NaN)))).toBe(true);
    expect(float16Bits(2 ** -24)).toBe(1);
    expect(float16Bits(2 ** -26)).toBe(0);
  });

  it('float16 is within 2^-11 relative (2^-25 absolute below 2^-14); bfloat16 within 2^-8 relative (2^-134 absolute below 2^-126)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-65504), max: Math.fround(65504) }), (x) => {
        const h = float16Value(float16Bits(x));
        expect(Math.abs(h - x)).toBeLessThanOrEqual(Math.max(2 ** -11 * Math.abs(x), 2 ** -25));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const b = bfloat16Value(bfloat16Bits(x));
        if (Number.isFinite(b)) expect(Math.abs(b - x)).toBeLessThanOrEqual(Math.max(2 ** -8 * Math.abs(x), 2 ** -134));
        expect(bfloat16Bits(b)).toBe(bfloat16Bits(x));
      }),
      { numRuns: 2000 },
    );
    expect(bfloat16Bits(1)).toBe(0x3f80);
    expect(bfloat16Bits(Math.fround(1 + 2 ** -8))).toBe(0x3f80); // tie -> even
    expect(bfloat16Bits(Math.fround(1 + 3 * 2 ** -8))).toBe(0x3f82); // tie -> even (up)
  });

  it('the direction codec is exact in float32 and reports a float16 overflow instead of sending Infinity', () => {
    const x = Float32Array.from([1.5, -2e-30, 3.4e38, 0]);
    const back = decodeDirections(encodeDirections(x, 'float32', 7), 'float32');
    expect(back).toEqual({ ok: true, values: x, planHash: 7 });
    const over = decodeDirections(encodeDirections(Float32Array.from([1, 7e4]), 'float16'), 'float16');
    expect(over.ok).toBe(false);
    expect(!over.ok && over.message).toMatch(/direction value 70000 at position 1 exceeds float16's largest finite value 65504/);
  });
});

describe('distributedShampoo on one process', () => {
  it('equals shampoo bit for bit, keeps every block, and does not leak tensors', () => {
    const comm = singleProcessCommunicator();
    const grad = (p: TensorTree, s: number) => rankGradient(p, 0, s);
    const reference = train(shampoo(testShampooOptions()), STEPS, grad);
    const before = tf.memory().numTensors;
    const distributed = train(distributedShampoo(testShampooOptions(), { communicator: comm }), STEPS, grad);
    expect(tf.memory().numTensors).toBe(before);
    expect(distributed).toEqual(reference);
  });

  it("takes a learning-rate schedule as shampoo does (one recipe): 'corrected' decay with lr_t, bit for bit", () => {
    const comm = singleProcessCommunicator();
    const grad = (p: TensorTree, s: number) => rankGradient(p, 0, s);
    const schedule = (count: number) => 0.01 * (count + 1);
    const options = { ...testShampooOptions(), lr: schedule, weightDecay: 0.1, weightDecayType: 'corrected' as const, peakLr: 0.05 };
    const reference = train(shampoo(options), STEPS, grad);
    const distributed = train(distributedShampoo(options, { communicator: comm }), STEPS, grad);
    expect(distributed).toEqual(reference);
    const constant = train(distributedShampoo({ ...options, lr: 0.01 }, { communicator: comm }), STEPS, grad);
    expect(distributed).not.toEqual(constant);
  });

  it('one quantized step is within 2^-8 (bfloat16) and 2^-11 (float16) of the float32 step, elementwise', () => {
    const comm = singleProcessCommunicator();
    const params = initialParams();
    const g = rankGradient(params, 0, 1);
    const step = (dtype: 'float32' | 'float16' | 'bfloat16') => {
      const tx = distributedScaleByShampoo(testShampooOptions(), { communicator: comm, communicationDtype: dtype });
      const s = tx.init(params);
      const [u, next] = tx.update(g, s, params);
      const out = leavesWithPaths(u).flatMap(([, t]) => Array.from(t.dataSync()));
      disposeTree([u, s, next]);
      return out;
    };
    const exact = step('float32');
    for (const [dtype, rel] of [['bfloat16', 2 ** -8], ['float16', 2 ** -11]] as const) {
      const q = step(dtype);
      expect(q).not.toEqual(exact);
      q.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(rel * Math.abs(exact[i]) + 2 ** -25));
    }
    disposeTree([params, g]);
  });

  it('rejects bad distribution options and a foreign state', () => {
    const comm = singleProcessCommunicator();
    const params = initialParams();
    expect(() => distributedScaleByShampoo({}, { communicator: {} as never })).toThrow(/communicator = .* is not allowed; allowed: a Communicator/);
    expect(() => distributedScaleByShampoo({}, { communicator: comm, communicationDtype: 'int8' as never })).toThrow(/communicationDtype = "int8" is not allowed/);
    expect(() => distributedScaleByShampoo({}, { communicator: comm, worldSize: 0 })).toThrow(/worldSize = 0 is not allowed/);
    expect(() => distributedScaleByShampoo({ lr: -1 }, { communicator: comm })).toThrow(/lr = -1 is not allowed/);
    expect(() => distributedScaleByShampoo({}, { communicator: comm, worldSize: 2 }).init(params)).toThrow(/the ranks disagree: worldSize is \[2\] on ranks 0..0 but the communicator has 1 ranks/);
    const tx = distributedScaleByShampoo({}, { communicator: comm });
    const state = tx.init(params);
    const foreign = { ...state, rank: 1, size: 2 } as DistributedShampooState;
    expect(() => tx.update(params, foreign)).toThrow(/state = rank 1 of 2 is not allowed; allowed: the state that init built on this rank \(rank 0 of 1\)/);
    disposeTree([params, state]);
  });

  it('a failing step throws, changes no state and leaks nothing', () => {
    const comm = singleProcessCommunicator();
    const params = initialParams();
    const tx = distributedScaleByShampoo(testShampooOptions(), { communicator: comm });
    let state = tx.init(params);
    for (let s = 1; s <= 2; s++) {
      const g = rankGradient(params, 0, s);
      const [u, next] = tx.update(g, state, params);
      disposeTree([g, u, state]);
      state = next;
    }
    const nan = { dense: { kernel: tf.fill([20, 12], NaN), bias: tf.zeros([12]) }, conv: tf.zeros(SHAPES.conv), out: tf.zeros(SHAPES.out) };
    const before = tensorsIn(state).map((t) => Array.from(t.dataSync()));
    const count = tf.memory().numTensors;
    expect(() => tx.update(nan, state, params)).toThrow(/rank 0 of 1 failed at step 3: .*NaN or Inf.*; no rank changed its state/);
    expect(tf.memory().numTensors).toBe(count);
    expect(tensorsIn(state).map((t) => Array.from(t.dataSync()))).toEqual(before);
    disposeTree([nan, state, params]);
  });
});

describe('distributedShampoo on worker-thread ranks', () => {
  it('3 ranks equal 1 rank bit for bit in float32 (also resumed from per-rank checkpoints, with pipelined roots, and both), stay in sync when quantized, own disjoint state, and fail together on mismatches', async () => {
    const fixture = new URL('./fixtures/data-parallel.ts', import.meta.url);
    const results = await runThreadRanks<DataParallelResult>(3, fixture, 'dataParallel', { steps: STEPS, dtypes: ['float32', 'bfloat16', 'float16'], mismatches: true, delay: 2, resume: true });

    const reference = train(shampoo(testShampooOptions()), STEPS, (p, s) => averagedGradient(p, 3, s));
    for (const r of results) expect(r.params.float32).toEqual(reference);
    // A checkpoint per rank halfway, loaded on every rank into a fresh optimizer: the same bits.
    for (const r of results) expect(r.resumed).toEqual(reference);
    // Pipelined roots on every rank (installed 2 steps late) = one rank with the same delay, and != no delay.
    const delayed = train(shampoo({ ...testShampooOptions(), rootExecutor: inlineRootExecutor({ delay: 2 }) }), STEPS, (p, s) => averagedGradient(p, 3, s));
    for (const r of results) expect(r.delayed).toEqual(delayed);
    expect(delayed).not.toEqual(reference);
    // And resumed from per-rank checkpoints saved with roots in flight (step 6's, due at 8).
    for (const r of results) expect(r.resumedDelayed).toEqual(delayed);

    // Quantized: every rank applies the same rounded directions, so the replicas stay identical.
    // Each direction element is within 2^-8 / 2^-11 of float32's (tested above); over 12 steps
    // the trajectory amplifies such differences, so the stated tolerance is relative to the
    // problem's sensitivity: at most twice as far from the float32 run as a 2^-8 relative
    // change of the learning rate takes it (measured: 1.8e-3 bf16, 9.0e-4 f16, vs 2.1e-3).
    const flat = (p: Record<string, number[]>) => Object.values(p).flat();
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    const perturbed = train(shampoo({ ...testShampooOptions(), lr: 0.05 * (1 + 2 ** -8) }), STEPS, (p, s) => averagedGradient(p, 3, s));
    const lrSensitivity = maxDiff(flat(perturbed), flat(reference));
    for (const dtype of ['bfloat16', 'float16'] as const) {
      for (const r of results) expect(r.params[dtype]).toEqual(results[0].params[dtype]);
      const d = maxDiff(flat(results[0].params[dtype]), flat(reference));
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(2 * lrSensitivity);
    }

    // State: each block on exactly one rank, and the ranks' state adds up to one rank's.
    const single = scaleByShampoo(testShampooOptions()).init(initialParams());
    const singleBytes = tensorsIn(single).reduce((n, t) => n + 4 * t.size, 0);
    const allBlocks = results.flatMap((r) => r.ownedBlocks).sort();
    expect(allBlocks).toEqual(Object.keys(single.blocks).sort());
    expect(results.reduce((n, r) => n + r.stateBytes, 0)).toBe(singleBytes);
    for (const r of results) expect(r.stateBytes).toBeLessThan(singleBytes);
    disposeTree(single);

    // Mismatches: the same clear error on every rank.
    const same = (key: string, pattern: RegExp) => {
      for (const r of results) expect(r.errors[key]).toMatch(pattern);
      expect(new Set(results.map((r) => r.errors[key].replace(/than rank \d/, ''))).size).toBe(1);
    };
    same('config', /the ranks disagree: options.lr is 0.05 on rank 0 but 0.02 on rank 1/);
    same('worldSize', /the ranks disagree: worldSize is \[3, 4, 3\] on ranks 0..2 but the communicator has 3 ranks/);
    same('size', /the ranks disagree: the communicator has 3 ranks but they report world sizes \[3, 5, 3\]/);
    same('nanStep', /rank 1 of 3 failed at step 3: .*NaN or Inf.*; no rank changed its state/);
    for (const r of results) expect(r.errors.nanStepLeak).toBe('0');
  });
});

describe('distributedShampoo in tf.layers model.fit (TransformOptimizer)', () => {
  it('2 worker-thread ranks fitting half batches stay identical and match one process fitting the whole batches', async () => {
    const input = { globalBatch: 16, steps: 8 };
    const results = await runThreadRanks<FitResult>(2, new URL('./fixtures/layers-fit.ts', import.meta.url), 'fitDataParallel', input);
    const single = await fitDataParallel(singleProcessCommunicator(), input);
    expect(results[1].weights).toEqual(results[0].weights);
    for (const r of [...results, single]) expect(r.leaked).toBe(0);
    expect(single.losses).toHaveLength(8);
    expect(single.losses[7]).toBeLessThan(0.8 * single.losses[0]);
    // The same rows per step; the 2-rank gradient is the mean of two half-batch means,
    // which rounds differently from one full-batch mean, so equal to float32 rounding.
    const flat = (w: number[][]) => w.flat();
    const diff = Math.max(...flat(results[0].weights).map((v, i) => Math.abs(v - flat(single.weights)[i])));
    expect(diff).toBeLessThan(1e-4);
  });
});
