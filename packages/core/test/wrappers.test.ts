/**
 * multiSteps, emaParams/emaOf and lookahead: against the big batch and float64 recursions,
 * through step()/TrainState and checkpoints, on random trees; no leaks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adam,
  chain,
  disposeTree,
  initTrainState,
  loadCheckpoint,
  saveCheckpoint,
  sgd,
  step,
  isOptionError,
  type GradientTransformation,
  type TensorTree,
  type TrainState,
  emaOf,
  emaParams,
  lookahead,
  multiSteps,
} from '@shampoo-ts/core';
import { buildTree, gradsAt, treeSpecArb } from './support/arbitraries.js';
import { stateBytes, toleranceRatio, treeValues } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
const runs = { numRuns: 25 };

/** Micro-batch j of big step n: gradients of the same tree, one per (n, j). */
const micro = (params: TensorTree, seed: number, n: number, j: number) => gradsAt(params, seed, n * 100 + j);

/** The mean of k micro-batch gradients, computed in float64 and rounded once. */
function meanOf(grads: TensorTree[]): TensorTree {
  const vals = grads.map(treeValues);
  return rebuild(grads[0], (path, i) => vals.reduce((a, v) => a + v[path][i], 0) / vals.length);
}

function rebuild(like: TensorTree, value: (path: string, i: number) => number): TensorTree {
  const walk = (node: TensorTree, path: string): TensorTree => {
    if (node instanceof tf.Tensor) {
      const out = new Float32Array(node.size);
      for (let i = 0; i < node.size; i++) out[i] = value(path, i);
      return tf.tensor(out, node.shape, 'float32');
    }
    if (Array.isArray(node)) return node.map((c, i) => walk(c, path === '' ? `${i}` : `${path}/${i}`));
    return Object.fromEntries(Object.entries(node).map(([k, c]) => [k, walk(c as TensorTree, path === '' ? k : `${path}/${k}`)]));
  };
  return walk(like, '');
}

function advance<T extends TrainState<any, any>>(state: T, tx: GradientTransformation<any>, grads: TensorTree): T {
  const next = step(state, grads, tx) as T;
  disposeTree(state);
  return next;
}

