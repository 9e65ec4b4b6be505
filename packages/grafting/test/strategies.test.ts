import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adagradGrafting,
  adamGrafting,
  rmspropGrafting,
  scaleByGrafting,
  sgdGrafting,
  type GraftingStrategy,
} from '@shampoo-ts/grafting';
import { disposeTree } from '@shampoo-ts/core';

/** Float64 reference of a diagonal method: returns the directions of every step. */
function referenceDirections(kind: string, beta2: number, eps: number, bias: boolean, grads: number[][]): number[][] {
  const n = grads[0].length;
  const v = new Float64Array(n);
  return grads.map((g, t) => {
    const step = t + 1;
    if (kind === 'sgd') return g.slice();
    for (let i = 0; i < n; i++) v[i] = beta2 === 1 ? v[i] + g[i] * g[i] : beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    const bc = bias && beta2 < 1 ? 1 - beta2 ** step : 1;
    return g.map((gi, i) => gi / (Math.sqrt(v[i] / bc) + eps));
  });
}

const cases: Array<[string, () => GraftingStrategy, number, number, boolean]> = [
  ['sgd', () => sgdGrafting(), 1, 0, false],
  ['adagrad', () => adagradGrafting(), 1, 1e-10, false],
  ['rmsprop', () => rmspropGrafting(), 0.99, 1e-10, false],
  ['adam', () => adamGrafting(), 0.999, 1e-10, true],
  ['adam (eps 1e-3, beta2 0.9)', () => adamGrafting({ beta2: 0.9, epsilon: 1e-3 }), 0.9, 1e-3, true],
];

const gradSequence = fc.array(
  fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x)), {
    minLength: 6,
    maxLength: 6,
  }),
  { minLength: 1, maxLength: 8 },
);

describe('grafting strategies: defaults of the reference', () => {
  it('have the documented kind, beta2, epsilon and bias correction', () => {
    expect([sgdGrafting().kind, adagradGrafting().kind, rmspropGrafting().kind, adamGrafting().kind]).toEqual([
      'sgd',
      'adagrad',
      'rmsprop',
      'adam',
    ]);
    expect([adagradGrafting().beta2, adagradGrafting().epsilon]).toEqual([1, 1e-10]);
    expect([rmspropGrafting().beta2, rmspropGrafting().epsilon, rmspropGrafting().useBiasCorrection]).toEqual([0.99, 1e-10, false]);
    expect([adamGrafting().beta2, adamGrafting().epsilon, adamGrafting().useBiasCorrection]).toEqual([0.999, 1e-10, true]);
  });
});

describe.each(cases)('%s grafting as a standalone transform', (kind, make, beta2, eps, bias) => {
  it('matches the float64 formula over random gradient sequences', () => {
    fc.assert(
      fc.property(gradSequence, (grads) => {
        const t = scaleByGrafting(make());
        const param = tf.zeros([2, 3]);
        let state = t.init({ w: param });
        const expected = referenceDirections(kind, beta2, eps, bias, grads);
        for (let s = 0; s < grads.length; s++) {
          const g = tf.tensor(grads[s], [2, 3]);
          const [u, next] = t.update({ w: g }, state);
          const got = Array.from((u as { w: tf.Tensor }).w.dataSync());
          for (let i = 0; i < 6; i++) {
            expect(Math.abs(got[i] - expected[s][i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[s][i])));
          }
          disposeTree(u);
          disposeTree(state);
          g.dispose();
          state = next;
        }
        expect(state.count).toBe(grads.length);
        disposeTree(state);
        param.dispose();
      }),
      { numRuns: 20 },
    );
  });

  it('never disposes its inputs and keeps the tensor count flat', () => {
    const t = scaleByGrafting(make());
    const params = { a: tf.ones([3]), b: [tf.ones([2, 2])] };
    let state = t.init(params);
    const grads = { a: tf.tensor([1, -2, 3]), b: [tf.tensor([[0.5, 1], [-1, 2]])] };
    const [u0, s1] = t.update(grads, state);
    disposeTree(u0);
    disposeTree(state);
    state = s1;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const [u, next] = t.update(grads, state);
      disposeTree(u);
      disposeTree(state);
      state = next;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(grads.a.isDisposed).toBe(false);
    expect(params.a.isDisposed).toBe(false);
    disposeTree([state, params, grads]);
  });
});

describe('grafting validation', () => {
  it('rejects bad hyperparameters with the parameter, the value and the allowed range', () => {
    expect(() => adamGrafting({ beta2: 1.5 })).toThrow('adamGrafting: beta2 = 1.5 is not allowed; allowed: a finite number with 0 < beta2 <= 1');
    expect(() => rmspropGrafting({ beta2: 0 })).toThrow('rmspropGrafting: beta2 = 0 is not allowed; allowed: a finite number with 0 < beta2 <= 1');
    expect(() => adagradGrafting({ epsilon: 0 })).toThrow('adagradGrafting: epsilon = 0 is not allowed; allowed: a finite number with 0 < epsilon');
    expect(() => adamGrafting({ epsilon: Number.NaN })).toThrow('adamGrafting: epsilon = NaN is not allowed');
    expect(() => adamGrafting({ useBiasCorrection: 1 as unknown as boolean })).toThrow(
      'adamGrafting: useBiasCorrection = 1 is not allowed; allowed: true or false',
    );
  });

  it('rejects unknown option keys, naming the key, its value and the allowed keys', () => {
    expect(() => adamGrafting({ eps: 1e-8 } as never)).toThrow(
      "adamGrafting: unknown option 'eps'; allowed options: [beta2, epsilon, useBiasCorrection]; got eps = 1e-8",
    );
    expect(() => rmspropGrafting({ beta: 0.9 } as never)).toThrow("rmspropGrafting: unknown option 'beta'; allowed options: [beta2, epsilon]; got beta = 0.9");
    expect(() => adagradGrafting({ beta2: 0.9 } as never)).toThrow("adagradGrafting: unknown option 'beta2'; allowed options: [epsilon]; got beta2 = 0.9");
    expect(() => sgdGrafting({ epsilon: 1 } as never)).toThrow("sgdGrafting: unknown option 'epsilon'; allowed options: []; got epsilon = 1");
    expect(() => adamGrafting(3 as never)).toThrow('adamGrafting: options = 3 is not allowed');
  });

  it('a diagonal strategy refuses a null accumulator', () => {
    const g = tf.ones([2]);
    expect(() => adamGrafting().accumulate(null, g)).toThrow(/the accumulate state is null/);
    g.dispose();
  });
});
