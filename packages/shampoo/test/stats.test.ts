/** onStats (stats.ts) and the condition numbers of the root computation (condition.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { arbSpd, jacobiEigen, spdWithCondition } from '@shampoo-ts/testing';
import {
  computeRoots, deviceRootExecutor, hostRootExecutor, scaleByShampoo, summarizeShampooStats,
  type RootTask, type ShampooOptions, type ShampooState, type ShampooStats,
} from '@shampoo-ts/shampoo';
import { effectiveEpsilon, DAMPING_FLOOR_FACTOR } from '../src/damping-floor.js';

/** A full, unscaled task of factor `a` (bias correction 1, no trace scaling). */
function task(a: Float64Array, n: number, kind: RootTask['kind'], epsilon: number, method: RootTask['method'] = 'eigen'): RootTask {
  return {
    key: 'w#0/0', kind, n, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.25, epsilon,
    rankDeficiency: 'perturbation', method, qrSteps: 1, tolerance: 0, factor: a,
  };
}

/** kappa(F + eps I) in float64 by the testing kit's Jacobi eigensolver (independent of linalg). */
function float64Condition(f: ArrayLike<number>, n: number, epsilon: number): number {
  const { values } = jacobiEigen(Float64Array.from(f), n);
  const shift = Math.min(values[0], 0);
  return (values[n - 1] - shift + epsilon) / (values[0] - shift + epsilon);
}

describe('the condition number of a root computation', () => {
  it("is exact from the eigenvalues (eigen kinds, direct inverse root) and a lower bound close to it (Newton, power iteration)", () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 6, minCond: 1e2, maxCond: 1e4 }), ({ n, a, eigenvalues }) => {
        const eps = 1e-12;
        const expected = (eigenvalues[n - 1] + eps) / (eigenvalues[0] + eps); // kappa(A + eps I) of the known spectrum
        for (const exact of computeRoots([task(a, n, 'eigen', eps), task(a, n, 'inverse-root', eps)])) {
          expect(exact.conditionSource).toBe('eigenvalues');
          expect(Math.abs(exact.condition! / expected - 1)).toBeLessThan(1e-6);
        }
        const [newton] = computeRoots([task(a, n, 'inverse-root', eps, 'newton')]);
        expect(newton.status).toBe('ok');
        expect(newton.conditionSource).toBe('power-iteration');
        expect(newton.condition!).toBeLessThanOrEqual(expected * (1 + 1e-3));
        expect(newton.condition! / expected).toBeGreaterThan(1 - 1e-3);
      }),
    );
  });

  it('is left out of failed outcomes', () => {
    const bad = task(Float64Array.from([1, 0, 0, Number.NaN]), 2, 'eigen', 1e-12);
    const [o] = computeRoots([bad]);
    expect(o.status).toBe('non-finite-factor');
    expect(o.condition).toBeUndefined();
  });
});

/**
 * A [n, n] parameter whose gradient is G = Q diag(sqrt(lambda)) Q^T for a known SPD A = Q diag(lambda) Q^T,
 * so that with betas [0, 1] both factors are G G^T = G^T G = A (in float32).
 */
function knownFactorRun(options: ShampooOptions, steps: number, gradient?: (t: number) => tf.Tensor) {
  const n = 4;
  const { q, eigenvalues } = spdWithCondition({ n, cond: 1e3, seed: 7 });
  const sqrtA = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sqrtA[i * n + j] += q[i * n + k] * Math.sqrt(eigenvalues[k]) * q[j * n + k];
  const stats: ShampooStats[] = [];
  const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-6, targetParameterDimensionality: 2, onStats: (s) => stats.push(s), onWarning: () => {}, ...options });
  const w = tf.zeros([n, n]);
  let state = tx.init({ w }) as ShampooState;
  const g = tf.tensor2d(Float32Array.from(sqrtA), [n, n]);
  const counts: number[] = [];
  const factors: Float32Array[][] = [];
  for (let t = 1; t <= steps; t++) {
    const grad = gradient ? gradient(t) : g;
    const [u, next] = tx.update({ w: grad }, state, { w });
    if (grad !== g) grad.dispose();
    disposeTree(u);
    disposeTree(state);
    state = next as ShampooState;
    factors.push((state.blocks['w#0'].preconditioner.factors as tf.Tensor[]).map((f) => f.dataSync() as Float32Array));
    counts.push(tf.memory().numTensors);
  }
  disposeTree(state);
  tf.dispose([w, g]);
  return { n, stats, counts, factors };
}

