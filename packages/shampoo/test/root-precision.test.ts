/**
 * Float32 device roots follow float64 host roots on the factors training produces
 * (damping-floor.ts): rank-deficient and ill-conditioned (condition up to 1e8) float32
 * factors, epsilon 1e-12. With the floor max(epsilon, c 2^-23 ||A||_F) both executors compute
 * the same well-posed function and agree to 1e-3 of the root's largest entry (measured
 * worst 2.5e-4, docs/backends.md#root-precision); without it they disagree by O(1) along the
 * null space. The device also reads the pseudo-inverse and relativeEpsilon as the host does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { applyUpdates, disposeTree } from '@shampoo-ts/core';
import { deviceRootExecutor, hostRootExecutor, scaleByShampoo, type RootTaskSpec } from '@shampoo-ts/shampoo';
import { seededRandom } from '@shampoo-ts/testing';
import { inverseRootSpec, lowRankFactor as lowRankFrom, relativeToLargest as relativeGap, rootBy } from './helpers.js';

/** lowRankFactor with its own generator seeded by `seed`. */
const lowRankFactor = (n: number, rank: number, cond: number, seed: number) => lowRankFrom(n, rank, cond, seededRandom(seed));

const arbFactor = fc.record({
  n: fc.integer({ min: 2, max: 24 }),
  rankFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  log10Cond: fc.double({ min: 0, max: 8, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  exponent: fc.constantFrom(0.5, 0.25),
  method: fc.constantFrom('eigen' as const, 'newton' as const),
});

describe('float32 device roots against float64 host roots (damping floor)', () => {
  it('agree to 1e-3 of the largest root entry on random low-rank factors with condition up to 1e8', () => {
    fc.assert(
      fc.property(arbFactor, ({ n, rankFraction, log10Cond, seed, exponent, method }) => {
        const rank = 1 + Math.floor(rankFraction * (n - 1));
        const factor = lowRankFactor(n, rank, 10 ** log10Cond, seed);
        const spec = inverseRootSpec(n, { exponent, epsilon: 1e-12, method, dampingFloor: 256 });
        const host = rootBy(hostRootExecutor(), spec, factor);
        const device = rootBy(deviceRootExecutor(), spec, factor);
        expect(relativeGap(device.root, host.root)).toBeLessThan(1e-3);
      }),
      { numRuns: 40 },
    );
  });

  it('without the floor (the reference damping) they disagree by O(1) on a rank-deficient factor', () => {
    const factor = lowRankFactor(8, 2, 1, 5);
    const spec = inverseRootSpec(8, { exponent: 0.25, epsilon: 1e-12 });
    const gap = relativeGap(rootBy(deviceRootExecutor(), spec, factor).root, rootBy(hostRootExecutor(), spec, factor).root);
    expect(gap).toBeGreaterThan(0.1);
  });

  it('the floor is reported (notice) exactly where it exceeds epsilon, on the host and on the device', async () => {
    const factor = lowRankFactor(6, 3, 1, 9); // ||A||_F ~ 6: floor 256 * 2^-23 * 6 ~ 1.8e-4
    for (const [epsilon, floored] of [[1e-12, true], [1e-2, false]] as const) {
      const spec = inverseRootSpec(6, { exponent: 0.25, epsilon, dampingFloor: 256 });
      expect(rootBy(hostRootExecutor(), spec, factor).notice !== undefined).toBe(floored);
      // The device reports it with the late status (device-status.ts): one step later.
      const device = deviceRootExecutor();
      rootBy(device, spec, factor);
      await device.whenReady();
      const late = device.collect(2);
      expect(late.some((r) => r.notice !== undefined)).toBe(floored);
    }
  });

  it('the device pseudo-inverse (Jacobi) and relativeEpsilon give the host roots', () => {
    const factor = lowRankFactor(7, 3, 100, 4);
    const cases: Partial<RootTaskSpec>[] = [
      { rankDeficiency: 'pseudo-inverse', epsilon: 0 },
      { rankDeficiency: 'pseudo-inverse', epsilon: 0, solver: { rankRtol: 1e-3 } },
      { epsilon: 1e-12, solver: { relativeEpsilon: 1e-3 } },
      { method: 'higher-order', epsilon: 1e-12, solver: { higherOrder: { relativeEpsilon: 1e-3 } } },
    ];
    for (const over of cases) {
      const spec = inverseRootSpec(7, { exponent: 0.25, ...over });
      const gap = relativeGap(rootBy(deviceRootExecutor(), spec, factor).root, rootBy(hostRootExecutor(), spec, factor).root);
      expect(gap, JSON.stringify(over)).toBeLessThan(1e-3);
    }
    // relativeEpsilon is read: 1e-1 gives another root than 1e-3.
    const loose = inverseRootSpec(7, { exponent: 0.25, epsilon: 1e-12, solver: { relativeEpsilon: 1e-1 } });
    const tight = inverseRootSpec(7, { exponent: 0.25, epsilon: 1e-12, solver: { relativeEpsilon: 1e-3 } });
    expect(relativeGap(rootBy(deviceRootExecutor(), loose, factor).root, rootBy(deviceRootExecutor(), tight, factor).root)).toBeGreaterThan(0.1);
  });

  it('in training: one onWarning notice over many root steps, no tensor leak on the device', async () => {
    const rng = seededRandom(2);
    const basis = Array.from({ length: 4 }, () => rng.gaussian());
    // Rank-one gradients g basis^T: the right factor has rank 1.
    const grads = Array.from({ length: 6 }, () => tf.tensor2d(Array.from({ length: 12 }, (_, k) => rng.gaussian() * basis[k % 4]), [3, 4]));
    for (const rootExecutor of [hostRootExecutor(), deviceRootExecutor()]) {
      const warnings: string[] = [];
      const tx = scaleByShampoo({ betas: [0, 1], preconditionFrequency: 1, rootExecutor, onWarning: (m) => warnings.push(m) });
      let params = { w: tf.zeros([3, 4]) };
      let state = tx.init(params);
      let before = 0;
      for (let t = 0; t < grads.length; t++) {
        if (t === 2) before = tf.memory().numTensors;
        const [u, next] = tx.update({ w: grads[t] }, state, params);
        const p = applyUpdates(params, u) as { w: tf.Tensor };
        disposeTree([u, state, params]);
        state = next;
        params = p;
        await (rootExecutor as { whenReady?: () => Promise<void> }).whenReady?.();
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(warnings.filter((m) => m.includes('dampingFloor')).length).toBe(1);
      disposeTree([state, params]);
    }
    disposeTree(grads);
  });

  it('rejects a dampingFloor that is negative or not finite, naming it', () => {
    for (const v of [-1, Number.NaN, Infinity]) {
      expect(() => scaleByShampoo({ dampingFloor: v })).toThrow(`scaleByShampoo: dampingFloor = ${v} is not allowed; allowed: a finite number >= 0 (0 turns the floor off)`);
    }
  });
});
