import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { sgd } from '@shampoo-ts/core';
import {
  TransformOptimizer, assertJson, baseName, buildTransform, registerTransformFactory, registeredTransformFactories, stateKeys,
} from '@shampoo-ts/tfjs';
import { irisModel, irisTensors, memoryHandler } from './iris.js';

function quadratic(name: string) {
  const w = tf.variable(tf.tensor1d([1, -2, 3]), true, name);
  const target = tf.tensor1d([0.5, 0.5, 0.5]);
  return { w, target, loss: () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar };
}

describe('TransformOptimizer as a tf.train.Optimizer', () => {
  it('minimize with sgd equals tf.train.sgd step for step (same update p - lr*g)', () => {
    const a = quadratic('api/sgd-a');
    const b = quadratic('api/sgd-b');
    const ours = new TransformOptimizer({ factory: 'sgd', config: { learningRate: 0.1 } });
    const theirs = tf.train.sgd(0.1);
    for (let i = 0; i < 5; i++) {
      ours.minimize(a.loss, false, [a.w]);
      theirs.minimize(b.loss, false, [b.w]);
      expect(Array.from(a.w.dataSync())).toEqual(Array.from(b.w.dataSync()));
    }
    expect(ours.iterations).toBe(5);
    tf.dispose([a.w, a.target, b.w, b.target]);
    ours.dispose();
  });

  it('runs a bare transform object, but refuses to serialise it, saying how to', () => {
    const q = quadratic('api/bare');
    const opt = new TransformOptimizer(sgd({ learningRate: 0.25 }));
    const cost = opt.minimize(q.loss, true, [q.w]) as tf.Scalar;
    expect(cost.dataSync()[0]).toBeCloseTo(0.5 ** 2 + 2.5 ** 2 + 2.5 ** 2, 5);
    expect(Array.from(q.w.dataSync())).toEqual([1 - 0.25 * 2 * 0.5, -2 + 0.25 * 2 * 2.5, 3 - 0.25 * 2 * 2.5]);
    expect(() => opt.getConfig()).toThrow(/built from a transform object.*factory: 'adamw'/);
    tf.dispose([cost, q.w, q.target]);
    opt.dispose();
  });

  it('rejects bad input, naming it, without changing anything', () => {
    const q = quadratic('api/bad');
    const opt = new TransformOptimizer({ factory: 'adam', config: { learningRate: 0.1 } });
    expect(() => new TransformOptimizer({ factory: 'no-such-factory' })).toThrow(/no transform factory named 'no-such-factory'; registered: .*adamw/);
    expect(() => new TransformOptimizer({ factory: 'adam', config: { learningRate: (() => 1) as never } })).toThrow(/config of 'adam'.learningRate is a function/);
    expect(() => new TransformOptimizer({ factory: 'adam', config: { learningRate: Number.NaN } })).toThrow(/learningRate is NaN/);
    expect(() => new TransformOptimizer({ factory: 'adam', config: { learningRate: { schedule: 'zigzag' } } })).toThrow(/schedule is 'zigzag'; allowed: constant, linear/);
    expect(() => new TransformOptimizer(42 as never)).toThrow(/source is number; allowed: a GradientTransformation/);
    const before = q.w.dataSync().slice();
    expect(() => opt.applyGradients({ 'api/bad': tf.zeros([2]) })).toThrow(/gradient of 'api\/bad' has shape \[2\]; allowed: \[3\]/);
    expect(() => opt.applyGradients({ 'api/none': tf.zeros([3]) })).toThrow(/no variable named 'api\/none'/);
    expect(Array.from(q.w.dataSync())).toEqual(Array.from(before));
    expect(opt.iterations).toBe(0);
    opt.minimize(q.loss, false, [q.w]);
    expect(() => opt.applyGradients({ 'api/bad': tf.ones([3], 'int32') })).toThrow(/gradient at 'api\/bad' has dtype int32; allowed: float32/);
    const disposed = tf.ones([3]);
    disposed.dispose();
    expect(() => opt.applyGradients({ 'api/bad': disposed })).toThrow(/gradient at 'api\/bad' is disposed/);
    expect(opt.iterations).toBe(1);
    // A variable seen for the first time is added to the state; the one without a gradient is not moved.
    const other = tf.variable(tf.zeros([2]), true, 'api/other');
    const w = q.w.dataSync().slice();
    opt.applyGradients({ 'api/other': tf.ones([2]) });
    expect(Array.from(q.w.dataSync())).toEqual(Array.from(w));
    expect(Array.from(other.dataSync()).every((v) => v < 0)).toBe(true);
    tf.dispose([q.w, q.target, other]);
    opt.dispose();
  });

  it('setWeights rejects weights that a TransformOptimizer did not save', async () => {
    const opt = new TransformOptimizer({ factory: 'adam', config: { learningRate: 0.1 } });
    const t = tf.scalar(3, 'int32');
    await expect(opt.setWeights([{ name: 'iter', tensor: t }])).rejects.toThrow(/no 'shampoo-ts\/meta' weight among \[iter\]/);
    t.dispose();
    opt.dispose();
  });

  it('a loaded state that does not fit the variables is reported at the first step, naming the path', async () => {
    const a = quadratic('api/fit-a');
    const first = new TransformOptimizer({ factory: 'adam', config: { learningRate: 0.1 } });
    first.minimize(a.loss, false, [a.w]);
    const weights = await first.getWeights();
    // The variable the state was saved for now has another shape.
    a.w.dispose();
    const b = tf.variable(tf.zeros([4]), true, 'api/fit-a');
    const second = new TransformOptimizer({ factory: 'adam', config: { learningRate: 0.1 } });
    await second.setWeights(weights);
    expect(() => second.applyGradients({ 'api/fit-a': tf.ones([4]) })).toThrow(/api\/fit-a/);
    tf.dispose([a.target, b]);
    first.dispose();
    second.dispose();
  });
});