describe('onStats', () => {
  it.each([
    ['root-inverse, eigen method (exact)', { type: 'root-inverse' } as const, 'eigenvalues', 1e-6],
    ['root-inverse, Newton (power-iteration estimate)', { type: 'root-inverse', method: 'newton' } as const, 'power-iteration', 1e-4],
    ['eigendecomposed (exact)', { type: 'eigendecomposed' } as const, 'eigenvalues', 1e-6],
  ])('%s: the condition number equals kappa(F + eps_eff I) computed in float64 on the known factor', (_name, preconditioner, source, rtol) => {
    const { n, stats, factors } = knownFactorRun({ preconditioner, rootExecutor: 'host-float64', useSymmetricPacking: false }, 1);
    const block = stats[0].blocks['w#0'];
    expect(block.conditionSource).toEqual([source, source]);
    for (let dim = 0; dim < 2; dim++) {
      // The damping in use: epsilon 1e-6, floored at c 2^-23 ||F||_F (damping-floor.ts; the floor wins here).
      const f = factors[0][dim];
      const epsilon = effectiveEpsilon(1e-6, DAMPING_FLOOR_FACTOR, Math.hypot(...f));
      expect(epsilon).toBeGreaterThan(1e-6);
      const expected = float64Condition(f, n, epsilon);
      expect(expected).toBeGreaterThan(800); // the known factor's kappa, 1e3 (float32 and the floor move it a little)
      expect(Math.abs(block.condition[dim]! / expected - 1)).toBeLessThan(rtol);
    }
  });

  it('counts the roots\' age in steps, reset to the delay at each refresh', () => {
    const run = (delay: number) =>
      knownFactorRun({ preconditionFrequency: 3, rootExecutor: hostRootExecutor({ delay }) }, 10).stats;
    // Root steps 3, 6, 9 (start = the frequency, then every multiple of it); identity roots count from step 0.
    const ages0 = run(0).map((s) => s.blocks['w#0'].age);
    expect(ages0.map((a) => a[0])).toEqual([1, 2, 0, 1, 2, 0, 1, 2, 0, 1]);
    expect(ages0.every((a) => a[0] === a[1])).toBe(true);
    // delay 1: the roots of step s are installed at s + 1 with age 1.
    const stats1 = run(1);
    expect(stats1.map((s) => s.blocks['w#0'].age[0])).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    expect(stats1.map((s) => s.blocks['w#0'].refreshes)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    expect(stats1.map((s) => s.rootStep)).toEqual([false, false, true, false, false, true, false, false, true, false]);
  });

  it('counts an injected failure (failures, fallbacks, consecutive failures) and keeps the old root\'s age and condition', () => {
    let call = 0;
    const plan = ['ok', 'failed', 'ok'];
    const rootExecutor = hostRootExecutor({
      compute: (tasks: RootTask[]) => {
        const what = plan[call++] ?? 'ok';
        return what === 'ok' ? computeRoots(tasks) : tasks.map((t) => ({ key: t.key, status: 'failed' as const, message: 'injected' }));
      },
    });
    const { stats } = knownFactorRun({ rootExecutor }, 3, (t) => tf.mul(tf.eye(4), t));
    const b = stats.map((s) => s.blocks['w#0']);
    expect(b.map((x) => x.failures)).toEqual([0, 1, 1]);
    expect(b.map((x) => x.consecutiveFailures)).toEqual([0, 1, 0]);
    expect(b.map((x) => x.fallbacks)).toEqual([0, 2, 2]); // both factors of the block kept their root
    expect(b.map((x) => x.refreshes)).toEqual([1, 1, 2]);
    expect(b.map((x) => x.age[0])).toEqual([0, 1, 0]);
    expect(b[1].condition).toEqual(b[0].condition);
    expect(summarizeShampooStats(stats[2])).toMatchObject({ step: 3, blocks: 1, failures: 1, fallbacks: 2, refreshes: 2, maxAge: 0 });
  });

  it('records nothing for a step that throws: a retried step counts once', () => {
    let call = 0;
    // Root step 2 (call 1): block b fails; with no failure tolerated the step throws after block a installed its roots.
    const rootExecutor = hostRootExecutor({
      compute: (tasks: RootTask[]) => {
        const failing = call++ === 1;
        return computeRoots(tasks).map((o) => (failing && o.key.startsWith('b#') ? { key: o.key, status: 'failed' as const, message: 'injected' } : o));
      },
    });
    const stats: ShampooStats[] = [];
    const tx = scaleByShampoo({ onStats: (s) => stats.push(s), onWarning: () => {}, numToleratedFailedAmortizedComputations: 0, rootExecutor });
    const params = { a: tf.zeros([3]), b: tf.zeros([2]) };
    const grads = { a: tf.tensor1d([1, 2, 3]), b: tf.tensor1d([1, -1]) };
    let state = tx.init(params);
    const once = () => {
      const [u, next] = tx.update(grads, state, params);
      disposeTree([u, state]);
      state = next;
    };
    once();
    expect(() => tx.update(grads, state, params)).toThrow(/numToleratedFailedAmortizedComputations/);
    once(); // the retry of step 2 succeeds
    disposeTree([state, params, grads]);
    expect(stats.map((s) => s.step)).toEqual([1, 2]);
    expect(stats.map((s) => s.blocks['a#0'].refreshes)).toEqual([1, 2]);
    expect(stats[1].blocks['b#0']).toMatchObject({ refreshes: 2, failures: 0, fallbacks: 0 });
  });

  it('splits the root time between blocks by sum n_i^3, summing to the total; no tensor leaks', () => {
    const stats: ShampooStats[] = [];
    const tx = scaleByShampoo({ onStats: (s) => stats.push(s), maxPreconditionerDim: 8, rootExecutor: 'host-float64' });
    const params = { a: tf.zeros([8, 8]), b: tf.zeros([2, 3]) };
    let state = tx.init(params);
    const counts: number[] = [];
    for (let t = 1; t <= 4; t++) {
      const grads = { a: tf.randomNormal([8, 8], 0, 1, 'float32', t), b: tf.randomNormal([2, 3], 0, 1, 'float32', t + 9) };
      const [u, next] = tx.update(grads, state, params);
      disposeTree([u, grads, state]);
      state = next;
      counts.push(tf.memory().numTensors);
    }
    disposeTree([state, params]);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const last = stats[3];
    const sum = stats.reduce((s, x) => s + x.rootMs, 0);
    expect(last.totalRootMs).toBeCloseTo(sum, 9);
    expect(sum).toBeGreaterThan(0);
    const a = last.blocks['a#0'].rootMs;
    const b = last.blocks['b#0'].rootMs;
    expect(a + b).toBeCloseTo(last.totalRootMs, 9);
    const cost = (shape: readonly number[]) => shape.reduce((c, n) => c + n ** 3, 0);
    expect(last.blocks['a#0'].shape).toEqual([8, 8]);
    expect(a / b).toBeCloseTo(cost([8, 8]) / cost(last.blocks['b#0'].shape), 6);
  });

  it('keeps the tensor count flat across steps (stats are plain numbers)', () => {
    const { counts, stats } = knownFactorRun({}, 6);
    expect(new Set(counts).size).toBe(1);
    expect(JSON.parse(JSON.stringify(stats[5]))).toEqual(stats[5]);
  });

  it('reports no condition from the device executor (nothing read back), but counts its refreshes and ages', () => {
    const { stats } = knownFactorRun({ rootExecutor: deviceRootExecutor(), preconditionFrequency: 2 }, 4);
    const b = stats.map((s) => s.blocks['w#0']);
    expect(b.every((x) => x.condition.every((c) => c === null) && x.conditionSource.every((c) => c === null))).toBe(true);
    expect(b.map((x) => x.age[0])).toEqual([1, 0, 1, 0]);
    expect(b.map((x) => x.refreshes)).toEqual([0, 1, 1, 2]);
  });

  it('rejects an onStats that is not a function, naming it', () => {
    expect(() => scaleByShampoo({ onStats: 5 as never })).toThrow(/onStats.*5.*a function/);
  });
});

describe('summarizeShampooStats', () => {
  it('takes the largest condition and age over every block and dim and sums the counts', () => {
    const block = (condition: (number | null)[], age: (number | null)[], n: number) => ({
      shape: [2, 2], condition, conditionSource: condition.map((c) => (c === null ? null : ('eigenvalues' as const))), age,
      refreshes: n, failures: n, consecutiveFailures: 0, fallbacks: 2 * n, warnings: 0, rootMs: 1,
    });
    const stats: ShampooStats = {
      step: 7, rootStep: false, rootMs: 0, totalRootMs: 2,
      blocks: { 'a#0': block([10, null], [3, null], 1), 'b#0': block([4, 250], [1, 5], 2) },
    };
    expect(summarizeShampooStats(stats)).toEqual({ step: 7, blocks: 2, maxCondition: 250, maxAge: 5, refreshes: 3, failures: 3, fallbacks: 6, totalRootMs: 2 });
    expect(summarizeShampooStats({ ...stats, blocks: {} })).toMatchObject({ maxCondition: null, maxAge: null, refreshes: 0 });
  });
});
