/**
 * The Shampoo family through TransformOptimizer with the built-in factories ('shampoo',
 * 'soap', 'klShampoo', 'muon'): training on Iris, and model.save / tf.loadLayersModel
 * with includeOptimizer after preconditioning started, continuing bit for bit.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TransformOptimizer, buildTransform, type TransformSpec } from '@shampoo-ts/tfjs';
import { irisModel, irisTensors, memoryHandler, weightValues } from './iris.js';

const fitOptions = { batchSize: 32, shuffle: false, verbose: 0 } as const; // 5 steps per epoch

/** Every optimizer weight by name, as plain numbers. */
async function optimizerValues(model: tf.LayersModel): Promise<Record<string, number[]>> {
  const weights = await model.optimizer.getWeights();
  return Object.fromEntries(weights.map((w) => [w.name, Array.from(w.tensor.dataSync())]));
}

/**
 * Trains `epochs` epochs, saves with the optimizer, loads, trains both `more` epochs and
 * returns both models (and the saved artifacts) for comparison.
 */
async function saveLoadContinue(spec: TransformSpec, epochs: number, more: number) {
  const { x, y } = irisTensors();
  const original = irisModel(new TransformOptimizer(spec));
  const first = await original.fit(x, y, { ...fitOptions, epochs });
  const { handler, artifacts } = memoryHandler();
  await original.save(handler, { includeOptimizer: true });
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts()));
  const fresh = irisModel(new TransformOptimizer(spec));
  fresh.setWeights(original.getWeights());
  await original.fit(x, y, { ...fitOptions, epochs: more });
  await loaded.fit(x, y, { ...fitOptions, epochs: more });
  await fresh.fit(x, y, { ...fitOptions, epochs: more });
  const result = {
    losses: first.history.loss as number[],
    artifacts: artifacts(),
    original: weightValues(original),
    loaded: weightValues(loaded),
    fresh: weightValues(fresh),
    originalOptimizer: await optimizerValues(original),
    loadedOptimizer: await optimizerValues(loaded),
    loadedSpec: (loaded.optimizer as TransformOptimizer).spec,
  };
  for (const m of [original, loaded, fresh]) {
    m.dispose();
    (m.optimizer as TransformOptimizer).dispose();
  }
  tf.dispose([x, y]);
  return result;
}

describe("the built-in 'shampoo' factory on Iris", () => {
  it('fit lowers the loss; saved after preconditioning started, loaded and continued: bit for bit', async () => {
    const spec: TransformSpec = { factory: 'shampoo', config: {
      lr: 0.02, betas: [0.9, 0.999], epsilon: 1e-8, preconditionFrequency: 5, startPreconditioningStep: 5,
      grafting: { type: 'adam', epsilon: 1e-8 }, rootExecutor: 'auto',
    } };
    const r = await saveLoadContinue(spec, 12, 3);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(0.5 * r.losses[0]);
    // 60 steps before the save: roots were computed at steps 5, 10, ..., 60, and they were saved.
    const optimizerWeights = (r.artifacts.weightSpecs ?? []).filter((w) => w.group === 'optimizer').map((w) => w.name);
    expect(optimizerWeights.filter((n) => n.includes('preconditioner/roots')).length).toBeGreaterThanOrEqual(4);
    expect(r.loadedSpec).toEqual(spec);
    expect(r.loaded).toEqual(r.original);
    expect(r.loadedOptimizer).toEqual(r.originalOptimizer);
    // Control: the same weights with a fresh optimizer state take another path.
    expect(r.fresh).not.toEqual(r.original);
  });
});