describe('serialisation of the transform spec', () => {
  it('getConfig/fromConfig round-trip, also through model.json where tfjs-layers camel-cases strings', async () => {
    if (!registeredTransformFactories().includes('test_scaled-sgd')) {
      registerTransformFactory('test_scaled-sgd', (c) => sgd({ learningRate: (c.rate as number) * (c.label === 'a_b-c' ? 1 : 0) }));
    }
    const spec = { factory: 'test_scaled-sgd', config: { rate: 0.05, label: 'a_b-c', eps_root: -1e-8 } };
    const opt = new TransformOptimizer(spec);
    const copy = TransformOptimizer.fromConfig(TransformOptimizer, opt.getConfig()) as TransformOptimizer;
    expect(copy.spec).toEqual(spec);

    const { x, y } = irisTensors();
    const model = irisModel(opt);
    await model.fit(x, y, { epochs: 1, batchSize: 50, shuffle: false, verbose: 0 });
    const { handler, artifacts } = memoryHandler();
    await model.save(handler, { includeOptimizer: true });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts()));
    expect((loaded.optimizer as TransformOptimizer).spec).toEqual(spec);
    for (const m of [model, loaded]) {
      m.dispose();
      (m.optimizer as TransformOptimizer).dispose();
    }
    tf.dispose([x, y]);
    copy.dispose();
  });

  it('buildTransform of a chain spec builds each member', () => {
    const tx = buildTransform({ factory: 'chain', config: { transforms: [{ factory: 'clipByGlobalNorm', config: { maxNorm: 1 } }, { factory: 'sgd', config: { learningRate: 1 } }] } });
    const p = { w: tf.zeros([2]) };
    const s = tx.init(p);
    const [u] = tx.update({ w: tf.tensor1d([3, 4]) }, s, p);
    // clipped to norm 1 then scaled by -1
    expect(Array.from((u as { w: tf.Tensor }).w.dataSync())).toEqual([-0.6000000238418579, -0.800000011920929]);
    expect(() => buildTransform({ factory: 'chain', config: { transforms: 3 } })).toThrow(/config.transforms is 3; allowed: an array/);
    tf.dispose([p.w, u as tf.TensorContainer]);
  });

  it('registerTransformFactory refuses to replace a name unless told to', () => {
    expect(() => registerTransformFactory('adamw', () => sgd({ learningRate: 1 }))).toThrow(/'adamw' is already registered; pass \{ override: true \}/);
    expect(() => registerTransformFactory('', () => sgd({ learningRate: 1 }))).toThrow(/name is ""; allowed: a non-empty string/);
  });

  it('assertJson accepts JSON and names the first non-JSON path', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(() => assertJson('t', v)).not.toThrow();
    }));
    expect(() => assertJson('t', { a: [1, { b: undefined }] })).toThrow(/config.a\[1\].b is a undefined/);
    expect(() => assertJson('t', { m: new Map() })).toThrow(/config.m is an instance of Map/);
  });
});

describe('state keys', () => {
  const nameArb = fc.stringMatching(/^[a-z]{1,4}(\/[a-z]{1,4})?(_[0-9]{1,2})?$/);

  it('are distinct for distinct names and drop only a trailing _<digits>', () => {
    fc.assert(fc.property(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 8 }), (names) => {
      const keys = stateKeys(names);
      expect(new Set(keys.values()).size).toBe(names.length);
      for (const n of names) {
        const k = keys.get(n) as string;
        expect(k === n || k === baseName(n)).toBe(true);
        expect(n.startsWith(k)).toBe(true);
        expect(/^_\d+$/.test(n.slice(k.length)) || k === n).toBe(true);
      }
    }));
  });

  it('map a reloaded tfjs-layers name to the original one', () => {
    expect(stateKeys(['dense_Dense1/kernel_1', 'dense_Dense1/bias_1'])).toEqual(new Map([['dense_Dense1/kernel_1', 'dense_Dense1/kernel'], ['dense_Dense1/bias_1', 'dense_Dense1/bias']]));
    expect(stateKeys(['w', 'w_1'])).toEqual(new Map([['w', 'w'], ['w_1', 'w_1']]));
  });
});
