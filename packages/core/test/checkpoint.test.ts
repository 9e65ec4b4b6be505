import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adagrad,
  adamw,
  applyIfFinite,
  chain,
  clipByGlobalNorm,
  disposeTree,
  identity,
  initTrainState,
  injectHyperparams,
  loadCheckpoint,
  partition,
  rmsprop,
  saveCheckpoint,
  saveCheckpointAsync,
  sgd,
  step,
  warmupCosineDecay,
  type Checkpoint,
  type GradientTransformation,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { buildTree, gradsAt, treeSpecArb } from './support/arbitraries.js';
import { stateBytes } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

function advance(state: TrainState, tx: GradientTransformation<any>, seed: number, from: number, n: number): TrainState {
  let s = state;
  for (let k = from; k < from + n; k++) {
    const g = gradsAt(s.params, seed, k);
    const next = step(s, g, tx);
    disposeTree([s, g]);
    s = next;
  }
  return s;
}

/** A transform whose state has tensors, counts, booleans, names and nesting of every kind. */
function richTransform(): GradientTransformation<any> {
  return chain(
    clipByGlobalNorm(1),
    applyIfFinite(
      partition(
        {
          adam: injectHyperparams(adamw)({
            learningRate: warmupCosineDecay({ initValue: 0, peakValue: 0.05, warmupSteps: 5, decaySteps: 30 }),
            weightDecay: 1e-2,
          }),
          other: rmsprop({ learningRate: 0.01, momentum: 0.9 }),
        },
        (path) => (path.includes('bias') || path.startsWith('b') ? 'other' : 'adam'),
      ),
      { maxConsecutiveErrors: 3 },
    ),
  );
}

const makers: Array<() => GradientTransformation<any>> = [
  richTransform,
  () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  () => adagrad({ learningRate: 0.1 }),
];