describe("'soap', 'klShampoo', 'muon', and 'shampoo' with an lr schedule", () => {
  const specs: TransformSpec[] = [
    { factory: 'soap', config: { lr: 0.01, preconditionFrequency: 5, startPreconditioningStep: 5 } },
    { factory: 'klShampoo', config: { lr: 0.02, betas: [0.9, 0.999], preconditionFrequency: 5, targetParameterDimensionality: 2, grafting: 'adam' } },
    { factory: 'muon', config: { lr: 0.02, adam: { learningRate: 0.01 } } },
    { factory: 'shampoo', config: {
      lr: { schedule: 'cosineDecay', initValue: 0.03, decaySteps: 100 }, betas: [0.9, 0.999], preconditionFrequency: 4,
      grafting: { type: 'rmsprop', beta2: 0.99 }, maxPreconditionerDim: 'Infinity',
    } },
  ];
  for (const spec of specs) {
    it(`${spec.factory} ${JSON.stringify(spec.config)}: save after 20 steps, load, continue bit for bit`, async () => {
      const r = await saveLoadContinue(spec, 4, 2);
      expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0]);
      expect(r.loaded).toEqual(r.original);
      expect(r.loadedOptimizer).toEqual(r.originalOptimizer);
      expect(r.fresh).not.toEqual(r.original);
    });
  }
});

describe('Shampoo factory configs', () => {
  it("'Infinity' and grafting options take effect: shampoo never preconditioning with Adam grafting is Adam", () => {
    const w = tf.variable(tf.tensor2d([[0.5, -1, 0.2], [2, 0.25, -0.7]]), true, 'factory/w');
    const data = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5], [-2, 1]]);
    const loss = () => tf.sum(tf.square(tf.sub(tf.tanh(tf.matMul(data, w)), 0.3))) as tf.Scalar;
    const run = (spec: TransformSpec) => {
      const start = w.clone();
      const opt = new TransformOptimizer(spec);
      for (let i = 0; i < 6; i++) opt.minimize(loss, false, [w]);
      const out = w.dataSync().slice();
      w.assign(start);
      tf.dispose(start);
      opt.dispose();
      return out;
    };
    const viaShampoo = run({ factory: 'shampoo', config: {
      lr: 0.05, betas: [0.9, 0.999], epsilon: 1e-8, startPreconditioningStep: 'Infinity', grafting: { type: 'adam', epsilon: 1e-8 },
    } });
    const viaAdam = run({ factory: 'adam', config: { learningRate: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8 } });
    const viaAdamBigEps = run({ factory: 'shampoo', config: {
      lr: 0.05, betas: [0.9, 0.999], epsilon: 1e-8, startPreconditioningStep: 'Infinity', grafting: { type: 'adam', epsilon: 1 },
    } });
    viaShampoo.forEach((v, i) => expect(Math.abs(v - viaAdam[i])).toBeLessThan(1e-6));
    expect(Math.max(...viaAdamBigEps.map((v, i) => Math.abs(v - viaAdam[i])))).toBeGreaterThan(1e-2);
    tf.dispose([w, data]);
  });

  it('rejects bad configs, naming the option and what is allowed', () => {
    const build = (factory: string, config: Record<string, unknown>) => () => buildTransform({ factory, config } as TransformSpec);
    expect(build('shampoo', { grafting: 'lion' })).toThrow(`shampoo: grafting is "lion"; allowed: null, 'sgd', 'adagrad', 'rmsprop', 'adam' or { type, ...options }`);
    expect(build('shampoo', { grafting: { type: 'adam', beta1: 0.9 } })).toThrow("shampoo: grafting 'adam': unknown option 'beta1'; allowed options: [beta2, epsilon, useBiasCorrection]");
    expect(build('shampoo', { lrr: 0.1 })).toThrow("scaleByShampoo: unknown option 'lrr'; allowed options: [lr, peakLr");
    expect(build('shampoo', { startPreconditioningStep: 'never' })).toThrow('scaleByShampoo: startPreconditioningStep = "never" is not allowed');
    expect(build('shampoo', { rootExecutor: 'gpu' })).toThrow(`scaleByShampoo: rootExecutor = "gpu" is not allowed; allowed: a RootExecutor`);
    expect(build('shampoo', { lr: { schedule: 'step' } })).toThrow("shampoo: lr.schedule is 'step'; allowed: constant, linear");
    expect(build('soap', { preconditioner: { type: 'root-inverse' } })).toThrow("soap: preconditioner is {\"type\":\"root-inverse\"}; allowed: no preconditioner option");
    expect(build('muon', { momentum: 0.9 })).toThrow("muon: unknown option 'momentum'; allowed options: [lr, beta, nesterov");
    expect(build('muon', { adam: { lr: 0.1 } })).toThrow("muon: adam: unknown option 'lr'; allowed options: [learningRate");
  });
});
