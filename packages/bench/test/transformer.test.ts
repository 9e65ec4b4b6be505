import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, valueAndGrad } from '@shampoo-ts/core';
import { causalMask, gelu, layerNorm, transformer, type TransformerConfig } from '../src/models/transformer.js';
import { initParams, modelLoss, parameterCount, type Params } from '../src/models/model.js';
import { TextSequences } from '../src/data/text-sequences.js';
import { makeLearner, makeTransform } from '../src/train/optimizers.js';

const tiny: TransformerConfig = { vocab: 7, context: 5, layers: 2, dModel: 8, heads: 2, fusedQkv: false };
const text = Uint8Array.from({ length: 200 }, (_, i) => (i * i + 3 * i) % 7);

describe('TextSequences', () => {
  it('targets are the inputs shifted by one, row i T + t the symbol after position t of window i', () => {
    const seq = new TextSequences(text, 5, 7);
    const b = seq.batch([0, 17]);
    expect(b.x.shape).toEqual([2, 5, 7]);
    expect(b.y.shape).toEqual([10, 7]);
    const x = (b.x.argMax(2).arraySync() as number[][]).flat();
    const y = b.y.argMax(1).arraySync() as number[];
    [0, 17].forEach((s, i) => {
      for (let t = 0; t < 5; t++) {
        expect(x[i * 5 + t]).toBe(text[s + t]);
        expect(y[i * 5 + t]).toBe(text[s + t + 1]);
      }
    });
    expect(() => seq.batch([seq.size])).toThrow(/index 195 is outside \[0, 195\)/);
    tf.dispose([b.x, b.y]);
  });
});

describe('transformer pieces: known answers', () => {
  it('layerNorm: zero mean, unit variance per row before gain and bias (float64 reference)', () => {
    const rows = [[1, 2, 3, 4], [-2, 0, 0, 10]];
    const got = tf.tidy(() => layerNorm(tf.tensor2d(rows), tf.tensor1d([1, 2, 1, 1]), tf.tensor1d([0, 0, 1, 0])).arraySync());
    rows.forEach((r, i) => {
      const mu = r.reduce((a, b) => a + b, 0) / 4;
      const v = r.reduce((a, b) => a + (b - mu) ** 2, 0) / 4;
      const want = r.map((x, j) => ((x - mu) / Math.sqrt(v + 1e-5)) * [1, 2, 1, 1][j] + [0, 0, 1, 0][j]);
      want.forEach((w, j) => expect(got[i][j]).toBeCloseTo(w, 4));
    });
  });

  it('gelu matches its tanh formula in float64 and GELU(0) = 0, GELU(x) ~ x for large x', () => {
    fc.assert(fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
      const want = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      const got = tf.tidy(() => gelu(tf.scalar(x)).dataSync()[0]);
      expect(got).toBeCloseTo(want, 5);
    }));
    expect(tf.tidy(() => gelu(tf.scalar(0)).dataSync()[0])).toBe(0);
    expect(tf.tidy(() => gelu(tf.scalar(8)).dataSync()[0])).toBeCloseTo(8, 5);
  });

  it('causalMask is 0 on and below the diagonal and -1e9 above', () => {
    const m = tf.tidy(() => causalMask(3).arraySync());
    expect(m).toEqual([[0, -1e9, -1e9], [0, 0, -1e9], [0, 0, 0]]);
  });
});

