/**
 * Symmetric packing of factor matrices on the device: an n x n symmetric matrix is stored
 * as its upper triangle read row by row, n(n+1)/2 numbers (the order of
 * @shampoo-ts/linalg's packSymmetric / unpackSymmetric, which the host side uses).
 *   packed[k] = A[i][j] for i <= j, k running over (0,0), (0,1), ..., (0,n-1), (1,1), ...
 * Both directions are a single gatherND over the flattened source with [k, 1] indices. The
 * int32 index arrays are built once per n and kept on the host (plain arrays, no tensor);
 * the index tensor is made per call and disposed with it, so no tensor outlives a step.
 *
 * Why gatherND and not gather: tfjs-backend-wasm 4.22's GatherV2 reads the indices back
 * (a synchronous readSync) and checks each one in JavaScript with a fresh closure per
 * index, while GatherND runs entirely in WebAssembly. Measured on this machine (wasm,
 * n = 784, 307,720 indices, median CPU time, index upload included): gather 20.6 ms,
 * gatherND 2.2 ms, of which the upload of the index tensor is about 0.05 ms; so caching index
 * tensors would save nothing worth a long-lived tensor
 * (packages/bench/scripts/profile-step.mjs measures the whole step).
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareTensor } from '@shampoo-ts/core/authoring';

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

/**
 * The [k, 1] int32 indices into the flattened source (see the module comment); for a stack
 * of `count` matrices, the indices of each one in turn, offset by its start (b n^2 or b n(n+1)/2).
 */
function indexTensor(kind: 'pack' | 'unpack', n: number, count = 1): tf.Tensor {
  const key = `${kind}:${n}:${count}`;
  let data = cache.get(key);
  if (!data) {
    const one = count === 1 ? null : cache.get(`${kind}:${n}:1`);
    const single = one ?? (kind === 'pack' ? packIndexArray(n) : unpackIndexArray(n));
    if (!one) cache.set(`${kind}:${n}:1`, single);
    const stride = kind === 'pack' ? n * n : packedLength(n);
    data = new Int32Array(single.length * count);
    for (let b = 0; b < count; b++) for (let k = 0; k < single.length; k++) data[b * single.length + k] = single[k] + b * stride;
    cache.set(key, data);
  }
  // A stack's indices as [count, k, 1]: the gather's output is then [count, k] directly.
  return count === 1 ? tf.tensor2d(data, [data.length, 1], 'int32') : tf.tensor3d(data, [count, data.length / count, 1], 'int32');
}

/** Upper triangle of a symmetric n x n tensor as a 1-D tensor of n(n+1)/2 entries. */
export function packSymmetricTensor(full: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => tf.gatherND(shareTensor(full, [n * n]), indexTensor('pack', n)));
}

/** The n x n symmetric matrix of a packed upper triangle. */
export function unpackSymmetricTensor(packed: tf.Tensor, n: number): tf.Tensor {
  return tf.tidy(() => shareTensor(tf.gatherND(shareTensor(packed, [-1]), indexTensor('unpack', n)), [n, n]));
}

/** packSymmetricTensor of every matrix of a [B, n, n] stack: [B, n(n+1)/2], one gatherND. */
export function packSymmetricBatch(full: tf.Tensor, n: number): tf.Tensor {
  const count = full.shape[0];
  if (count === 1) return tf.tidy(() => shareTensor(packSymmetricTensor(full, n), [1, packedLength(n)]));
  return tf.tidy(() => tf.gatherND(shareTensor(full, [-1]), indexTensor('pack', n, count)));
}
