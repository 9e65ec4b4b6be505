/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend. A depthwise convolution with
 * channel multiplier M maps input channel c to output channels c*M + q, q in [0, M), so
 *   dW[fh, fw, c, q] = sum_{n, oh, ow} x[n, ih, iw, c] * dy[n, oh, ow, c*M + q]
 * with (ih, iw) as in conv-geometry.ts (strides, padding and dilations). The work is
 * O(N Ho Wo Fh Fw C M), as small as the forward pass, so a direct loop (accumulating in
 * float64) is used; there is no large matrix product to hand to XNNPACK.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from './wasm-backend-access.js';
import { type ConvGeometry, geometryFromConvInfo, validOutputRange } from './conv-geometry.js';

/** dW of a depthwise convolution (NHWC x and dy, filter [Fh, Fw, C, M]) into `dw`. */
export function depthwiseFilterGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry, multiplier: number, dw: Float32Array): void {
  const c = g.inChannels;
  const cm = c * multiplier;
  const acc = new Float64Array(dw.length);
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
              const xv = x[xBase + ch];
              const j = ch * multiplier;
              for (let q = 0; q < multiplier; q++) acc[tap + j + q] += xv * dy[dyBase + j + q];
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const b = asWasmBackend(backend, tf.DepthwiseConv2dNativeBackpropFilter);
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new TypeError(`DepthwiseConv2dNativeBackpropFilter (wasm): x is ${x.dtype} and dy is ${dy.dtype}; allowed: float32`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
  );
  const out = b.makeOutput(filterShape, 'float32');
  depthwiseFilterGradient(
    b.typedArrayFromHeap(x) as Float32Array, b.typedArrayFromHeap(dy) as Float32Array,
    geometryFromConvInfo(info), filterShape[3], b.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/** Kernel config registering the function above for backend 'wasm'. */
export const depthwiseBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};
