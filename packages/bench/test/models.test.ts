import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { convnet } from '../src/models/convnet.js';
import { mlp } from '../src/models/mlp.js';
import { charMlp } from '../src/models/char-mlp.js';
import { correctCount, crossEntropy, initParams, parameterCount, trainingFlopsPerStep } from '../src/models/model.js';
import { flopBound, shampooFlops, shampooFlopsForShape } from '../src/train/flops.js';
import { Dataset } from '../src/data/dataset.js';
import { evaluate } from '../src/train/evaluate.js';
import { disposeTree } from '@shampoo-ts/core';

describe('crossEntropy', () => {
  it('equals tfjs softmaxCrossEntropy on random logits and one-hot targets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 0, max: 1e6 }),
        (b, c, seed) => {
          const [ours, theirs] = tf.tidy(() => {
            const logits = tf.mul(tf.randomNormal([b, c], 0, 1, 'float32', seed), 5) as tf.Tensor2D;
            const y = tf.oneHot(tf.randomUniform([b], 0, c, 'int32', seed + 1) as tf.Tensor1D, c).toFloat() as tf.Tensor2D;
            return [crossEntropy(logits, y).dataSync()[0], tf.losses.softmaxCrossEntropy(y, logits).dataSync()[0]];
          });
          expect(ours).toBeCloseTo(theirs, 4);
        },
      ),
    );
  });

  it('known answer: uniform logits over c classes give log c', () => {
    const v = tf.tidy(() => crossEntropy(tf.zeros([3, 4]) as tf.Tensor2D, tf.oneHot([0, 1, 3], 4).toFloat() as tf.Tensor2D).dataSync()[0]);
    expect(v).toBeCloseTo(Math.log(4), 6);
  });

  it('correctCount counts arg-max hits', () => {
    const n = tf.tidy(() => correctCount(tf.tensor2d([[1, 2], [3, 0], [0, 5]]), tf.tensor2d([[0, 1], [0, 1], [0, 1]])).dataSync()[0]);
    expect(n).toBe(2);
  });
});

describe('models', () => {
  it('FLOPs and parameter counts: known answers', () => {
    const m = mlp();
    expect(parameterCount(m)).toBe(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10);
    expect(m.forwardFlopsPerExample).toBe(2 * (784 * 512 + 512 * 512 + 512 * 10));
    expect(trainingFlopsPerStep(m, 128)).toBe(6 * 128 * (784 * 512 + 512 * 512 + 512 * 10));
    const c = convnet(16, 32);
    expect(parameterCount(c)).toBe(3 * 3 * 16 + 16 + 3 * 3 * 16 * 32 + 32 + 800 * 10 + 10);
    expect(c.forwardFlopsPerExample).toBe(2 * (26 * 26 * 9 * 16 + 11 * 11 * 9 * 16 * 32 + 800 * 10));
  });

  it('logits have shape [batch, classes] and the same seed gives the same network', () => {
    for (const [model, input] of [
      [convnet(4, 8), [3, 28, 28, 1]],
      [mlp([784, 16, 10]), [3, 28, 28, 1]],
      [charMlp(11, 4, 3, 8), [3, 4, 11]],
    ] as const) {
      const a = initParams(model, 5);
      const b = initParams(model, 5);
      const x = tf.randomUniform([...input]);
      const la = model.logits(a, x);
      const lb = model.logits(b, x);
      expect(la.shape).toEqual([3, model.name === 'char-mlp' ? 11 : 10]);
      expect(Array.from(la.dataSync())).toEqual(Array.from(lb.dataSync()));
      tf.dispose([x, la, lb]);
      disposeTree([a, b]);
    }
  });

  it('He init: kernel std about sqrt(2 / fanIn), biases zero', () => {
    const p = initParams(mlp([784, 512, 10]), 3);
    const w = Array.from(p.dense1.kernel.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 784), 3);
    expect(p.dense1.bias.dataSync().every((v) => v === 0)).toBe(true);
    disposeTree(p);
  });
});

describe('Shampoo FLOPs', () => {
  it('known answers: 4 m n (m + n) per matrix block, 4 n^2 per 1-D block', () => {
    expect(shampooFlopsForShape([784, 512], 1024)).toBe(4 * 784 * 512 * (784 + 512));
    expect(shampooFlopsForShape([512], 1024)).toBe(4 * 512 * 512);
    // [800, 10] with blocks of 256: rows 256, 256, 256, 32
    expect(shampooFlopsForShape([800, 10], 256)).toBe(3 * 4 * 256 * 10 * 266 + 4 * 32 * 10 * 42);
    // [3, 3, 16, 32] merges to [9, 512] at 1024
    expect(shampooFlopsForShape([3, 3, 16, 32], 1024)).toBe(4 * 9 * 512 * (9 + 512));
  });

  it('the bound is 1 + Shampoo / model and falls as the batch grows', () => {
    const m = mlp();
    const b128 = flopBound(m, 128, 1024);
    expect(b128).toBeCloseTo(1 + shampooFlops(m, 1024) / trainingFlopsPerStep(m, 128), 12);
    expect(flopBound(m, 1024, 1024)).toBeLessThan(b128);
    expect(flopBound(m, 128, 256)).toBeLessThan(b128);
  });
});

describe('evaluate', () => {
  it('loss and accuracy over chunks equal the whole-set values', async () => {
    const model = mlp([4, 3]);
    const params = initParams(model, 1);
    const x = Float32Array.from({ length: 7 * 4 }, (_, i) => Math.sin(i));
    const y = new Float32Array(7 * 3);
    for (let i = 0; i < 7; i++) y[i * 3 + (i % 3)] = 1;
    const data = new Dataset(x, y, [4], 3);
    const chunked = await evaluate(model, params, data, 3);
    const whole = tf.tidy(() => {
      const logits = model.logits(params, tf.tensor2d(x, [7, 4]));
      const t = tf.tensor2d(y, [7, 3]);
      return [crossEntropy(logits, t).dataSync()[0], correctCount(logits, t).dataSync()[0] / 7];
    });
    expect(chunked.loss).toBeCloseTo(whole[0], 5);
    expect(chunked.accuracy).toBeCloseTo(whole[1], 10);
    disposeTree(params);
  });
});
