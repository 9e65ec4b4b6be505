/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend: the gradient of a depthwise
 * convolution (channel multiplier M) with respect to its input,
 *   dx[n, ih, iw, c] = sum over (oh, ow, fh, fw) with ih = oh*sh - padTop + fh*dh and
 *                      iw = ow*sw - padLeft + fw*dw  of  sum_q dy[n, oh, ow, c*M + q] * W[fh, fw, c, q].
 * Each output pixel (n, oh, ow) scatters into the input pixels its taps read; sums are
 * accumulated in float64 and rounded once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from './wasm-backend-access.js';
import { type ConvGeometry, geometryFromConvInfo, validOutputRange } from './conv-geometry.js';

/** dx of a depthwise convolution (NHWC dy, filter [Fh, Fw, C, M]) into `dx` (NHWC). */
export function depthwiseInputGradient(dy: Float32Array, filter: Float32Array, g: ConvGeometry, multiplier: number, dx: Float32Array): void {
  const c = g.inChannels;
  const cm = c * multiplier;
  const acc = new Float64Array(dx.length);
  for (let fh = 0; fh < g.filterHeight; fh++) {
    const [ohLo, ohHi] = validOutputRange(fh, g.strideHeight, g.dilationHeight, g.padTop, g.inHeight, g.outHeight);
    for (let fw = 0; fw < g.filterWidth; fw++) {
      const [owLo, owHi] = validOutputRange(fw, g.strideWidth, g.dilationWidth, g.padLeft, g.inWidth, g.outWidth);
      const tap = (fh * g.filterWidth + fw) * cm;
      for (let n = 0; n < g.batch; n++) {
        for (let oh = ohLo; oh < ohHi; oh++) {
          const ih = oh * g.strideHeight - g.padTop + fh * g.dilationHeight;
          for (let ow = owLo; ow < owHi; ow++) {
            const iw = ow * g.strideWidth - g.padLeft + fw * g.dilationWidth;
            const xBase = ((n * g.inHeight + ih) * g.inWidth + iw) * c;
            const dyBase = ((n * g.outHeight + oh) * g.outWidth + ow) * cm;
            for (let ch = 0; ch < c; ch++) {
              const j = ch * multiplier;
              let s = 0;
              for (let q = 0; q < multiplier; q++) s += dy[dyBase + j + q] * filter[tap + j + q];
              acc[xBase + ch] += s;
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

function depthwiseBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const b = asWasmBackend(backend, tf.DepthwiseConv2dNativeBackpropInput);
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new TypeError(`DepthwiseConv2dNativeBackpropInput (wasm): dy is ${dy.dtype} and filter is ${filter.dtype}; allowed: float32`);
  }
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations, pad, dimRoundingMode, true);
  const out = b.makeOutput(inputShape, 'float32');
  depthwiseInputGradient(
    b.typedArrayFromHeap(dy) as Float32Array, b.typedArrayFromHeap(filter) as Float32Array,
    geometryFromConvInfo(info), filterShape[3], b.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/** Kernel config registering the function above for backend 'wasm'. */
export const depthwiseBackpropInputWasm: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
