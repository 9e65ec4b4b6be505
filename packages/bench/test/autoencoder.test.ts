import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, valueAndGrad } from '@shampoo-ts/core';
import { autoencoder, HINTON_AUTOENCODER_WIDTHS, sigmoidCrossEntropy } from '../src/models/autoencoder.js';
import { initParams, modelLoss, parameterCount, type Params } from '../src/models/model.js';
import { Dataset } from '../src/data/dataset.js';
import { evaluate } from '../src/train/evaluate.js';
import { makeLearner } from '../src/train/optimizers.js';
import { AUTOENCODER_WIDTHS, autoencoderTask, reconstructionSet } from '../src/suites/autoencoder.js';

describe('sigmoidCrossEntropy', () => {
  it('equals -y log s(z) - (1 - y) log(1 - s(z)), averaged over every entry (float64 reference)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.double({ min: -12, max: 12, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 }),
      (pairs) => {
        const s = (z: number) => 1 / (1 + Math.exp(-z));
        const want = pairs.reduce((a, [z, y]) => a - y * Math.log(s(z)) - (1 - y) * Math.log(1 - s(z)), 0) / pairs.length;
        const got = tf.tidy(() => sigmoidCrossEntropy(tf.tensor2d([pairs.map((p) => p[0])]), tf.tensor2d([pairs.map((p) => p[1])])).dataSync()[0]);
        expect(got).toBeCloseTo(want, 4);
      },
    ));
  });

  it('known answer: logits 0 give log 2 for any target', () => {
    expect(tf.tidy(() => sigmoidCrossEntropy(tf.zeros([2, 3]), tf.tensor2d([[0, 1, 0.5], [1, 1, 0]])).dataSync()[0])).toBeCloseTo(Math.LN2, 6);
  });
});

describe('autoencoder model', () => {
  it("the paper's 784-1000-500-250-30 and its mirror: layer shapes and parameter count (known answer)", () => {
    const m = autoencoder();
    expect(Object.keys(m.shapes)).toEqual(['encoder1', 'encoder2', 'encoder3', 'encoder4', 'decoder1', 'decoder2', 'decoder3', 'decoder4']);
    expect(m.shapes.encoder4.kernel).toEqual([250, 30]);
    expect(m.shapes.decoder1.kernel).toEqual([30, 250]);
    expect(m.shapes.decoder4.kernel).toEqual([1000, 784]);
    const w = HINTON_AUTOENCODER_WIDTHS;
    let n = 0;
    for (let i = 0; i + 1 < w.length; i++) n += w[i] * w[i + 1] * 2 + w[i + 1] + w[i];
    expect(parameterCount(m)).toBe(n);
    expect(m.forwardFlopsPerExample).toBe(4 * (784 * 1000 + 1000 * 500 + 500 * 250 + 250 * 30));
    expect(() => autoencoder([784])).toThrow(/encoderWidths = \[784\] is not allowed/);
  });

  it('the code layer is linear and the hidden layers are tanh (a forward pass by hand)', () => {
    const m = autoencoder([2, 3, 1]);
    const p = initParams(m, 7);
    const x = [[0.2, 0.9]];
    const mat = (layer: string) => p[layer].kernel.arraySync() as number[][];
    const bias = (layer: string) => p[layer].bias.arraySync() as number[];
    const dense = (h: number[], layer: string) => mat(layer)[0].map((_, j) => h.reduce((a, v, i) => a + v * mat(layer)[i][j], bias(layer)[j]));
    const h1 = dense(x[0], 'encoder1').map(Math.tanh);
    const code = dense(h1, 'encoder2');
    const h3 = dense(code, 'decoder1').map(Math.tanh);
    const out = dense(h3, 'decoder2');
    const got = tf.tidy(() => m.logits(p, tf.tensor2d(x)).arraySync()[0]);
    out.forEach((v, j) => expect(got[j]).toBeCloseTo(v, 5));
    disposeTree(p as never);
  });

  it('gradients are finite; evaluation reports the per-pixel loss and NaN accuracy; the loss falls over 15 steps', async () => {
    const m = autoencoder([16, 8, 4]);
    const x = Float32Array.from({ length: 32 * 16 }, (_, i) => ((i * 37) % 11) / 10);
    const data = reconstructionSet(new Dataset(x, new Float32Array(32 * 2), [16], 2));
    const batch = data.batch(Int32Array.from({ length: 32 }, (_, i) => i));
    expect(Array.from(batch.y.dataSync())).toEqual(Array.from(batch.x.dataSync()));
    const p = initParams(m, 1);
    const { loss, grads } = valueAndGrad((q: Params) => modelLoss(m, q, batch.x, batch.y), p);
    for (const names of Object.values(grads as Params)) for (const g of Object.values(names)) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    const e = await evaluate(m, p, data);
    expect(e.loss).toBeCloseTo(loss.dataSync()[0], 5);
    expect(e.accuracy).toBeNaN();
    for (const name of ['adamw', 'shampoo', 'muon'] as const) {
      const learner = makeLearner({ name, lr: 0.01, weightDecay: 0, preconditionFrequency: 3, maxPreconditionerDim: 64 }, m, p);
      const first = await learner.step(batch);
      let last = first;
      for (let k = 0; k < 14; k++) last = await learner.step(batch);
      expect(last, name).toBeLessThan(first);
      learner.dispose();
    }
    disposeTree([p, grads, loss, batch.x, batch.y] as never);
  });
});

describe('autoencoder suite task', () => {
  it('the full run evaluates on the whole test split and the quick run on its first 200 digits', () => {
    const full = autoencoderTask(false, {});
    const quick = autoencoderTask(true, {});
    const data = full.data as { test: number; widths: number[] };
    expect(full.test.size).toBe(data.test);
    expect(full.test.size).toBeGreaterThan(quick.test.size);
    expect(quick.test.size).toBe(200);
    expect(data.widths).toEqual([...AUTOENCODER_WIDTHS]);
    expect(() => autoencoderTask(false, { widths: '10,5' })).toThrow(/--widths = "10,5" is not allowed/);
  });
});
