/**
 * UnsortedSegmentSum for the wasm backend (the gradient of tf.gather, so of embeddings):
 *   out[s, j] = sum over rows i with segmentIds[i] = s of x[i, j],   s in [0, numSegments)
 * where `segmentIds` has the shape of x's leading axes (usually one axis) and j runs over
 * the remaining axes. Rows whose id lies outside [0, numSegments) are dropped, as in
 * TensorFlow. Sums are accumulated in float64 and rounded once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from './wasm-backend-access.js';

/** The segment sums above, for `rows` rows of `width` elements, into `out` (numSegments x width). */
export function segmentSum(x: ArrayLike<number>, ids: ArrayLike<number>, width: number, out: Float32Array | Int32Array): void {
  const segments = out.length / Math.max(1, width);
  const acc = new Float64Array(out.length);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= segments) continue;
    const src = i * width;
    const dst = s * width;
    for (let j = 0; j < width; j++) acc[dst + j] += x[src + j];
  }
  out.set(acc);
}

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const b = asWasmBackend(backend, tf.UnsortedSegmentSum);
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new TypeError(`UnsortedSegmentSum (wasm): x is ${x.dtype}; allowed: float32 or int32`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new TypeError(`UnsortedSegmentSum (wasm): segmentIds is ${segmentIds.dtype}; allowed: int32`);
  }
  const lead = segmentIds.shape.length;
  if (!tf.util.arraysEqual(x.shape.slice(0, lead), segmentIds.shape)) {
    throw new RangeError(`UnsortedSegmentSum (wasm): segmentIds has shape [${segmentIds.shape}], x has shape [${x.shape}]; allowed: segmentIds' shape is a prefix of x's`);
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`UnsortedSegmentSum (wasm): numSegments is ${numSegments}; allowed: a non-negative integer`);
  }
  const inner = x.shape.slice(lead);
  const out = b.makeOutput([numSegments, ...inner], x.dtype);
  segmentSum(
    b.typedArrayFromHeap(x), b.typedArrayFromHeap(segmentIds),
    tf.util.sizeFromShape(inner), b.typedArrayFromHeap(out) as Float32Array | Int32Array,
  );
  return out;
}

/** Kernel config registering the function above for backend 'wasm'. */
export const unsortedSegmentSumWasm: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
