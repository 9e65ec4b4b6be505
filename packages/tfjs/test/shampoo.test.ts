import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { shampoo } from '@shampoo-ts/shampoo';
import { adamGrafting } from '@shampoo-ts/grafting';
import { TransformOptimizer, registerTransformFactory, registeredTransformFactories, type TransformSpec } from '@shampoo-ts/tfjs';
import { irisModel, irisTensors, memoryHandler, weightValues } from './iris.js';

// How an application registers Shampoo for model.save/load (docs/tfjs-layers.md).
if (!registeredTransformFactories().includes('test-shampoo')) {
  registerTransformFactory('test-shampoo', (c) => shampoo({
    lr: c.lr as number,
    betas: c.betas as [number, number],
    preconditionFrequency: c.preconditionFrequency as number,
    grafting: adamGrafting({ epsilon: 1e-8 }),
  }));
}
const spec: TransformSpec = { factory: 'test-shampoo', config: { lr: 0.02, betas: [0.9, 0.999], preconditionFrequency: 5 } };
const fitOptions = { batchSize: 32, shuffle: false, verbose: 0 } as const;

describe('Shampoo through TransformOptimizer on Iris', () => {
  it('model.fit lowers the loss, and save/load mid-training continues bit for bit', async () => {
    const { x, y } = irisTensors();
    const model = irisModel(new TransformOptimizer(spec));
    const first = await model.fit(x, y, { ...fitOptions, epochs: 12 });
    const losses = first.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);

    const { handler, artifacts } = memoryHandler();
    await model.save(handler, { includeOptimizer: true });
    const names = (artifacts().weightSpecs ?? []).filter((w) => w.group === 'optimizer').map((w) => w.name);
    expect(names.some((n) => n.includes('preconditioner/factors'))).toBe(true);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts()));
    await model.fit(x, y, { ...fitOptions, epochs: 3 });
    await loaded.fit(x, y, { ...fitOptions, epochs: 3 });
    expect(weightValues(loaded)).toEqual(weightValues(model));
    for (const m of [model, loaded]) {
      m.dispose();
      (m.optimizer as TransformOptimizer).dispose();
    }
    tf.dispose([x, y]);
  });
});
