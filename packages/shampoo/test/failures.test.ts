/** Failure handling of docs/algorithms.md#failures. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { computeRoots, hostRootExecutor, scaleByShampoo, type RootTask, type ShampooState } from '@shampoo-ts/shampoo';

/** A host executor whose k-th root step ends with plan[k] for every task ('ok' runs the real computation). */
function scripted(plan: Array<'ok' | 'failed' | 'non-finite-root'>) {
  let call = 0;
  return hostRootExecutor({
    compute: (tasks: RootTask[]) => {
      const what = plan[call++] ?? 'ok';
      if (what === 'ok') return computeRoots(tasks);
      return tasks.map((t) => ({ key: t.key, status: what, message: `scripted ${what}` }));
    },
  });
}

function setup(plan: Array<'ok' | 'failed' | 'non-finite-root'>, tolerance = 3) {
  const warnings: string[] = [];
  const tx = scaleByShampoo({
    betas: [0, 1], epsilon: 1e-6, dampingFloor: 0, maxPreconditionerDim: 3, rootExecutor: scripted(plan),
    numToleratedFailedAmortizedComputations: tolerance, onWarning: (m) => warnings.push(m),
  });
  const w = tf.zeros([3, 2]);
  let state = tx.init({ w });
  const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
  const stepOnce = () => {
    const [u, next] = tx.update({ w: g }, state, { w });
    const data = Array.from((u as { w: tf.Tensor }).w.dataSync());
    disposeTree(u);
    disposeTree(state);
    state = next;
    return data;
  };
  const rootsOf = () => ((state.blocks['w#0'].preconditioner.roots as tf.Tensor[]).map((r) => Array.from(r.dataSync())));
  const failures = () => (state as ShampooState).blocks['w#0'].failures;
  const cleanup = () => {
    tf.dispose([w, g]);
    disposeTree(state);
  };
  return { tx, stepOnce, rootsOf, failures, warnings, cleanup, get state() { return state; } };
}

describe('failed root computations', () => {
  it('keep the previous root, count consecutive failures per block, reset on success, and throw past the tolerance', () => {
    const s = setup(['ok', 'failed', 'failed', 'failed', 'ok', 'failed', 'failed', 'failed', 'failed']);
    s.stepOnce();
    const rootsAfter1 = s.rootsOf();
    const counts: number[] = [s.failures()];
    for (let t = 2; t <= 4; t++) {
      s.stepOnce();
      expect(s.rootsOf()).toEqual(rootsAfter1); // previous root kept
      counts.push(s.failures());
    }
    s.stepOnce(); // step 5 succeeds
    expect(s.rootsOf()).not.toEqual(rootsAfter1);
    counts.push(s.failures());
    for (let t = 6; t <= 8; t++) {
      s.stepOnce();
      counts.push(s.failures());
    }
    expect(counts).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(s.warnings.length).toBe(6 * 2); // two factors per block, each warns
    expect(s.warnings[0]).toMatch(/root computation failed at step 2 for block 'w#0' dim 0; keeping the previous root/);
    const before = tf.memory().numTensors;
    expect(() => s.stepOnce()).toThrow(
      "scaleByShampoo: the root computation of block 'w#0' failed on 4 consecutive root steps (step 9); allowed: at most numToleratedFailedAmortizedComputations = 3",
    );
    expect(tf.memory().numTensors).toBe(before); // nothing leaked, the previous state intact
    expect(s.state.step).toBe(8);
    s.cleanup();
  });

  it('with tolerance 0 the first failure throws', () => {
    const s = setup(['failed'], 0);
    expect(() => s.stepOnce()).toThrow(/failed on 1 consecutive root steps \(step 1\)/);
    s.cleanup();
  });

  it('a NaN or Inf in a computed root throws at once', () => {
    const s = setup(['ok', 'non-finite-root']);
    s.stepOnce();
    expect(() => s.stepOnce()).toThrow(/scripted non-finite-root at step 2 \(block 'w#0', dim 0\)/);
    s.cleanup();
  });

  it('a NaN gradient reaching the factors throws at the next root step, naming the block', () => {
    const tx = scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 3 });
    const w = tf.zeros([3, 2]);
    const state = tx.init({ w });
    const g = tf.tensor2d([[1, Number.NaN], [3, -1], [0.5, 2]]);
    expect(() => tx.update({ w: g }, state, { w })).toThrow(/factor 'w#0\/0' contains NaN or Inf at step 1/);
    tf.dispose([w, g]);
    disposeTree(state);
  });

  it('a compute function that returns the wrong number of outcomes throws, naming the executor, and changes nothing', () => {
    const tx = scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 3, rootExecutor: hostRootExecutor({ compute: () => [] }) });
    const w = tf.zeros([3, 2]);
    const state = tx.init({ w });
    const before = tf.memory().numTensors;
    const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    expect(() => tx.update({ w: g }, state, { w })).toThrow(/host-float64 root runner: compute returned 0 outcomes for 2 tasks; allowed: one per task/);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(state.step).toBe(0);
    tf.dispose([w, g]);
    disposeTree(state);
  });
});
