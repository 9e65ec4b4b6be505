import type * as tf from '@tensorflow/tfjs-core';

/** Throws unless `t` is a float32 rank-2 tensor (square if asked); shape checks only, no readback. */
export function checkTensorMatrix(fn: string, name: string, t: tf.Tensor, square: boolean): void {
  if (t === null || typeof t !== 'object' || !Array.isArray((t as tf.Tensor).shape)) {
    throw new Error(`${fn}: ${name} must be a tf.Tensor2D, got ${String(t)}`);
  }
  if (t.isDisposed) throw new Error(`${fn}: ${name} is disposed`);
  if (t.rank !== 2) throw new Error(`${fn}: ${name} must be rank 2, got shape [${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32') throw new Error(`${fn}: ${name} must be float32, got ${t.dtype}`);
  if (square && t.shape[0] !== t.shape[1]) {
    throw new Error(`${fn}: ${name} must be square, got shape [${t.shape.join(', ')}]`);
  }
}
