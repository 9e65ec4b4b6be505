/**
 * Conv2DBackpropFilter for the wasm backend: the gradient of a 2-D convolution with
 * respect to its filter,
 *   dW[fh, fw, ci, co] = sum_{n, oh, ow} x[n, ih, iw, ci] * dy[n, oh, ow, co]
 * with (ih, iw) as in conv-geometry.ts (stride, padding; tfjs's kernel has dilation 1).
 *
 * Computed as one matrix product per chunk of images, dW = cols · dy (im2col.ts),
 * using the wasm backend's own BatchMatMul (XNNPACK, SIMD), so it runs at matmul speed.
 * Chunks bound the im2col buffer to about `COLS_BUDGET` floats; their products are
 * summed into the output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, runWasmKernel } from './wasm-backend-access.js';
import { geometryFromConvInfo } from './conv-geometry.js';
import { im2colTransposed, imageStridesOf } from './im2col.js';

/** Largest im2col buffer, in float32 elements, built at once (16 MiB). */
export const COLS_BUDGET = 1 << 22;

function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const b = asWasmBackend(backend, tf.Conv2DBackpropFilter);
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new TypeError(`Conv2DBackpropFilter (wasm): x is ${x.dtype} and dy is ${dy.dtype}; allowed: float32`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const g = geometryFromConvInfo(info);
  const channelsLast = info.dataFormat === 'channelsLast';
  const cout = info.outChannels;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const pixels = g.outHeight * g.outWidth;
  const xStrides = imageStridesOf(g, channelsLast ? 'NHWC' : 'NCHW');
  // dy as [N, Ho, Wo, Cout] so that a chunk of images is a contiguous [Mc, Cout] block.
  const dyLast = channelsLast ? dy : runWasmKernel(tf.Transpose, b, { x: dy }, { perm: [0, 2, 3, 1] });
  // [Fh, Fw, Cin, Cout] in row-major order is the [K, Cout] matrix dW.
  const out = b.makeOutput(info.filterShape, 'float32');
  const imagesPerChunk = Math.max(1, Math.floor(COLS_BUDGET / Math.max(1, k * pixels)));
  let first = true;
  for (let n0 = 0; n0 < g.batch && pixels > 0; n0 += imagesPerChunk) {
    const n1 = Math.min(g.batch, n0 + imagesPerChunk);
    const mc = (n1 - n0) * pixels;
    const cols = b.makeOutput([1, k, mc], 'float32');
    const dyChunk = b.makeOutput([1, mc, cout], 'float32');
    // Views are taken after the allocations above (an allocation may move the heap).
    im2colTransposed(b.typedArrayFromHeap(x) as Float32Array, xStrides, g, n0, n1, b.typedArrayFromHeap(cols) as Float32Array);
    (b.typedArrayFromHeap(dyChunk) as Float32Array).set((b.typedArrayFromHeap(dyLast) as Float32Array).subarray(n0 * pixels * cout, n1 * pixels * cout));
    const product = runWasmKernel(tf.BatchMatMul, b, { a: cols, b: dyChunk }, { transposeA: false, transposeB: false });
    const acc = b.typedArrayFromHeap(out) as Float32Array;
    const part = b.typedArrayFromHeap(product) as Float32Array;
    if (first) acc.set(part);
    else for (let i = 0; i < acc.length; i++) acc[i] += part[i];
    first = false;
    b.disposeData(product.dataId);
    b.disposeData(cols.dataId);
    b.disposeData(dyChunk.dataId);
  }
  if (first) (b.typedArrayFromHeap(out) as Float32Array).fill(0);
  if (dyLast !== dy) b.disposeData(dyLast.dataId);
  return out;
}

/** Kernel config registering the function above for backend 'wasm'. */
export const conv2DBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
