/**
 * The transpose-free products of the step (kronecker.ts) are the same math as the general
 * contractions, installed roots are exactly symmetric, and a non-root step reads nothing
 * back synchronously.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { adamGrafting } from '@shampoo-ts/grafting';
import { disposeTree } from '@shampoo-ts/core';
import { computeRoots, hostRootExecutor, scaleByShampoo, type RootTask, type ShampooState } from '@shampoo-ts/shampoo';
import { frobeniusNorm, matchGraftingNorm } from '../src/direction-steps.js';
import { contractEveryDim, contractSymmetric, matrixOperator, modeGram, modeGrams, symmetricPart } from '../src/kronecker.js';
import { expectClose, matmul, transpose } from './helpers.js';

const values = (n: number) => fc.array(fc.float({ min: -2, max: 2, noNaN: true }).map(Math.fround), { minLength: n, maxLength: n });
const arbBlock = (maxOrder: number) =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: maxOrder }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      x: values(shape.reduce((p, d) => p * d, 1)),
      mats: fc.tuple(...shape.map((n) => fc.option(values(n * n)))),
    }),
  );

/** A symmetric n x n matrix from any n*n values: (A + A^T) / 2 in float32. */
function symmetric(a: number[], n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = (a[i * n + j] + a[j * n + i]) / 2;
  return out;
}

describe('transpose-free products', () => {
  it('modeGrams equals modeGram dim by dim (shared transpose for matrices)', () => {
    fc.assert(
      fc.property(arbBlock(4), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), ({ shape, x }, flags) => {
        const g = tf.tensor(x, shape);
        const wanted = shape.map((_, d) => flags[d]);
        const grams = modeGrams(g, wanted);
        grams.forEach((m, d) => {
          if (!wanted[d]) return expect(m).toBeNull();
          const want = modeGram(g, d);
          expectClose(m!.dataSync(), want.dataSync(), 1e-6, 1e-6, `gram ${d}`);
          tf.dispose([m!, want]);
        });
        g.dispose();
      }),
    );
  });

  it('contractSymmetric equals contractEveryDim with symmetric operators (orders 1 to 3, null = identity)', () => {
    fc.assert(
      fc.property(arbBlock(3), ({ shape, x, mats }) => {
        const g = tf.tensor(x, shape);
        const xs = mats.map((m, d) => (m ? tf.tensor2d(symmetric(m, shape[d]), [shape[d], shape[d]]) : null));
        const got = contractSymmetric(g, xs);
        const want = contractEveryDim(g, xs.map((t) => (t ? matrixOperator(t) : null)));
        expect(got.shape).toEqual(shape);
        expectClose(got.dataSync(), want.dataSync(), 1e-5, 1e-5, 'contraction');
        tf.dispose([g, got, want, ...(xs.filter(Boolean) as tf.Tensor[])]);
      }),
    );
  });

  it('for a vector, contractSymmetric is g^T X for any X; for a matrix, X_L G X_R', () => {
    const g = tf.tensor1d([1, -2, 3]);
    const x = tf.tensor2d([[1, 2, 0], [0, 1, 4], [5, 0, 1]]); // not symmetric
    // (g^T X)_j = sum_i g_i X_ij
    expect(Array.from(contractSymmetric(g, [x]).dataSync())).toEqual([16, 0, -5]);
    const m = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const l = tf.tensor2d([[2, 1, 0], [1, 3, 1], [0, 1, 1]]);
    const r = tf.tensor2d([[1, 2], [2, -1]]);
    const want = matmul(matmul(l.dataSync(), m.dataSync(), 3, 3, 2), r.dataSync(), 3, 2, 2);
    expect(Array.from(contractSymmetric(m, [l, r]).dataSync())).toEqual(Array.from(want));
    expect(Array.from(contractSymmetric(m, [null, null]).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([g, x, m, l, r]);
  });

  it('symmetricPart is X itself bit for bit for symmetric X, else (X + X^T) / 2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), values(n * n))), ([n, a]) => {
        const s = symmetric(a, n);
        const sym = tf.tensor2d(s, [n, n]);
        const got = symmetricPart(sym);
        expect(Array.from(got.dataSync())).toEqual(Array.from(s));
        const raw = tf.tensor2d(a, [n, n]);
        const half = symmetricPart(raw);
        const t = transpose(a, n, n);
        expectClose(half.dataSync(), a.map((v, k) => (v + t[k]) / 2), 1e-7, 1e-7, 'symmetric part');
        tf.dispose([sym, got, raw, half]);
      }),
    );
  });

  it('frobeniusNorm is sqrt(sum x^2) and matchGraftingNorm gives P the grafting norm', () => {
    fc.assert(
      fc.property(values(12), values(12), (a, b) => {
        const x = tf.tensor2d(a, [3, 4]);
        const y = tf.tensor2d(b, [3, 4]);
        const want = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
        expect(Math.abs(frobeniusNorm(x).dataSync()[0] - want)).toBeLessThanOrEqual(1e-6 * (1 + want));
        const matched = matchGraftingNorm(x, y);
        const normY = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
        const got = Math.sqrt(Array.from(matched.dataSync()).reduce((s, v) => s + v * v, 0));
        if (want > 1e-3) expect(Math.abs(got - normY)).toBeLessThanOrEqual(1e-5 * (1 + normY));
        tf.dispose([x, y, matched]);
      }),
    );
  });
});

