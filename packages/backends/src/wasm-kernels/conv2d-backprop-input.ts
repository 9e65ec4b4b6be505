/**
 * Conv2DBackpropInput for the wasm backend: the gradient of a 2-D convolution with
 * respect to its input,
 *   dx[n, ih, iw, ci] = sum over taps (fh, fw) and outputs (oh, ow) that read (ih, iw) of
 *                       sum_co W[fh, fw, ci, co] * dy[n, oh, ow, co]
 * computed per chunk of images as one matrix product and a scatter:
 *   cols = W · dy^T   ([K, Cout] x [Cout, Mc], K = Fh Fw Cin),   dx = col2im(cols)
 * with the wasm backend's own BatchMatMul and Transpose. tfjs-backend-wasm 4.22 has this
 * kernel, but as a direct loop about 3x slower than this (docs/backends.md); it is
 * replaced when `registerWasmTrainingKernels()` runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, runWasmKernel } from './wasm-backend-access.js';
import { geometryFromConvInfo } from './conv-geometry.js';
import { imageStridesOf } from './im2col.js';
import { col2imTransposed } from './col2im.js';
import { COLS_BUDGET } from './conv2d-backprop-filter.js';

function conv2DBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const b = asWasmBackend(backend, tf.Conv2DBackpropInput);
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new TypeError(`Conv2DBackpropInput (wasm): dy is ${dy.dtype} and filter is ${filter.dtype}; allowed: float32`);
  }
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format,
  );
  const g = geometryFromConvInfo(info);
  const channelsLast = info.dataFormat === 'channelsLast';
  const cout = info.outChannels;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const pixels = g.outHeight * g.outWidth;
  const dyLast = channelsLast ? dy : runWasmKernel(tf.Transpose, b, { x: dy }, { perm: [0, 2, 3, 1] });
  // The filter [Fh, Fw, Cin, Cout] in row-major order is the [K, Cout] matrix W.
  const w3d = runWasmKernel(tf.Reshape, b, { x: filter }, { shape: [1, k, cout] });
  const out = b.makeOutput(inputShape, 'float32');
  (b.typedArrayFromHeap(out) as Float32Array).fill(0);
  const outStrides = imageStridesOf(g, channelsLast ? 'NHWC' : 'NCHW');
  const imagesPerChunk = Math.max(1, Math.floor(COLS_BUDGET / Math.max(1, k * pixels)));
  for (let n0 = 0; n0 < g.batch && pixels > 0; n0 += imagesPerChunk) {
    const n1 = Math.min(g.batch, n0 + imagesPerChunk);
    const mc = (n1 - n0) * pixels;
    const dyChunk = b.makeOutput([mc, cout], 'float32');
    (b.typedArrayFromHeap(dyChunk) as Float32Array).set((b.typedArrayFromHeap(dyLast) as Float32Array).subarray(n0 * pixels * cout, n1 * pixels * cout));
    const dyT = runWasmKernel(tf.Transpose, b, { x: dyChunk }, { perm: [1, 0] });
    const dyT3d = runWasmKernel(tf.Reshape, b, { x: dyT }, { shape: [1, cout, mc] });
    const cols = runWasmKernel(tf.BatchMatMul, b, { a: w3d, b: dyT3d }, { transposeA: false, transposeB: false });
    col2imTransposed(b.typedArrayFromHeap(cols) as Float32Array, g, n0, n1, b.typedArrayFromHeap(out) as Float32Array, outStrides);
    for (const t of [cols, dyT3d, dyT, dyChunk]) b.disposeData(t.dataId);
  }
  b.disposeData(w3d.dataId);
  if (dyLast !== dy) b.disposeData(dyLast.dataId);
  return out;
}

/** Kernel config registering the function above for backend 'wasm'. */
export const conv2DBackpropInputWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
