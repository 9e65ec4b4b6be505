/**
 * Symmetric packing of factor matrices on the device: an n x n symmetric matrix is stored
 * as its upper triangle read row by row, n(n+1)/2 numbers (the order of
 * @shampoo-ts/linalg's packSymmetric / unpackSymmetric, which the host side uses).
 *   packed[k] = A[i][j] for i <= j, k running over (0,0), (0,1), ..., (0,n-1), (1,1), ...
 * Both directions are a single gather with an int32 index tensor that is built once per n
 * and kept (these few index tensors are the only tensors this package caches).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of stored entries of a packed n x n symmetric matrix. */
export function packedLength(n: number): number {
  return (n * (n + 1)) / 2;
}

function packIndexArray(n: number): Int32Array {
  const out = new Int32Array(packedLength(n));
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out[k++] = i * n + j;
  return out;
}

function unpackIndexArray(n: number): Int32Array {
  const out = new Int32Array(n * n);
  // Row i of the packed upper triangle starts at i*n - i(i-1)/2 and holds columns i..n-1.
  const rowStart = (i: number) => i * n - (i * (i - 1)) / 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [r, c] = i <= j ? [i, j] : [j, i];
      out[i * n + j] = rowStart(r) + (c - r);
    }
  }
  return out;
}

const cache = new Map<string, tf.Tensor>();

function indexTensor(kind: 'pack' | 'unpack', n: number): tf.Tensor {
  const key = `${kind}:${n}`;
  const hit = cache.get(key);
  if (hit && !hit.isDisposed) return hit;
  const data = kind === 'pack' ? packIndexArray(n) : unpackIndexArray(n);
  const t = tf.keep(tf.tensor1d(data, 'int32'));
  cache.set(key, t);
  return t;
}

/** Upper triangle of a symmetric n x n tensor as a 1-D tensor of n(n+1)/2 entries. */
export function packSymmetricTensor(full: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => tf.gather(tf.reshape(full, [n * n]), indexTensor('pack', n)));
}

/** The n x n symmetric matrix of a packed upper triangle. */
export function unpackSymmetricTensor(packed: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => tf.reshape(tf.gather(packed, indexTensor('unpack', n)), [n, n]));
}