describe('installed roots and readbacks', () => {
  it('an asymmetric root from the executor is installed as its symmetric part, and the direction is X_L^T D X_R with it', () => {
    // The executor's roots are made asymmetric on purpose: X' = X + S with S antisymmetric.
    const compute = (tasks: RootTask[]) =>
      computeRoots(tasks).map((o) => {
        if (!o.root) return o;
        const n = Math.round(Math.sqrt(o.root.length));
        const root = Float64Array.from(o.root, (v, k) => v + 0.01 * (Math.floor(k / n) - (k % n)));
        return { ...o, root };
      });
    const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-4, dampingFloor: 0, maxPreconditionerDim: 3, rootExecutor: hostRootExecutor({ compute }) });
    const w = tf.zeros([3, 2]);
    const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    const state = tx.init({ w });
    const [u, next] = tx.update({ w: g }, state, { w });
    const roots = (next as ShampooState).blocks['w#0'].preconditioner.roots as tf.Tensor[];
    const host = compute([
      { key: 'w#0/0', kind: 'inverse-root', n: 3, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.25, epsilon: 1e-4, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, factor: matmul(g.dataSync(), transpose(g.dataSync(), 3, 2), 3, 2, 3) },
    ])[0].root!;
    const l = roots[0].dataSync();
    const lt = transpose(l, 3, 3);
    expect(Array.from(l)).toEqual(Array.from(lt)); // exactly symmetric
    expectClose(l, Array.from(host, (v, k) => (v + transpose(host, 3, 3)[k]) / 2), 1e-6, 1e-6, 'installed root');
    const r = roots[1].dataSync();
    const want = matmul(matmul(lt, g.dataSync(), 3, 3, 2), r, 3, 2, 2);
    expectClose((u as { w: tf.Tensor }).w.dataSync(), want, 1e-5, 1e-6, 'direction');
    disposeTree([u, next, state]);
    tf.dispose([w, g]);
  });

  it('a non-root step reads nothing back synchronously (no dataSync; packed factors, Adam grafting, all dims)', () => {
    const tx = scaleByShampoo({ betas: [0.9, 0.999], preconditionFrequency: 5, maxPreconditionerDim: 4, grafting: adamGrafting(), weightDecay: 1e-3 });
    const params = { w: tf.ones([6, 3]), b: tf.zeros([5]) };
    const grads = { w: tf.tidy(() => tf.sin(tf.range(0, 18).reshape([6, 3]))), b: tf.tensor1d([1, -1, 2, 0.5, 3]) };
    let state = tx.init(params);
    // tensor.dataSync() goes through the engine's readSync (kernels of the cpu backend read
    // their own host memory directly, which is no readback).
    const backend = tf.engine() as unknown as { readSync: (id: unknown) => unknown };
    const original = backend.readSync;
    let reads = 0;
    const steps: number[] = [];
    for (let t = 1; t <= 7; t++) {
      backend.readSync = (id) => {
        reads++;
        return original.call(backend, id);
      };
      const before = reads;
      let out: ReturnType<typeof tx.update>;
      try {
        out = tx.update(grads, state, params);
      } finally {
        backend.readSync = original;
      }
      if (reads > before) steps.push(t);
      disposeTree([out[0], state]);
      state = out[1];
    }
    expect(steps).toEqual([5]); // only the root step (start = frequency = 5) reads the factors
    disposeTree([state, params, grads]);
  });
});