describe('transformer model', () => {
  it('parameter count: a known answer, the same for separate Q, K, V and fused QKV', () => {
    const { vocab: V, context: T, dModel: d } = tiny;
    const perBlock = 2 * 2 * d + 4 * d * d + (d * 4 * d + 4 * d) + (4 * d * d + d);
    const expected = V * d + T * d + 2 * perBlock + 2 * d + d * V + V;
    expect(parameterCount(transformer(tiny))).toBe(expected);
    expect(parameterCount(transformer({ ...tiny, fusedQkv: true }))).toBe(expected);
    expect(transformer({ ...tiny, fusedQkv: true }).shapes['block0/attention']).toEqual({ qkv: [8, 24], output: [8, 8] });
    expect(() => transformer({ ...tiny, heads: 3 })).toThrow(/dModel = 8 is not allowed; allowed: a multiple of heads \(3\)/);
    expect(() => transformer({ ...tiny, layers: 0 })).toThrow(/layers = 0 is not allowed/);
  });

  it('logits are [b T, vocab]; gains start at 1; the same seed gives the same network', () => {
    const model = transformer(tiny);
    const p = initParams(model, 3);
    expect(Array.from(p['block1/norm2'].gain.dataSync())).toEqual(new Array(8).fill(1));
    const b = new TextSequences(text, 5, 7).batch([0, 1, 2]);
    const z = tf.tidy(() => model.logits(p, b.x));
    expect(z.shape).toEqual([15, 7]);
    const q = initParams(model, 3);
    const z2 = tf.tidy(() => model.logits(q, b.x));
    expect(Array.from(z2.dataSync())).toEqual(Array.from(z.dataSync()));
    disposeTree([p, q, z, z2, b.x, b.y] as never);
  });

  it('is causal: changing the symbol at position s changes no logits at positions before s (random s, both layouts)', () => {
    const seq = new TextSequences(text, 5, 7);
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 150 }), fc.boolean(), (s, start, fused) => {
      const model = transformer({ ...tiny, fusedQkv: fused });
      const p = initParams(model, 1);
      const b = seq.batch([start]);
      const changed = tf.tidy(() => {
        const x = b.x.arraySync() as number[][][];
        const c = x[0][s].indexOf(1);
        x[0][s] = x[0][s].map((_, j) => (j === (c + 1) % 7 ? 1 : 0));
        return tf.tensor3d(x);
      });
      const [a, c] = tf.tidy(() => [model.logits(p, b.x).arraySync(), model.logits(p, changed).arraySync()]);
      for (let t = 0; t < s; t++) a[t].forEach((v, j) => expect(c[t][j]).toBeCloseTo(v, 5));
      expect(c[s].some((v, j) => Math.abs(v - a[s][j]) > 1e-6)).toBe(true);
      disposeTree([p, b.x, b.y, changed] as never);
    }), { numRuns: 10 });
  });

  it('gradients are finite and reach every parameter', () => {
    const model = transformer(tiny);
    const p = initParams(model, 2);
    const b = new TextSequences(text, 5, 7).batch([0, 9, 33, 70]);
    const { loss, grads } = valueAndGrad((q: Params) => modelLoss(model, q, b.x, b.y), p);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    for (const [layer, names] of Object.entries(grads as Params)) {
      for (const [name, g] of Object.entries(names)) {
        const v = g.dataSync();
        expect(v.every(Number.isFinite), `${layer}/${name}`).toBe(true);
        expect(v.some((x) => x !== 0), `${layer}/${name}`).toBe(true);
      }
    }
    disposeTree([p, grads, loss, b.x, b.y] as never);
  });

  it('the loss falls over 15 steps of AdamW and of Shampoo on a fixed batch, without leaking tensors', async () => {
    const model = transformer(tiny);
    const b = new TextSequences(text, 5, 7).batch(Int32Array.from({ length: 8 }, (_, i) => 3 * i));
    for (const name of ['adamw', 'shampoo'] as const) {
      const p = initParams(model, 4);
      const learner = makeLearner({ name, lr: 0.01, weightDecay: 0, preconditionFrequency: 3, maxPreconditionerDim: 64 }, model, p);
      const first = await learner.step(b);
      await learner.step(b);
      const before = tf.memory().numTensors;
      let last = first;
      for (let k = 0; k < 13; k++) last = await learner.step(b);
      expect(tf.memory().numTensors).toBe(before);
      expect(last).toBeLessThan(first * 0.8);
      learner.dispose();
      disposeTree(p as never);
    }
    tf.dispose([b.x, b.y]);
  });

  it("Muon follows its recipe: embeddings and the read-out get AdamW, the blocks' matrices Newton-Schulz", () => {
    const model = transformer(tiny);
    expect(['embed/token', 'embed/position', 'out/kernel', 'block0/norm1/gain', 'block0/mlpUp/bias'].some((p) => model.hiddenMatrix?.(p))).toBe(false);
    expect(['block0/attention/query', 'block1/attention/output', 'block0/mlpUp/kernel', 'block1/mlpDown/kernel'].every((p) => model.hiddenMatrix?.(p))).toBe(true);
    const p = initParams(model, 5);
    const b = new TextSequences(text, 5, 7).batch([0, 4, 8]);
    const { loss, grads } = valueAndGrad((q: Params) => modelLoss(model, q, b.x, b.y), p);
    const lr = 0.01;
    // AdamW's first step is -lr g / (|g| + eps): every nonzero entry moves by lr. Newton-Schulz's is not elementwise.
    const allLr = (u: tf.Tensor) => Array.from(u.dataSync()).filter((v) => v !== 0).every((v) => Math.abs(Math.abs(v) - lr) < 1e-4 * lr);
    for (const [withModel, embedIsAdam] of [[true, true], [false, false]] as const) {
      const tx = makeTransform({ name: 'muon', lr, weightDecay: 0, preconditionFrequency: 1, maxPreconditionerDim: 64 }, withModel ? model : undefined);
      const state = tx.init(p);
      const [u, next] = tx.update(grads, state, p);
      const up = u as unknown as Params;
      expect(allLr(up.embed.token)).toBe(embedIsAdam);
      expect(allLr(up['block0/attention'].query)).toBe(false);
      disposeTree([u, next, state] as never);
    }
    disposeTree([p, grads, loss, b.x, b.y] as never);
  });
});
