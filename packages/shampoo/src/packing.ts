/**
 * Symmetric packing of factor matrices on the device: an n x n symmetric matrix is stored
 * as its upper triangle read row by row, n(n+1)/2 numbers (the order of
 * @shampoo-ts/linalg's packSymmetric / unpackSymmetric, which the host side uses).
 *   packed[k] = A[i][j] for i <= j, k running over (0,0), (0,1), ..., (0,n-1), (1,1), ...
 * Both directions are a single gather. The int32 index arrays are built once per n and
 * kept on the host; the index tensor is made per call and disposed with it, so no tensor
 * outlives a step (an upload of n(n+1)/2 int32, small next to the n^2 m products of the
 * factor update).
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

const cache = new Map<string, Int32Array>();

function indexTensor(kind: 'pack' | 'unpack', n: number): tf.Tensor {
  const key = `${kind}:${n}`;
  let data = cache.get(key);
  if (!data) {
    data = kind === 'pack' ? packIndexArray(n) : unpackIndexArray(n);
    cache.set(key, data);
  }
  return tf.tensor1d(data, 'int32');
}

/** Upper triangle of a symmetric n x n tensor as a 1-D tensor of n(n+1)/2 entries. */
export function packSymmetricTensor(full: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => tf.gather(tf.reshape(full, [n * n]), indexTensor('pack', n)));
}

/** The n x n symmetric matrix of a packed upper triangle. */
export function unpackSymmetricTensor(packed: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => tf.reshape(tf.gather(packed, indexTensor('unpack', n)), [n, n]));
}
