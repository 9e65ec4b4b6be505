/**
 * Frozen and added variables: a step that brings gradients for only some variables leaves
 * the others (weights and optimizer state) untouched, as the reference and tfjs's own
 * optimizers do with a missing gradient; variables seen for the first time get a fresh state.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { stateLeavesWithPaths } from '@shampoo-ts/core';
import { TransformOptimizer, type TransformSpec } from '@shampoo-ts/tfjs';
import { irisModel, irisTensors, memoryHandler, weightValues } from './iris.js';

const fitOptions = { batchSize: 32, shuffle: false, verbose: 0 } as const;

/** The optimizer's state leaves whose path mentions `name`, as bytes (bit-level fingerprint). */
function stateOf(opt: TransformOptimizer, name: string): string[] {
  return stateLeavesWithPaths(opt.currentState)
    .filter(([path]) => path.includes(name))
    .map(([path, leaf]) => `${path}:${leaf instanceof tf.Tensor ? Buffer.from(new Uint8Array((leaf.dataSync() as Float32Array).buffer)).toString('hex') : JSON.stringify(leaf)}`);
}

function bytes(values: Float32Array[]): string[] {
  return values.map((v) => Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).toString('hex'));
}

function recompile(model: tf.LayersModel): void {
  model.compile({ optimizer: model.optimizer, loss: 'categoricalCrossentropy' });
}

describe('TransformOptimizer with a changing set of variables', () => {
  const specs: TransformSpec[] = [
    { factory: 'adamw', config: { learningRate: 0.01, weightDecay: 1e-2 } },
    { factory: 'shampoo', config: { lr: 0.01, preconditionFrequency: 2, startPreconditioningStep: 2, weightDecay: 1e-2 } },
  ];
  for (const config of specs) {
    it(`${config.factory}: train, freeze the first layer, train, unfreeze, train: frozen weights and state do not move, then resume`, async () => {
      const { x, y } = irisTensors();
      const opt = new TransformOptimizer(config);
      const model = irisModel(opt);
      await model.fit(x, y, { ...fitOptions, epochs: 2 });
      const first = model.layers[0];
      const frozenNames = first.weights.map((w) => w.originalName);
      const weightsAtFreeze = bytes(first.getWeights().map((w) => w.dataSync() as Float32Array));
      const stateAtFreeze = frozenNames.map((n) => stateOf(opt, n));
      expect(stateAtFreeze.every((s) => s.length > 0)).toBe(true);
      const secondBefore = bytes(weightValues(model).slice(2));

      first.trainable = false;
      recompile(model);
      const before = tf.memory().numTensors;
      await model.fit(x, y, { ...fitOptions, epochs: 2 });
      expect(tf.memory().numTensors).toBe(before);
      expect(bytes(first.getWeights().map((w) => w.dataSync() as Float32Array))).toEqual(weightsAtFreeze);
      expect(frozenNames.map((n) => stateOf(opt, n))).toEqual(stateAtFreeze);
      expect(bytes(weightValues(model).slice(2))).not.toEqual(secondBefore);

      first.trainable = true;
      recompile(model);
      await model.fit(x, y, { ...fitOptions, epochs: 1 });
      expect(bytes(first.getWeights().map((w) => w.dataSync() as Float32Array))).not.toEqual(weightsAtFreeze);
      expect(frozenNames.map((n) => stateOf(opt, n))).not.toEqual(stateAtFreeze);
      expect(opt.iterations).toBe(5 * 5);
      model.dispose();
      opt.dispose();
      tf.dispose([x, y]);
    });
  }

  it('saved while a layer is frozen, loaded, continued (frozen, then unfrozen): bit for bit the uninterrupted run', async () => {
    const { x, y } = irisTensors();
    const original = irisModel(new TransformOptimizer({ factory: 'adamw', config: { learningRate: 0.01, weightDecay: 1e-2 } }));
    await original.fit(x, y, { ...fitOptions, epochs: 2 });
    original.layers[0].trainable = false;
    recompile(original);
    await original.fit(x, y, { ...fitOptions, epochs: 1 });
    const { handler, artifacts } = memoryHandler();
    await original.save(handler, { includeOptimizer: true });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts()));
    expect(loaded.layers[0].trainable).toBe(false);
    for (const m of [original, loaded]) await m.fit(x, y, { ...fitOptions, epochs: 1 });
    expect(bytes(weightValues(loaded))).toEqual(bytes(weightValues(original)));
    for (const m of [original, loaded]) {
      m.layers[0].trainable = true;
      recompile(m);
      await m.fit(x, y, { ...fitOptions, epochs: 2 });
    }
    expect(bytes(weightValues(loaded))).toEqual(bytes(weightValues(original)));
    for (const m of [original, loaded]) {
      m.dispose();
      (m.optimizer as TransformOptimizer).dispose();
    }
    tf.dispose([x, y]);
  });

  it('adam over a changing variable set (added later, frozen, partial steps) equals a float64 Adam that skips missing variables', () => {
    // Loss sum((a - 0.5)^2) + sum(c * b^2): gradients 2 (a - 0.5) and 2 c b.
    const c = [1, -0.5, 2, 0.25];
    const a = tf.variable(tf.tensor1d([1, -2, 3]), true, 'vars/a');
    const b = tf.variable(tf.tensor1d([0.5, -1, 2, 0.25]), true, 'vars/b');
    const loss = (vs: string) => () => tf.tidy(() => {
      const la = tf.sum(tf.square(tf.sub(a, 0.5)));
      const lb = tf.sum(tf.mul(tf.tensor1d(c), tf.square(b)));
      return (vs === 'ab' ? tf.add(la, lb) : vs === 'a' ? la : lb) as tf.Scalar;
    });
    const lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    // The float64 reference: one global count t (as our adam and optax), moments per variable,
    // a variable without a gradient is not touched.
    const ref = {
      a: { p: [1, -2, 3], m: [0, 0, 0], v: [0, 0, 0], grad: (p: number[]) => p.map((x) => 2 * (x - 0.5)) },
      b: { p: [0.5, -1, 2, 0.25], m: [0, 0, 0, 0], v: [0, 0, 0, 0], grad: (p: number[]) => p.map((x, i) => 2 * c[i] * x) },
    };
    const opt = new TransformOptimizer({ factory: 'adam', config: { learningRate: lr, eps } });
    const schedule = ['a', 'a', 'ab', 'ab', 'b', 'b', 'b', 'ab', 'ab', 'a'];
    schedule.forEach((which, k) => {
      const t = k + 1;
      opt.minimize(loss(which), false, which === 'ab' ? [a, b] : which === 'a' ? [a] : [b]);
      for (const name of which.split('') as Array<'a' | 'b'>) {
        const r = ref[name];
        const g = r.grad(r.p);
        r.p = r.p.map((x, i) => {
          r.m[i] = b1 * r.m[i] + (1 - b1) * g[i];
          r.v[i] = b2 * r.v[i] + (1 - b2) * g[i] * g[i];
          return x - (lr * (r.m[i] / (1 - b1 ** t))) / (Math.sqrt(r.v[i] / (1 - b2 ** t)) + eps);
        });
      }
      for (const [name, v] of [['a', a], ['b', b]] as const) {
        const got = v.dataSync();
        ref[name].p.forEach((want, i) => {
          if (!(Math.abs(got[i] - want) <= 1e-5 + 1e-5 * Math.abs(want))) throw new Error(`step ${t} (${which}), ${name}[${i}]: got ${got[i]}, want ${want}`);
        });
      }
    });
    tf.dispose([a, b]);
    opt.dispose();
  });
});
