/**
 * Stacking the tensors of a group of blocks into one [B, ...] tensor and back:
 *   stackBlocks([X_0, ..., X_{B-1}])[b] = X_b,   unstackBlocks(S)[b] = S[b].
 * Both are copies (no arithmetic). One block is a reshape (a view) either way; more go
 * through one Pack kernel, and back through one Unpack kernel, except on wasm.
 *
 * Why not Unpack on wasm: tfjs-backend-wasm 4.22's Unpack runs one Slice per output, and
 * each Slice copies its WHOLE input out of the WebAssembly heap (a readSync), so unstacking
 * B blocks copies the stack B times. Measured on this machine (wasm, a [40, 128, 128] stack,
 * median of 15 calls, 3 interleaved rounds): tf.unstack 192-239 ms, one gatherND per block
 * 5-19 ms, tf.stack 0.2-0.5 ms (packages/shampoo/test/batched-engine.test.ts has the
 * equivalence tests). On wasm each block is therefore one gatherND whose [...shape, 1]
 * index tensor gives the block's shape directly (no reshape).
 */
import * as tf from '@tensorflow/tfjs-core';

/** [B, ...shape] from B tensors of one shape. */
export function stackBlocks(xs: readonly tf.Tensor[]): tf.Tensor {
  if (xs.length === 1) return tf.expandDims(xs[0], 0);
  return tf.stack([...xs]);
}

const offsets = new Map<number, Int32Array>();

/** 0, 1, ..., size - 1 (host data, cached per size). */
function range(size: number): Int32Array {
  let r = offsets.get(size);
  if (!r) {
    r = Int32Array.from({ length: size }, (_, k) => k);
    offsets.set(size, r);
  }
  return r;
}

/** Block b of the flattened stack as one gatherND (see the module comment). */
function gatherBlock(flat: tf.Tensor, b: number, shape: readonly number[], size: number): tf.Tensor {
  const base = range(size);
  const idx = new Int32Array(size);
  for (let k = 0; k < size; k++) idx[k] = base[k] + b * size;
  return tf.gatherND(flat, tf.tensor(idx, [...shape, 1], 'int32'));
}

/** The B tensors of a [B, ...shape] stack. */
export function unstackBlocks(x: tf.Tensor): tf.Tensor[] {
  const shape = x.shape.slice(1);
  if (x.shape[0] === 1) return [tf.reshape(x, shape)];
  if (tf.getBackend() !== 'wasm') return tf.unstack(x);
  return tf.tidy(() => {
    const flat = tf.reshape(x, [-1]);
    const size = shape.reduce((p, n) => p * n, 1);
    return Array.from({ length: x.shape[0] }, (_, b) => gatherBlock(flat, b, shape, size));
  });
}

/** stackBlocks of the non-null entries, or null when every entry is null (they all are or none is). */
export function stackOrNull(xs: readonly (tf.Tensor | null)[]): tf.Tensor | null {
  if (xs.every((x) => x === null)) return null;
  return stackBlocks(xs as tf.Tensor[]);
}
