/**
 * Stacking the tensors of a group of blocks into one [B, ...] tensor and back:
 *   stackBlocks([X_0, ..., X_{B-1}])[b] = X_b,   unstackBlocks(S)[b] = S[b].
 * Both are copies (no arithmetic). One block is a view either way (core's shareTensor: no
 * kernel on cpu, wasm and webgpu); more go through one Pack kernel, and back through one
 * Unpack kernel, except on wasm.
 *
 * Why not Unpack on wasm: tfjs-backend-wasm 4.22's Unpack runs one Slice per output, and
 * each Slice copies its WHOLE input out of the WebAssembly heap (a readSync), so unstacking
 * B blocks copies the stack B times. Measured on this machine (wasm, a [40, 128, 128] stack,
 * median of 15 calls, 3 interleaved rounds): tf.unstack 192-239 ms, one gatherND per block
 * 5-19 ms, tf.stack 0.2-0.5 ms (packages/shampoo/test/batched-engine.test.ts has the
 * equivalence tests). On wasm the stack is therefore read once (the wasm backend's reads
 * are synchronous copies out of its heap, as Slice's are) and each block written back as a
 * new tensor: two copies of the stack in all, and no kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareTensor } from '@shampoo-ts/core/authoring';

/** [B, ...shape] from B tensors of one shape. */
export function stackBlocks(xs: readonly tf.Tensor[]): tf.Tensor {
  if (xs.length === 1) return shareTensor(xs[0], [1, ...xs[0].shape]);
  return tf.stack([...xs]);
}

/** The B tensors of a [B, ...shape] stack. */
export function unstackBlocks(x: tf.Tensor): tf.Tensor[] {
  const shape = x.shape.slice(1);
  if (x.shape[0] === 1) return [shareTensor(x, shape)];
  if (tf.getBackend() !== 'wasm') return tf.unstack(x);
  const data = x.dataSync();
  const size = shape.reduce((p, n) => p * n, 1);
  return Array.from({ length: x.shape[0] }, (_, b) => tf.tensor(data.subarray(b * size, (b + 1) * size) as Float32Array, shape, x.dtype));
}

/** stackBlocks of the non-null entries, or null when every entry is null (they all are or none is). */
export function stackOrNull(xs: readonly (tf.Tensor | null)[]): tf.Tensor | null {
  if (xs.every((x) => x === null)) return null;
  return stackBlocks(xs as tf.Tensor[]);
}
