import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { contractEveryDim, eigenOperator, matrixOperator, modeGram } from '../src/kronecker.js';
import { packSymmetricTensor, unpackSymmetricTensor } from '../src/packing.js';

/** Float64 reference of mode-i unfolding products and mode contractions on row-major arrays. */
function strides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}
function indexToCoords(index: number, shape: number[]): number[] {
  const st = strides(shape);
  return shape.map((_, d) => Math.floor(index / st[d]) % shape[d]);
}
function refModeGram(x: number[], shape: number[], dim: number): number[] {
  const n = shape[dim];
  const out = new Array(n * n).fill(0);
  const st = strides(shape);
  for (let a = 0; a < x.length; a++) {
    const ca = indexToCoords(a, shape);
    for (let j = 0; j < n; j++) {
      const b = a + (j - ca[dim]) * st[dim];
      out[ca[dim] * n + j] += x[a] * x[b];
    }
  }
  return out;
}
/** y[i_0..] = sum_j x[.. j at dim ..] M_dim[j][i_dim] for every dim (X_L^T G X_R for matrices). */
function refContract(x: number[], shape: number[], mats: (number[] | null)[]): number[] {
  let cur = x.slice();
  const st = strides(shape);
  shape.forEach((n, d) => {
    const m = mats[d];
    if (!m) return;
    const next = new Array(cur.length).fill(0);
    for (let a = 0; a < cur.length; a++) {
      const ca = indexToCoords(a, shape);
      for (let j = 0; j < n; j++) next[a] += cur[a + (j - ca[d]) * st[d]] * m[j * n + ca[d]];
    }
    cur = next;
  });
  return cur;
}

const arbBlock = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      x: fc.array(fc.float({ min: -3, max: 3, noNaN: true }).map(Math.fround), { minLength: shape.reduce((p, d) => p * d, 1), maxLength: shape.reduce((p, d) => p * d, 1) }),
      mats: fc.tuple(...shape.map((n) => fc.option(fc.array(fc.float({ min: -2, max: 2, noNaN: true }).map(Math.fround), { minLength: n * n, maxLength: n * n })))),
    }),
  );

const close = (got: ArrayLike<number>, want: number[], tol = 1e-4) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
};

describe('Kronecker contractions', () => {
  it('modeGram(G, i) is the contraction of G with itself over every dim but i', () => {
    fc.assert(
      fc.property(arbBlock, ({ shape, x }) => {
        const g = tf.tensor(x, shape);
        shape.forEach((_, d) => {
          const m = modeGram(g, d);
          close(m.dataSync(), refModeGram(x, shape, d));
          m.dispose();
        });
        g.dispose();
      }),
    );
  });

  it('contractEveryDim applies X_d over each dim (null = identity = only rotated)', () => {
    fc.assert(
      fc.property(arbBlock, ({ shape, x, mats }) => {
        const g = tf.tensor(x, shape);
        const ts = mats.map((m, d) => (m ? tf.tensor2d(m, [shape[d], shape[d]]) : null));
        const y = contractEveryDim(g, ts.map((t) => (t ? matrixOperator(t) : null)));
        expect(y.shape).toEqual(shape);
        close(y.dataSync(), refContract(x, shape, mats as (number[] | null)[]));
        const eyes = shape.map((n) => tf.eye(n));
        const withIdentity = contractEveryDim(g, ts.map((t, d) => matrixOperator(t ?? eyes[d])));
        // Identity contractions are exact (up to the sign of zero).
        close(withIdentity.dataSync(), Array.from(y.dataSync()), 0);
        tf.dispose([g, y, withIdentity, ...eyes, ...(ts.filter(Boolean) as tf.Tensor[])]);
      }),
    );
  });

  it('for a matrix, contractEveryDim with (X_L, X_R) is X_L^T G X_R', () => {
    const g = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const l = tf.tensor2d([[2, 1], [0, 3]]);
    const r = tf.tensor2d([[1, 0, 1], [0, 1, 0], [2, 0, 1]]);
    const got = contractEveryDim(g, [matrixOperator(l), matrixOperator(r)]);
    const want = tf.matMul(tf.matMul(l, g, true, false), r);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([g, l, r, got, want]);
  });

  it('eigenOperator(Q, p) equals the operator of Q diag(p) Q^T', () => {
    const q = tf.tensor2d([[0.6, -0.8], [0.8, 0.6]]);
    const p = tf.tensor1d([2, 0.5]);
    const x = tf.tidy(() => tf.matMul(tf.mul(q, p), q, false, true));
    const g = tf.tensor2d([[1, -2], [3, 0.5]]);
    const a = contractEveryDim(g, [eigenOperator(q, p), null]);
    const b = contractEveryDim(g, [matrixOperator(x), null]);
    close(a.dataSync(), Array.from(b.dataSync()), 1e-6);
    tf.dispose([q, p, x, g, a, b]);
  });
});

describe('symmetric packing on the device', () => {
  it('packs the upper triangle row by row and unpacks to the symmetric matrix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer(), (n, seed) => {
        const a = Array.from({ length: n * n }, (_, k) => {
          const i = Math.floor(k / n);
          const j = k % n;
          return Math.fround(Math.cos(seed + Math.min(i, j) * 31 + Math.max(i, j)));
        });
        const full = tf.tensor2d(a, [n, n]);
        const packed = packSymmetricTensor(full, n);
        const want: number[] = [];
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) want.push(a[i * n + j]);
        expect(Array.from(packed.dataSync())).toEqual(want);
        const back = unpackSymmetricTensor(packed, n);
        expect(Array.from(back.dataSync())).toEqual(a);
        tf.dispose([full, packed, back]);
      }),
    );
  });
});
