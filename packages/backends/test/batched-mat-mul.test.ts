import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { asWasmHeapBackend, broadcastBatchPairs, persistentViewCount, runsSliceBySlice, sweepPersistentViews, useBackend } from '@shampoo-ts/backends';
import { hostFloat, maxRelativeError, runOn, type HostTensor } from './backend-switch.js';

/** float32 sums of at most a few hundred products of values in [-1, 1]. */
const TOLERANCE = 1e-4;

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  await useBackend('wasm');
  await tf.setBackend('cpu');
});

/** Batch shapes that broadcast: B's dims are A's, each possibly 1, possibly with leading dims dropped. */
const batchPairArb = fc.record({
  batch: fc.constantFrom<number[]>([], [1], [2], [5], [2, 3], [3, 1, 2]),
  onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  dropA: fc.nat(3),
  dropB: fc.nat(3),
}).map(({ batch, onesA, onesB, dropA, dropB }) => ({
  batchA: batch.map((d, i) => (onesA[i] ? 1 : d)).slice(Math.min(dropA, batch.length)),
  batchB: batch.map((d, i) => (onesB[i] && !onesA[i] ? 1 : d)).slice(Math.min(dropB, batch.length)),
}));

/** Row-major flat index of `index` (right-aligned against `shape`, dims of 1 read at 0). */
function flatBroadcastIndex(index: number[], shape: number[]): number {
  const offset = index.length - shape.length;
  return shape.reduce((flat, d, i) => flat * d + (d === 1 ? 0 : index[offset + i]), 0);
}

/** Unravels flat index i in `shape` (row-major). */
function unravel(i: number, shape: number[]): number[] {
  const index: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return index;
}

/**
 * float64 reference of C[i] = op(A[ia]) op(B[ib]) with NumPy batch broadcasting, from the
 * definition: C[i][r][c] = sum_j op(A)[r][j] op(B)[j][c].
 */
function referenceMatMul(a: HostTensor, b: HostTensor, transposeA: boolean, transposeB: boolean): Float64Array {
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const [rows, inner] = transposeA ? [a1, a0] : [a0, a1];
  const cols = transposeB ? b0 : b1;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
  const total = outBatch.reduce((p, d) => p * d, 1);
  const out = new Float64Array(total * rows * cols);
  for (let i = 0; i < total; i++) {
    const index = unravel(i, outBatch);
    const ia = flatBroadcastIndex(index, batchA) * a0 * a1;
    const ib = flatBroadcastIndex(index, batchB) * b0 * b1;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let sum = 0;
        for (let j = 0; j < inner; j++) {
          sum += a.values[ia + (transposeA ? j * a1 + r : r * a1 + j)] * b.values[ib + (transposeB ? c * b1 + j : j * b1 + c)];
        }
        out[(i * rows + r) * cols + c] = sum;
      }
    }
  }
  return out;
}

/**
 * Whether tfjs's cpu kernel broadcasts this batch shape right: it reads batch i mod size,
 * which is NumPy's broadcasting only when the shape, after its leading 1s, is a suffix of
 * the output batch shape (it computes [2, 3] x [2, 1] wrongly; so does tfjs-backend-wasm's
 * own kernel).
 */
function cpuBroadcastsRight(batch: number[], outBatch: number[]): boolean {
  const first = batch.findIndex((d) => d !== 1);
  const core = first < 0 ? [] : batch.slice(first);
  return core.every((d, i) => d === outBatch[outBatch.length - core.length + i]);
}

describe('broadcastBatchPairs', () => {
  it('pairs every output batch with the A and B batches that NumPy broadcasting reads', () => {
    fc.assert(fc.property(batchPairArb, ({ batchA, batchB }) => {
      const { outBatch, aIndex, bIndex } = broadcastBatchPairs(batchA, batchB);
      expect(outBatch).toEqual(tf.backend_util.assertAndGetBroadcastShape(batchA, batchB));
      const total = outBatch.reduce((p, d) => p * d, 1);
      expect(aIndex.length).toBe(total);
      for (let i = 0; i < total; i++) {
        const index = unravel(i, outBatch);
        expect(aIndex[i]).toBe(flatBroadcastIndex(index, batchA));
        expect(bIndex[i]).toBe(flatBroadcastIndex(index, batchB));
      }
    }));
  });

  it('refuses batch dims that differ and are not 1, naming both shapes', () => {
    expect(() => broadcastBatchPairs([2, 3], [4])).toThrow('matMul: batch shapes [2, 3] and [4] do not broadcast (dim 1 is 3 against 4); allowed: equal dims or 1');
  });
});