describe('checkpoints', () => {
  it('10 steps, save, load, 10 more == 20 straight, bit for bit', () => {
    fc.assert(fc.property(treeSpecArb(), fc.integer({ min: 1, max: 2 ** 30 }), fc.constantFrom(0, 1, 2), fc.boolean(), (spec, seed, which, viaClone) => expectNoLeak(() => {
      const tx = makers[which]();
      const params = buildTree(spec, seed);
      const straight = advance(initTrainState(params, tx), tx, seed, 0, 20);
      const first = advance(initTrainState(params, tx), tx, seed, 0, 10);
      const saved = saveCheckpoint(first);
      disposeTree(first);
      // The checkpoint is plain data: it survives structuredClone (postMessage, IndexedDB).
      const ckpt: Checkpoint = viaClone ? structuredClone(saved) : saved;
      const loaded = loadCheckpoint(ckpt, params, tx);
      expect(loaded.count).toBe(10);
      const resumed = advance(loaded, tx, seed, 10, 10);
      expect(stateBytes(resumed)).toEqual(stateBytes(straight));
      disposeTree([straight, resumed, params]);
    })), { numRuns: 12 });
  });

  it('the checkpoint holds exact typed-array copies, independent of the state', async () => {
    const tx = richTransform();
    const params = { w: tf.tensor([[1, 2], [3, 4]]), bias: tf.tensor([0.5, -0.5]) };
    const s = advance(initTrainState(params, tx), tx, 5, 0, 3);
    const a = saveCheckpoint(s);
    const b = await saveCheckpointAsync(s);
    expect(a).toEqual(b);
    const w = a.entries.find((e) => e.path === 'params/w')!;
    expect(w.dtype).toBe('float32');
    expect(w.shape).toEqual([2, 2]);
    expect(w.data).toBeInstanceOf(Float32Array);
    expect(Buffer.from(w.data.buffer).equals(Buffer.from((s.params as { w: tf.Tensor }).w.dataSync().buffer))).toBe(true);
    expect(a.values.find((v) => v.path === 'count')?.value).toBe(3);
    expect(a.values.find((v) => v.path === 'optState/1/lastFinite')?.value).toBe(true);
    // Changing the checkpoint's arrays does not change the state, and vice versa for loads.
    const before = stateBytes(s);
    (w.data as Float32Array)[0] = 99;
    expect(stateBytes(s)).toEqual(before);
    const loaded = loadCheckpoint(a, s);
    (w.data as Float32Array)[0] = -7;
    expect((loaded.params as { w: tf.Tensor }).w.dataSync()[0]).toBe(99);
    disposeTree([s, loaded, params]);
  });

  describe('a checkpoint that does not match throws, naming the path, and changes nothing', () => {
    const setup = () => {
      const tx = adamw({ learningRate: 0.1 });
      const params = { dense: { kernel: tf.ones([2, 3]), bias: tf.zeros([3]) } };
      const state = advance(initTrainState(params, tx), tx, 1, 0, 2);
      return { tx, params, state, ckpt: saveCheckpoint(state) };
    };

    it('wrong format version', () => {
      const { tx, params, state, ckpt } = setup();
      const before = stateBytes(state);
      expectThrowsNoLeak(() => loadCheckpoint({ ...ckpt, formatVersion: 2 }, state), /formatVersion = 2/, /allowed: 1/);
      expectThrowsNoLeak(() => loadCheckpoint({ ...ckpt, formatVersion: 2 }, params, tx), /formatVersion = 2/);
      expect(stateBytes(state)).toEqual(before);
      disposeTree([params, state]);
    });

    it('a parameter missing from the checkpoint, or an extra one in it', () => {
      const { tx, params, state, ckpt } = setup();
      const more = { dense: { ...params.dense, extra: tf.ones([1]) } };
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, more, tx), /'params\/dense\/extra'/);
      const fewer = { dense: { kernel: params.dense.kernel } };
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, fewer, tx), /'params\/dense\/bias'/, /does not have/);
      disposeTree([params, state, more.dense.extra]);
    });

    it('a shape that differs', () => {
      const { tx, params, state, ckpt } = setup();
      const other = { dense: { kernel: tf.ones([3, 2]), bias: tf.zeros([3]) } };
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, other, tx), /'params\/dense\/kernel'/, /shape \[2,3\]/, /\[3,2\]/);
      disposeTree([params, state, other]);
    });

    it('another transform structure', () => {
      const { params, state, ckpt } = setup();
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, params, sgd({ learningRate: 0.1, momentum: 0.9 })), /'optState\//, /another transform/);
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, params, chain(adamw({ learningRate: 0.1 }), identity())), /'optState/);
      disposeTree([params, state]);
    });

    it('corrupted data: wrong typed array, wrong length, wrong value kind', () => {
      const { params, state, ckpt } = setup();
      const swap = (path: string, data: Checkpoint['entries'][number]['data']): Checkpoint => ({
        ...ckpt,
        entries: ckpt.entries.map((e) => (e.path === path ? { ...e, data } : e)),
      });
      expectThrowsNoLeak(() => loadCheckpoint(swap('params/dense/bias', new Int32Array(3)), state), /'params\/dense\/bias'/, /Float32Array/);
      expectThrowsNoLeak(() => loadCheckpoint(swap('params/dense/bias', new Float32Array(4)), state), /'params\/dense\/bias'/, /4 elements/, /3/);
      const badCount: Checkpoint = { ...ckpt, values: ckpt.values.map((v) => (v.path === 'count' ? { ...v, value: 'ten' } : v)) };
      expectThrowsNoLeak(() => loadCheckpoint(badCount, state), /'count'/, /string/, /number/);
      disposeTree([params, state]);
    });
  });

  describe('a checkpoint whose counters mean nothing throws, naming the path, the value and what is allowed, and loads nothing', () => {
    const setValue = (ckpt: Checkpoint, path: string, value: number): Checkpoint => {
      expect(ckpt.values.some((v) => v.path === path), `the checkpoint has a value at ${path}`).toBe(true);
      return { ...ckpt, values: ckpt.values.map((v) => (v.path === path ? { ...v, value } : v)) };
    };
    const setup = () => {
      const tx = chain(clipByGlobalNorm(1), applyIfFinite(adamw({ learningRate: 0.1 }), { maxConsecutiveErrors: 3 }));
      const params = { dense: { kernel: tf.ones([2, 3]), bias: tf.zeros([3]) } };
      const state = advance(initTrainState(params, tx), tx, 1, 0, 5);
      return { tx, params, state, ckpt: saveCheckpoint(state) };
    };
    const expectRefused = (ckpt: Checkpoint, tx: GradientTransformation<any>, params: TensorTree, state: TrainState, ...patterns: RegExp[]) => {
      const before = stateBytes(state);
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, state), ...patterns);
      expectThrowsNoLeak(() => loadCheckpoint(ckpt, params, tx), ...patterns);
      expect(stateBytes(state)).toEqual(before);
    };

    it('the step count: a non-integer, negative, NaN or infinite count', () => {
      const { tx, params, state, ckpt } = setup();
      for (const [bad, shown] of [[2.5, '2.5'], [-1, '-1'], [NaN, 'NaN'], [Infinity, 'Infinity']] as const) {
        expectRefused(setValue(ckpt, 'count', bad), tx, params, state, new RegExp(`loadCheckpoint: the value at 'count' is ${shown}; allowed: an integer >= 0`));
      }
      disposeTree([params, state]);
    });

    it("an optimizer's step counter that disagrees with the count: more steps than the train state, negative, fractional", () => {
      const { tx, params, state, ckpt } = setup();
      const counter = 'optState/1/inner/scaleByAdam/count';
      expectRefused(setValue(ckpt, counter, 7), tx, params, state, /the value at 'optState\/1\/inner\/scaleByAdam\/count' is 7; allowed: an integer in \[0, 5\] \(a step counter; count = 5/);
      expectRefused(setValue(ckpt, counter, -2), tx, params, state, /scaleByAdam\/count' is -2; allowed: an integer in \[0, 5\]/);
      expectRefused(setValue(ckpt, counter, 1.5), tx, params, state, /scaleByAdam\/count' is 1.5/);
      // A count lowered below an inner counter is as wrong.
      expectRefused(setValue(ckpt, 'count', 3), tx, params, state, /scaleByAdam\/count' is 5; allowed: an integer in \[0, 3\]/);
      disposeTree([params, state]);
    });

    it('negative or fractional failure counters', () => {
      const { tx, params, state, ckpt } = setup();
      expectRefused(setValue(ckpt, 'optState/1/notFiniteCount', -1), tx, params, state, /the value at 'optState\/1\/notFiniteCount' is -1; allowed: an integer in \[0, 5\] \(a failure counter/);
      expectRefused(setValue(ckpt, 'optState/1/totalNotFinite', 0.5), tx, params, state, /'optState\/1\/totalNotFinite' is 0.5/);
      disposeTree([params, state]);
    });

    it('counters that mean something load; hyperparameters named like counters are values, not counters', () => {
      const { tx, params, state, ckpt } = setup();
      // Fewer inner steps than train steps is allowed (applyIfFinite skips, frozen variables).
      const lagging = loadCheckpoint(setValue(ckpt, 'optState/1/inner/scaleByAdam/count', 3), state);
      expect(lagging.count).toBe(5);
      const named = injectHyperparams((o: { step: number }) => sgd({ learningRate: o.step }))({ step: 0.25 });
      const s = advance(initTrainState(params, named), named, 1, 0, 2);
      const loaded = loadCheckpoint(saveCheckpoint(s), params, named);
      expect(stateBytes(loaded)).toEqual(stateBytes(s));
      disposeTree([params, state, lagging, s, loaded]);
    });
  });

  it('rejects a state a checkpoint cannot hold, naming the path', () => {
    const params = { w: tf.ones([2]) };
    const weird = { params, optState: { names: tf.tensor(['a', 'b']) }, count: 0 } as unknown as TrainState;
    expectThrowsNoLeak(() => saveCheckpoint(weird), /'optState\/names'/, /dtype string/);
    disposeTree([params, weird]);
  });
});