describe('multiSteps', () => {
  it('k micro-batches through multiSteps(adam) equal the mean gradient through adam, step by step', () => {
    fc.assert(
      fc.property(treeSpecArb(), seedArb, fc.integer({ min: 1, max: 4 }), (spec, seed, k) =>
        expectNoLeak(() => {
          const params = buildTree(spec, seed);
          const big = () => adam({ learningRate: 0.05 });
          const txMulti = multiSteps(big(), { everySteps: k });
          const txBig = big();
          let a = initTrainState(params, txMulti);
          let b = initTrainState(params, txBig);
          for (let n = 0; n < 4; n++) {
            const gs = Array.from({ length: k }, (_, j) => micro(params, seed, n, j));
            for (let j = 0; j < k; j++) {
              const before = treeValues(a.params);
              a = advance(a, txMulti, gs[j]);
              if (j < k - 1) expect(treeValues(a.params)).toEqual(before); // zeros in between
            }
            const mean = meanOf(gs);
            b = advance(b, txBig, mean);
            expect(toleranceRatio(a.params, b.params, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
            disposeTree([gs, mean]);
          }
          expect(a.count).toBe(4 * k);
          disposeTree([a, b, params]);
        }),
      ),
      runs,
    );
  });

  it('leaves the inner state untouched between inner steps, and resets the sum', () => {
    expectNoLeak(() => {
      const params = { w: tf.tensor([1, 2, 3]) };
      const tx = multiSteps(adam({ learningRate: 0.1 }), { everySteps: 3 });
      const s0 = tx.init(params);
      const g = { w: tf.tensor([0.5, -1, 2]) };
      const [u1, s1] = tx.update(g, s0, params);
      expect(Array.from((u1 as any).w.dataSync())).toEqual([0, 0, 0]);
      expect(s1.miniStep).toBe(1);
      expect(stateBytes(s1.inner)).toEqual(stateBytes(s0.inner));
      const [u2, s2] = tx.update(g, s1, params);
      const [u3, s3] = tx.update(g, s2, params);
      expect(s3.miniStep).toBe(0);
      expect(Array.from(s3.gradSum.w.dataSync())).toEqual([0, 0, 0]);
      expect(stateBytes(s2.inner)).toEqual(stateBytes(s0.inner));
      expect(stateBytes(s3.inner)).not.toEqual(stateBytes(s0.inner)); // one inner step on the third call
      expect(Array.from((u3 as any).w.dataSync()).every((x) => x !== 0)).toBe(true);
      // the inputs are intact
      expect(Array.from(g.w.dataSync())).toEqual([0.5, -1, 2]);
      disposeTree([params, s0, g, u1, s1, u2, s2, u3, s3]);
    });
  });

  it('round-trips through a checkpoint mid-accumulation, bit for bit', () => {
    fc.assert(
      fc.property(treeSpecArb(), seedArb, (spec, seed) =>
        expectNoLeak(() => {
          const tx = () => multiSteps(chain(adam({ learningRate: 0.05 }), emaParams({ decay: 0.9 })), { everySteps: 3 });
          const params = buildTree(spec, seed);
          const run = <T extends TrainState<any, any>>(s: T, t: GradientTransformation<any>, from: number, n: number): T => {
            for (let i = from; i < from + n; i++) {
              const g = gradsAt(params, seed, i);
              s = advance(s, t, g);
              disposeTree(g);
            }
            return s;
          };
          const t1 = tx();
          const straight = run(initTrainState(params, t1), t1, 0, 10);
          const half = run(initTrainState(params, t1), t1, 0, 5); // miniStep 2 of 3
          const ckpt = saveCheckpoint(half);
          disposeTree(half);
          const t2 = tx();
          const resumed = run(loadCheckpoint(ckpt, params, t2), t2, 5, 5);
          expect(stateBytes(resumed)).toEqual(stateBytes(straight));
          disposeTree([straight, resumed, params]);
        }),
      ),
      { numRuns: 10 },
    );
  });

  it('does not leak over many steps', () => {
    const params = { a: tf.randomNormal([3, 2]), b: [tf.randomNormal([4])] };
    const tx = multiSteps(adam({ learningRate: 0.01 }), { everySteps: 4 });
    let s = initTrainState(params, tx);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const g = gradsAt(params, 7, i);
      s = advance(s, tx, g);
      disposeTree(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([s, params]);
  });

  it('rejects bad options and states, naming them', () => {
    const inner = adam({ learningRate: 0.1 });
    for (const bad of [0, 1.5, -1, NaN, Infinity, '2']) {
      let e: unknown;
      try {
        multiSteps(inner, { everySteps: bad as number });
      } catch (err) {
        e = err;
      }
      expect(isOptionError(e)).toBe(true);
      expect((e as Error).message).toMatch(/multiSteps: everySteps = .* is not allowed; allowed: an integer with 1 <= everySteps/);
    }
    expect(() => multiSteps(inner, { everySteps: 2, every: 3 } as never)).toThrow(/multiSteps: unknown option 'every'; allowed options: \[everySteps\]/);
    expect(() => multiSteps(inner, undefined as never)).toThrow(/multiSteps/);
    expect(() => multiSteps({} as never, { everySteps: 2 })).toThrow(/multiSteps: inner/);
    const params = { w: tf.zeros([2]) };
    const g = { w: tf.ones([2]) };
    const tx = multiSteps(inner, { everySteps: 2 });
    const s = tx.init(params);
    expectThrowsNoLeak(() => tx.update(g, { ...s, miniStep: 2 }, params), /miniStep is 2; allowed: an integer in \[0, 1\]/);
    expectThrowsNoLeak(() => tx.update({ v: g.w }, s, params), /multiSteps: the state field 'gradSum'/);
    disposeTree([params, g, s]);
  });
});

describe('emaParams', () => {
  for (const debias of [false, true]) {
    it(`follows the float64 recursion of the parameters after each step (debias ${debias})`, () => {
      fc.assert(
        fc.property(treeSpecArb(), seedArb, fc.double({ min: 0, max: 0.99, noNaN: true }), (spec, seed, d) =>
          expectNoLeak(() => {
            const params = buildTree(spec, seed);
            const tx = chain(sgd({ learningRate: 0.1, momentum: 0.9 }), emaParams({ decay: d, debias }));
            const ref = sgd({ learningRate: 0.1, momentum: 0.9 });
            let s = initTrainState(params, tx);
            let r = initTrainState(params, ref);
            const p0 = treeValues(params);
            const e: Record<string, number[]> = Object.fromEntries(Object.entries(p0).map(([k, v]) => [k, debias ? v.map(() => 0) : v.slice()]));
            let w = debias ? 0 : 1;
            for (let t = 1; t <= 5; t++) {
              const g = gradsAt(params, seed, t);
              s = advance(s, tx, g);
              r = advance(r, ref, g);
              disposeTree(g);
              // the updates pass through: the parameters are those of the plain optimizer
              expect(stateBytes(s.params)).toEqual(stateBytes(r.params));
              const pt = treeValues(s.params);
              for (const [k, v] of Object.entries(pt)) e[k] = e[k].map((x, i) => d * x + (1 - d) * v[i]);
              w = d * w + (1 - d);
              const got = emaOf(s);
              const gotTree = emaOf(s.optState, s.params);
              for (const [k, v] of Object.entries(e)) {
                const vals = Array.from(got[k].dataSync());
                expect(vals.length).toBe(v.length);
                vals.forEach((x, i) => expect(Math.abs(x - v[i] / w)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v[i] / w)));
              }
              expect(treeValues(gotTree)).toEqual(treeValues(got as never));
              disposeTree([got, gotTree]);
            }
            disposeTree([s, r, params]);
          }),
        ),
        runs,
      );
    });
  }

  it('emaOf before a step: the initial parameters, or an error when debiased; no state or two is an error', () => {
    expectNoLeak(() => {
      const params = { w: tf.tensor([1, 2]) };
      const s = initTrainState(params, chain(sgd({ learningRate: 0.1 }), emaParams({ decay: 0.5 })));
      const e = emaOf(s);
      expect(Array.from(e.w.dataSync())).toEqual([1, 2]);
      const sd = initTrainState(params, chain(sgd({ learningRate: 0.1 }), emaParams({ decay: 0.5, debias: true })));
      expectThrowsNoLeak(() => emaOf(sd), /emaOf: the debiased average has no step yet/);
      const plain = initTrainState(params, sgd({ learningRate: 0.1, momentum: 0.9 }));
      expectThrowsNoLeak(() => emaOf(plain), /emaOf: the state holds no emaParams state/);
      expectThrowsNoLeak(() => emaOf([s.optState, sd.optState]), /emaOf: the state holds 2 emaParams states/);
      disposeTree([params, s, sd, e, plain]);
    });
  });

  it('inside multiSteps it advances once per big step, on the parameters after it', () => {
    expectNoLeak(() => {
      const params = { w: tf.tensor([1, -2, 3]) };
      const tx = multiSteps(chain(sgd({ learningRate: 0.5 }), emaParams({ decay: 0.5 })), { everySteps: 3 });
      let s = initTrainState(params, tx);
      for (let i = 0; i < 6; i++) {
        const g = { w: tf.tensor([1, 1, 1]) };
        s = advance(s, tx, g);
        disposeTree(g);
      }
      // two big steps of -0.5: p = [0.5, -2.5, 2.5], then [0, -3, 2]; e = 0.25 p_0 + 0.25 p_1 + 0.5 p_2
      const e = emaOf(s, s.params);
      expect(Array.from((e as any).w.dataSync())).toEqual([0.375, -2.625, 2.375]);
      expect((s.optState.inner[1] as any).count).toBe(2);
      disposeTree([s, e, params]);
    });
  });

  it('rejects bad options and a missing params argument', () => {
    for (const decay of [1, -0.1, NaN, 2]) expect(() => emaParams({ decay })).toThrow(/emaParams: decay = .* is not allowed; allowed: a finite number with 0 <= decay < 1/);
    expect(() => emaParams({ decay: 0.9, debias: 1 as never })).toThrow(/emaParams: debias = 1 is not allowed; allowed: true or false/);
    expect(() => emaParams({ decay: 0.9, bias: true } as never)).toThrow(/unknown option 'bias'/);
    expect(() => emaParams(undefined as never)).toThrow(/emaParams/);
    const params = { w: tf.zeros([2]) };
    const tx = emaParams({ decay: 0.9 });
    const s = tx.init(params);
    expectThrowsNoLeak(() => tx.update(params, s), /emaParams: update needs the parameters/);
    disposeTree([params, s]);
  });
});

describe('lookahead', () => {
  it('follows the float64 recursion of fast and slow weights (inner sgd)', () => {
    fc.assert(
      fc.property(treeSpecArb(), seedArb, fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (spec, seed, k, alpha) =>
        expectNoLeak(() => {
          const lr = 0.1;
          const params = buildTree(spec, seed);
          const tx = lookahead(sgd({ learningRate: lr }), { syncPeriod: k, alpha });
          let s = initTrainState(params, tx);
          const p0 = treeValues(params);
          const fast: Record<string, number[]> = Object.fromEntries(Object.entries(p0).map(([p, v]) => [p, v.slice()]));
          const slow: Record<string, number[]> = Object.fromEntries(Object.entries(p0).map(([p, v]) => [p, v.slice()]));
          for (let t = 1; t <= 8; t++) {
            const g = gradsAt(params, seed, t);
            const gv = treeValues(g);
            s = advance(s, tx, g);
            disposeTree(g);
            for (const p of Object.keys(fast)) {
              fast[p] = fast[p].map((f, i) => f - lr * gv[p][i]);
              if (t % k === 0) {
                slow[p] = slow[p].map((x, i) => x + alpha * (fast[p][i] - x));
                fast[p] = slow[p].slice();
              }
            }
            const got = treeValues(s.params);
            const gotSlow = Object.fromEntries(Object.entries(s.optState.slow).map(([p, x]) => [p, Array.from(x.dataSync())]));
            for (const p of Object.keys(fast)) {
              got[p].forEach((x, i) => expect(Math.abs(x - fast[p][i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(fast[p][i])));
              gotSlow[p].forEach((x, i) => expect(Math.abs(x - slow[p][i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(slow[p][i])));
            }
          }
          expect(s.optState.count).toBe(8);
          disposeTree([s, params]);
        }),
      ),
      runs,
    );
  });

  it('alpha = 1 is the inner optimizer; checkpoints resume bit for bit; no leaks over many steps', () => {
    expectNoLeak(() => {
      const params = { a: tf.randomNormal([3, 2]), b: [tf.randomNormal([4])] };
      const la = lookahead(adam({ learningRate: 0.01 }), { syncPeriod: 3, alpha: 1 });
      const plain = adam({ learningRate: 0.01 });
      let s = initTrainState(params, la);
      let r = initTrainState(params, plain);
      for (let i = 0; i < 9; i++) {
        const g = gradsAt(params, 3, i);
        s = advance(s, la, g);
        r = advance(r, plain, g);
        disposeTree(g);
      }
      expect(toleranceRatio(s.params, r.params, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      const mk = () => lookahead(adam({ learningRate: 0.01 }), { syncPeriod: 3, alpha: 0.5 });
      const run = <T extends TrainState<any, any>>(st: T, t: GradientTransformation<any>, from: number, n: number): T => {
        for (let i = from; i < from + n; i++) {
          const g = gradsAt(params, 5, i);
          st = advance(st, t, g);
          disposeTree(g);
        }
        return st;
      };
      const t1 = mk();
      const straight = run(initTrainState(params, t1), t1, 0, 10);
      const half = run(initTrainState(params, t1), t1, 0, 4);
      const ckpt = saveCheckpoint(half);
      disposeTree(half);
      const t2 = mk();
      const resumed = run(loadCheckpoint(ckpt, params, t2), t2, 4, 6);
      expect(stateBytes(resumed)).toEqual(stateBytes(straight));
      const before = tf.memory().numTensors;
      const many = run(resumed, t2, 10, 60);
      expect(tf.memory().numTensors).toBe(before);
      disposeTree([s, r, straight, many, params]);
    });
  });

  it('rejects bad options and a missing params argument', () => {
    const inner = sgd({ learningRate: 0.1 });
    expect(() => lookahead(inner, { syncPeriod: 0, alpha: 0.5 })).toThrow(/lookahead: syncPeriod = 0 is not allowed; allowed: an integer with 1 <= syncPeriod/);
    expect(() => lookahead(inner, { syncPeriod: 2, alpha: 1.5 })).toThrow(/lookahead: alpha = 1.5 is not allowed; allowed: a finite number with 0 <= alpha <= 1/);
    expect(() => lookahead(inner, { syncPeriod: 2 } as never)).toThrow(/lookahead: alpha = undefined/);
    expect(() => lookahead(inner, { syncPeriod: 2, alpha: 0.5, slow: 1 } as never)).toThrow(/unknown option 'slow'/);
    const params = { w: tf.zeros([2]) };
    const tx = lookahead(inner, { syncPeriod: 2, alpha: 0.5 });
    const s = tx.init(params);
    expectThrowsNoLeak(() => tx.update(params, s), /lookahead: update needs the parameters/);
    disposeTree([params, s]);
  });
});