describe('batched BatchMatMul on wasm (slice by slice on XNNPACK)', () => {
  it('equals a float64 reference and the cpu backend over shapes, batch dims, broadcasting both ways and transpose flags, without leaking', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        m: fc.integer({ min: 1, max: 12 }), k: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 12 }),
        batches: batchPairArb, transposeA: fc.boolean(), transposeB: fc.boolean(), seed: fc.integer({ min: 1, max: 2 ** 30 }),
      }),
      async (c) => {
        const { batchA, batchB } = c.batches;
        const aShape = [...batchA, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])];
        const bShape = [...batchB, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])];
        const outBatch = tf.backend_util.assertAndGetBroadcastShape(batchA, batchB);
        const a = hostFloat(aShape, c.seed);
        const b = hostFloat(bShape, c.seed + 1);
        const product = (t: Record<string, tf.Tensor>) => {
          const y = tf.matMul(t.a, t.b, c.transposeA, c.transposeB);
          return [y, tf.tensor1d(y.shape)];
        };
        await tf.setBackend('wasm');
        const before = tf.memory().numTensors;
        const dataIdsBefore = tf.backend().numDataIds();
        await tf.setBackend('cpu');
        const [onWasm, wasmShape] = await runOn('wasm', { a, b }, product);
        expect(Array.from(wasmShape)).toEqual([...outBatch, c.m, c.n]);
        expect(maxRelativeError(onWasm, referenceMatMul(a, b, c.transposeA, c.transposeB))).toBeLessThanOrEqual(TOLERANCE);
        if (cpuBroadcastsRight(batchA, outBatch) && cpuBroadcastsRight(batchB, outBatch)) {
          const [onCpu] = await runOn('cpu', { a, b }, product);
          expect(maxRelativeError(onWasm, onCpu)).toBeLessThanOrEqual(TOLERANCE);
        }
        await tf.setBackend('wasm');
        expect(tf.memory().numTensors).toBe(before);
        expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
        await tf.setBackend('cpu');
      },
    ), { numRuns: 120 });
  });

  it('equals cpu on the stacked products of Shampoo blocks (G G^T, G^T G, X_L^T G X_R) at sizes 64 and 128 x 10', async () => {
    for (const [n, m, batch] of [[64, 64, 3], [128, 10, 5]]) {
      const g = hostFloat([batch, n, m], n + m);
      const xl = hostFloat([batch, n, n], n);
      const xr = hostFloat([batch, m, m], m);
      const products = (t: Record<string, tf.Tensor>) => [
        tf.matMul(t.g, t.g, false, true),
        tf.matMul(t.g, t.g, true, false),
        tf.matMul(tf.matMul(t.xl, t.g, true, false), t.xr),
      ];
      const onWasm = await runOn('wasm', { g, xl, xr }, products);
      const onCpu = await runOn('cpu', { g, xl, xr }, products);
      // Sums of up to 128 (then 10) products of values in [-1, 1]: relative float32 rounding well under 1e-4 of the scale.
      onWasm.forEach((values, i) => expect(maxRelativeError(values, onCpu[i]) / (1 + n)).toBeLessThanOrEqual(TOLERANCE));
    }
  });

  it('broadcasts batch dims as NumPy does where tfjs\'s own kernels read batch i mod size: [2, 3] x [2, 1] and [2, 1] x [2, 3]', async () => {
    for (const [batchA, batchB] of [[[2, 3], [2, 1]], [[2, 1], [2, 3]]]) {
      const a = hostFloat([...batchA, 2, 4], 5);
      const b = hostFloat([...batchB, 4, 3], 6);
      const [onWasm] = await runOn('wasm', { a, b }, (t) => tf.matMul(t.a, t.b));
      expect(maxRelativeError(onWasm, referenceMatMul(a, b, false, false))).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('keeps the views of a stacked B while it lives (reused, also under a reshape to other matrix dims) and releases them once it is disposed', async () => {
    await tf.setBackend('wasm');
    const heap = asWasmHeapBackend(tf.backend(), 'test');
    const host = { a: hostFloat([4, 16, 16], 7), b: hostFloat([4, 16, 16], 8), a2: hostFloat([4, 16, 8], 9) };
    const [a, b, a2] = [host.a, host.b, host.a2].map((h) => tf.tensor(h.values, h.shape));
    sweepPersistentViews(heap);
    const countBefore = persistentViewCount(heap);
    const expected = referenceMatMul(host.a, host.b, false, false);
    for (let call = 0; call < 3; call++) {
      const y = tf.matMul(a, b);
      expect(maxRelativeError(y.dataSync(), expected)).toBeLessThanOrEqual(TOLERANCE);
      y.dispose();
    }
    expect(persistentViewCount(heap)).toBe(countBefore + 1);
    // Same dataId, other matrix dims: [4, 16, 16] read as [4, 8, 32].
    const reshaped = tf.reshape(b, [4, 8, 32]);
    const y2 = tf.matMul(a2, reshaped);
    const expected2 = referenceMatMul(host.a2, { ...host.b, shape: [4, 8, 32] }, false, false);
    expect(maxRelativeError(y2.dataSync(), expected2)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([b, reshaped, y2]);
    // A sweep releases the views of the disposed B; a B transposed inside the kernel gets
    // views for its call only.
    const y3 = tf.matMul(a2, a2, false, true);
    sweepPersistentViews(heap);
    expect(persistentViewCount(heap)).toBe(countBefore);
    tf.dispose([a, a2, y3]);
    await tf.setBackend('cpu');
  });

  it('a stacked B moved to the cpu backend and back (same dataId, new heap offset) is read at its new place', async () => {
    await tf.setBackend('wasm');
    const host = { a: hostFloat([3, 16, 16], 14), b: hostFloat([3, 16, 16], 15) };
    const a = tf.tensor(host.a.values, host.a.shape);
    const b = tf.tensor(host.b.values, host.b.shape);
    const expected = referenceMatMul(host.a, host.b, false, false);
    const first = tf.matMul(a, b);
    expect(maxRelativeError(first.dataSync(), expected)).toBeLessThanOrEqual(TOLERANCE);
    await tf.setBackend('cpu');
    tf.dispose(tf.add(b, 0)); // moves b's data to cpu
    await tf.setBackend('wasm');
    const filler = tf.ones([3, 16, 16]); // may take b's old heap place
    const second = tf.matMul(a, b); // moves b back: new offset, same dataId
    expect(maxRelativeError(second.dataSync(), expected)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([a, b, first, second, filler]);
    await tf.setBackend('cpu');
  });

  it('a 2-D product with B reshaped to other dims under the same data (tfjs-backend-wasm reused the operator built for the first dims)', async () => {
    const a = hostFloat([3, 6], 11);
    const b = hostFloat([6, 6], 12);
    const a2 = hostFloat([2, 4], 13);
    const [first, second] = await runOn('wasm', { a, b, a2 }, (t) => [tf.matMul(t.a, t.b), tf.matMul(t.a2, tf.reshape(t.b, [4, 9]))]);
    expect(maxRelativeError(first, referenceMatMul(a, b, false, false))).toBeLessThanOrEqual(TOLERANCE);
    expect(maxRelativeError(second, referenceMatMul(a2, { ...b, shape: [4, 9] }, false, false))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('the views of disposed operands are swept once the table doubles: 200 products on fresh B keep it under 40', async () => {
    await tf.setBackend('wasm');
    const heap = asWasmHeapBackend(tf.backend(), 'test');
    sweepPersistentViews(heap);
    const a = tf.ones([2, 3, 4]);
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      const b = tf.fill([2, 4, 5], i);
      const y = tf.matMul(a, b);
      expect(y.dataSync()[0]).toBe(4 * i);
      tf.dispose([b, y]);
      largest = Math.max(largest, persistentViewCount(heap));
    }
    tf.dispose(a);
    expect(largest).toBeLessThan(40);
    await tf.setBackend('cpu');
  });

  it('sends batches of tiny products to the backend\'s loop only where its batch i mod size is broadcasting', () => {
    expect(runsSliceBySlice([64, 8, 8], [64, 8, 8], false, true)).toBe(false); // 512 multiply-adds each
    expect(runsSliceBySlice([64, 8, 8], [8, 8])).toBe(false);
    expect(runsSliceBySlice([2, 3, 8, 8], [2, 1, 8, 8])).toBe(true); // the loop would broadcast wrong
    expect(runsSliceBySlice([64, 16, 16], [64, 16, 16])).toBe(true); // 4096
    expect(runsSliceBySlice([8, 8], [8, 8])).toBe(true); // a single product: XNNPACK through a view
    expect(runsSliceBySlice([2, 0, 8], [2, 8, 8])).toBe(false);
  });

  it('refuses mismatched inner dims of a batched product with the message of tfjs\'s kernel', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.zeros([2, 3, 4]);
    const b = tf.zeros([2, 5, 6]);
    expect(() => tf.matMul(a, b)).toThrow('Error in matMul: inner shapes (4) and (5) of Tensors with shapes 2,3,4 and 2,5,6 and transposeA=false and transposeB=false must match.');
    expect(() => tf.matMul(a, b, true, true)).toThrow('inner shapes (3) and (6)');
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
  });
});

