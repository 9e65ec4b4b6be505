import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TransformOptimizer, type TransformSpec } from '@shampoo-ts/tfjs';
import { irisModel, irisTensors, memoryHandler, weightValues } from './iris.js';

const fitOptions = { batchSize: 32, shuffle: false, verbose: 0 } as const;

describe('TransformOptimizer with a tfjs-layers model on Iris', () => {
  it('model.fit lowers the loss (adamw, and a chain of clipping and adam with a schedule)', async () => {
    const { x, y } = irisTensors();
    const specs: TransformSpec[] = [
      { factory: 'adamw', config: { learningRate: 0.02, weightDecay: 1e-4 } },
      { factory: 'chain', config: { transforms: [
        { factory: 'clipByGlobalNorm', config: { maxNorm: 1 } },
        { factory: 'adam', config: { learningRate: { schedule: 'cosineDecay', initValue: 0.03, decaySteps: 200 } } },
      ] } },
    ];
    for (const spec of specs) {
      const model = irisModel(new TransformOptimizer(spec));
      const history = await model.fit(x, y, { ...fitOptions, epochs: 30 });
      const losses = history.history.loss as number[];
      expect(losses[losses.length - 1]).toBeLessThan(0.4 * losses[0]);
      const accuracy = tf.tidy(() => tf.mean(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1))).dataSync()[0]);
      expect(accuracy).toBeGreaterThan(0.9);
      model.dispose();
      (model.optimizer as TransformOptimizer).dispose();
    }
    tf.dispose([x, y]);
  });

  it('no tensor leaks across fit epochs', async () => {
    const { x, y } = irisTensors();
    const optimizer = new TransformOptimizer({ factory: 'adamw', config: { learningRate: 0.01 } });
    const model = irisModel(optimizer);
    const counts: number[] = [];
    await model.fit(x, y, { ...fitOptions, epochs: 6, callbacks: { onEpochEnd: async () => { counts.push(tf.memory().numTensors); } } });
    // The state is created in the first epoch; from then on the count must not move.
    expect(counts.slice(1)).toEqual(counts.slice(1).map(() => counts[1]));
    const before = tf.memory().numTensors;
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
    // model (4 weights), optimizer state and x, y are all released.
    expect(tf.memory().numTensors).toBeLessThan(before - 6);
  });

  it('save with includeOptimizer, load, continue: bit for bit the uninterrupted run', async () => {
    const { x, y } = irisTensors();
    const spec = { factory: 'adamw', config: { learningRate: 0.01, weightDecay: 1e-3 } };
    const original = irisModel(new TransformOptimizer(spec));
    await original.fit(x, y, { ...fitOptions, epochs: 3 });
    const { handler, artifacts } = memoryHandler();
    const tensorsBeforeSave = tf.memory().numTensors;
    await original.save(handler, { includeOptimizer: true });
    expect(tf.memory().numTensors).toBe(tensorsBeforeSave + 2); // 'iter' and meta, held until the next getWeights
    expect((artifacts().trainingConfig?.optimizer_config as { class_name?: string }).class_name).toBe('TransformOptimizer');

    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts()));
    expect(loaded.optimizer).toBeInstanceOf(TransformOptimizer);
    expect((loaded.optimizer as TransformOptimizer).spec).toEqual(spec);
    expect(loaded.optimizer.iterations).toBe(original.optimizer.iterations);
    // The reloaded variables are named 'dense_Dense1/kernel_1' etc. in this process.
    expect(loaded.trainableWeights.map((w) => (w.read() as tf.Variable).name)).not.toEqual(original.trainableWeights.map((w) => (w.read() as tf.Variable).name));

    // Control: the same weights with a fresh optimizer state take a different path.
    const fresh = irisModel(new TransformOptimizer(spec));
    fresh.setWeights(original.getWeights());

    await original.fit(x, y, { ...fitOptions, epochs: 3 });
    await loaded.fit(x, y, { ...fitOptions, epochs: 3 });
    await fresh.fit(x, y, { ...fitOptions, epochs: 3 });
    expect(weightValues(loaded)).toEqual(weightValues(original));
    expect(weightValues(fresh)).not.toEqual(weightValues(original));
    fresh.dispose();
    (fresh.optimizer as TransformOptimizer).dispose();
    const a = await original.optimizer.getWeights();
    const b = await loaded.optimizer.getWeights();
    const valuesByName = (ws: Array<{ name: string; tensor: tf.Tensor }>) => Object.fromEntries(ws.map((w) => [w.name, Array.from(w.tensor.dataSync())]));
    expect(valuesByName(b)).toEqual(valuesByName(a));
    for (const m of [original, loaded]) {
      m.dispose();
      (m.optimizer as TransformOptimizer).dispose();
    }
    tf.dispose([x, y]);
  });

  it('getWeights/setWeights restore a state in any weight order and any variable order', () => {
    const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, 'order/w');
    const b = tf.variable(tf.tensor1d([0.1, -0.3]), true, 'order/b');
    const data = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5]]);
    const loss = () => tf.sum(tf.square(tf.add(tf.matMul(data, w), b))) as tf.Scalar;
    const spec = { factory: 'adam', config: { learningRate: 0.05 } };
    return (async () => {
      const first = new TransformOptimizer(spec);
      for (let i = 0; i < 3; i++) first.minimize(loss, false, [w, b]);
      const saved = (await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
      const snapshot: [tf.Tensor2D, tf.Tensor1D] = [w.clone(), b.clone()];
      for (let i = 0; i < 3; i++) first.minimize(loss, false, [w, b]);
      const uninterrupted = [w.dataSync().slice(), b.dataSync().slice()];

      w.assign(snapshot[0]);
      b.assign(snapshot[1]);
      const second = new TransformOptimizer(spec);
      await second.setWeights([...saved].reverse());
      // Before its first step the loaded state is exported unchanged.
      const values = (ws: Array<{ name: string; tensor: tf.Tensor }>) => Object.fromEntries(ws.map((x) => [x.name, Array.from(x.tensor.dataSync())]));
      expect(values(await second.getWeights())).toEqual(values(saved));
      for (let i = 0; i < 3; i++) second.minimize(loss, false, [b, w]);
      expect([w.dataSync().slice(), b.dataSync().slice()]).toEqual(uninterrupted);
      expect(second.iterations).toBe(6);

      tf.dispose([...snapshot, ...saved.map((s) => s.tensor), data, w, b]);
      first.dispose();
      second.dispose();
    })();
  });
});
