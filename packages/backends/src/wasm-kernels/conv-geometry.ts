/**
 * The geometry of a 2-D convolution in the form the training kernels loop over:
 * output pixel (oh, ow) with filter tap (fh, fw) reads input pixel
 *   ih = oh * strideHeight - padTop  + fh * dilationHeight
 *   iw = ow * strideWidth  - padLeft + fw * dilationWidth
 * and reads nothing (zero padding) when (ih, iw) falls outside the H x W image.
 * Built from tfjs's own `backend_util.computeConv2DInfo`, so padding ('same', 'valid',
 * explicit, with `dimRoundingMode`) means exactly what it means in the forward op.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The sizes of a 2-D convolution in NHWC: input batch × inHeight × inWidth × inChannels, filter, strides, dilations and padding, and the output outHeight × outWidth × outChannels, with outHeight = ⌊(inHeight + padTop + padBottom − dilationHeight (filterHeight − 1) − 1) / strideHeight⌋ + 1 (and likewise for the width). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Converts tfjs's Conv2DInfo into the loop geometry above. */
export function geometryFromConvInfo(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * The half-open range [lo, hi) of output positions o in [0, outSize) for which
 * o * stride - pad + tap * dilation lies inside [0, inSize): the positions where a
 * filter tap reads real input rather than padding.
 */
export function validOutputRange(
  tap: number,
  stride: number,
  dilation: number,
  pad: number,
  inSize: number,
  outSize: number,
): [number, number] {
  const offset = tap * dilation - pad;
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-offset / stride)));
  const hi = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}
