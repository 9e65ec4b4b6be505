import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adam,
  applyIfFinite,
  disposeTree,
  initTrainState,
  scale,
  step,
  type ApplyIfFiniteState,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { gradsAt } from './support/arbitraries.js';
import { stateBytes } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const badValue = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

/** Gradients for step k, with `bad` written into w[1] when `poison` is set. */
function grads(params: { w: tf.Tensor; b: tf.Tensor }, k: number, poison: boolean, bad: number) {
  const g = gradsAt(params, 11, k) as { w: tf.Tensor; b: tf.Tensor };
  if (!poison) return g;
  const vals = g.w.dataSync().slice();
  vals[1] = bad;
  const w = tf.tensor(vals, g.w.shape);
  g.w.dispose();
  return { w, b: g.b };
}

describe('applyIfFinite', () => {
  it('skips non-finite steps (params and inner state unchanged), counts them, and otherwise equals the inner transform', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), badValue, (pattern, bad) => expectNoLeak(() => {
      const params = { w: tf.tensor([[0.5, -1], [2, 0]]), b: tf.tensor([0.1]) };
      const inner = adam({ learningRate: 0.1 });
      const guarded = applyIfFinite(inner, { maxConsecutiveErrors: 10 });
      let sg: TrainState = initTrainState(params, guarded);
      let si: TrainState = initTrainState(params, inner);
      let consecutive = 0;
      let total = 0;
      pattern.forEach((poison, k) => {
        const g = grads(params, k, poison, bad);
        const before = stateBytes({ params: sg.params, inner: (sg.optState as ApplyIfFiniteState).inner });
        const next = step(sg, g, guarded);
        disposeTree(sg);
        sg = next;
        const st = sg.optState as ApplyIfFiniteState;
        if (poison) {
          consecutive++;
          total++;
          expect(stateBytes({ params: sg.params, inner: st.inner })).toEqual(before);
        } else {
          consecutive = 0;
          const ni = step(si, g, inner);
          disposeTree(si);
          si = ni;
          // A finite step is exactly the inner step, on the inner state without the skipped steps.
          expect(stateBytes({ params: sg.params, inner: st.inner })).toEqual(stateBytes({ params: si.params, inner: si.optState }));
        }
        expect(st.notFiniteCount).toBe(consecutive);
        expect(st.totalNotFinite).toBe(total);
        expect(st.lastFinite).toBe(!poison);
        disposeTree(g);
      });
      disposeTree([sg, si, params]);
    })), { numRuns: 20 });
  });

  it('throws after maxConsecutiveErrors non-finite steps in a row, naming the path and counts, changing nothing', () => {
    const params = { w: tf.tensor([[0.5, -1], [2, 0]]), b: tf.tensor([0.1]) };
    const tx = applyIfFinite(adam({ learningRate: 0.1 }), { maxConsecutiveErrors: 2 });
    let s: TrainState = initTrainState(params, tx);
    for (let k = 0; k < 2; k++) {
      const g = grads(params, k, true, Number.NaN);
      const n = step(s, g, tx);
      disposeTree([s, g]);
      s = n;
    }
    const g = grads(params, 2, true, Number.POSITIVE_INFINITY);
    const before = stateBytes(s);
    expectThrowsNoLeak(() => step(s, g, tx), /applyIfFinite/, /gradient at 'w'/, /3 non-finite steps in a row/, /maxConsecutiveErrors = 2/, /3 in total/);
    expect(stateBytes(s)).toEqual(before);
    // A finite step resets the run.
    const ok = gradsAt(params, 11, 3);
    const n = step(s, ok, tx);
    expect((n.optState as ApplyIfFiniteState).notFiniteCount).toBe(0);
    expect((n.optState as ApplyIfFiniteState).totalNotFinite).toBe(2);
    disposeTree([s, g, ok, n, params]);
  });

  it('does not call the inner transform on non-finite gradients (an inner check cannot fire first)', () => {
    const params = { w: tf.tensor([1, 2]) };
    let calls = 0;
    const strict = {
      init: () => ({}),
      update: (u: TensorTree) => {
        calls++;
        if (tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite((u as { w: tf.Tensor }).w))).dataSync()[0]) === 1) throw new Error('inner: NaN');
        return [{ w: tf.neg((u as { w: tf.Tensor }).w) }, {}] as [TensorTree, object];
      },
    };
    const tx = applyIfFinite(strict as never, { maxConsecutiveErrors: 1 });
    const s = initTrainState(params, tx);
    const g = { w: tf.tensor([Number.NaN, 1]) };
    const n = step(s, g, tx);
    expect(calls).toBe(0);
    expect((n.optState as ApplyIfFiniteState).totalNotFinite).toBe(1);
    expect(stateBytes(n.params)).toEqual(stateBytes(s.params));
    disposeTree([params, s, g, n]);
  });

  it('also catches updates that become non-finite inside the inner transform', () => {
    const params = { w: tf.tensor([1, 2]) };
    // Finite gradients (1e10) times 1e30 overflow float32 (max 3.4e38) inside the transform.
    const tx = applyIfFinite(scale(1e30), { maxConsecutiveErrors: 0 });
    const s = initTrainState(params, tx);
    const g = { w: tf.tensor([1e10, -1e10]) };
    expectThrowsNoLeak(() => step(s, g, tx), /update at 'w'/);
    disposeTree([s, g, params]);
  });

  it('treats size-0 leaves as finite', () => {
    const params = { empty: tf.zeros([0, 3]), w: tf.ones([2]) };
    const tx = applyIfFinite(adam({ learningRate: 0.1 }), { maxConsecutiveErrors: 0 });
    const s = initTrainState(params, tx);
    const g = { empty: tf.zeros([0, 3]), w: tf.ones([2]) };
    const n = step(s, g, tx);
    expect((n.optState as ApplyIfFiniteState).lastFinite).toBe(true);
    disposeTree([params, s, g, n]);
  });

  it('rejects a bad maxConsecutiveErrors', () => {
    expectThrowsNoLeak(() => applyIfFinite(adam({ learningRate: 0.1 }), { maxConsecutiveErrors: 1.5 }), /maxConsecutiveErrors = 1.5/, /integer/);
    expectThrowsNoLeak(() => applyIfFinite(adam({ learningRate: 0.1 }), { maxConsecutiveErrors: -1 }), /maxConsecutiveErrors = -1/);
  });
});
