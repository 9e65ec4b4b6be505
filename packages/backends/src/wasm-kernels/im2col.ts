/**
 * im2col in transposed ("column-major patch") layout, the data movement that turns a
 * convolution's filter gradient into one matrix product.
 *
 * For images n in [n0, n1) and output pixels (oh, ow), with m = ((n - n0) * Ho + oh) * Wo + ow
 * and k = (fh * Fw + fw) * Cin + ci (the row-major order of a [Fh, Fw, Cin] filter slice),
 *   cols[k * Mc + m] = x[n, ih, iw, ci]   (0 where (ih, iw) is padding; see conv-geometry.ts)
 * so that   dW[k, co] = sum_m cols[k, m] * dy[m, co],   i.e.  dW = cols · dy,
 * a [K, Mc] x [Mc, Cout] product with no transposed operand (the wasm backend's matmul is
 * about 12x slower with a transposed operand, measured in docs/backends.md).
 *
 * `xStrides` are the element strides of x's (n, h, w, c) axes, so the same routine reads
 * NHWC and NCHW images (imageStridesOf) without a transpose.
 */
import { type ConvGeometry, validOutputRange } from './conv-geometry.js';

/** Element strides of an image tensor's (batch, row, column, channel) axes. */
export type ImageStrides = readonly [number, number, number, number];

/**
 * Strides of an image of logical size N x H x W x C stored NHWC or NCHW. (Reading an
 * NHWC image channel-major after a wasm Transpose was tried: no measurable gain, 11.8 ms
 * against 12.1 ms for the 32x28x28x16, 3x3 case.)
 */
export function imageStridesOf(g: ConvGeometry, layout: 'NHWC' | 'NCHW'): ImageStrides {
  const { inHeight: h, inWidth: w, inChannels: c } = g;
  return layout === 'NHWC' ? [h * w * c, w * c, c, 1] : [c * h * w, w, 1, h * w];
}

/** Fills `cols` (length Fh*Fw*Cin * (n1-n0)*Ho*Wo) as described above. */
export function im2colTransposed(
  x: Float32Array,
  xStrides: ImageStrides,
  g: ConvGeometry,
  n0: number,
  n1: number,
  cols: Float32Array,
): void {
  const [sN, sH, sW, sC] = xStrides;
  const { outHeight: ho, outWidth: wo } = g;
  const mc = (n1 - n0) * ho * wo;
  for (let fh = 0; fh < g.filterHeight; fh++) {
    const [ohLo, ohHi] = validOutputRange(fh, g.strideHeight, g.dilationHeight, g.padTop, g.inHeight, ho);
    for (let fw = 0; fw < g.filterWidth; fw++) {
      const [owLo, owHi] = validOutputRange(fw, g.strideWidth, g.dilationWidth, g.padLeft, g.inWidth, wo);
      const iwStart = owLo * g.strideWidth - g.padLeft + fw * g.dilationWidth;
      const iwStep = g.strideWidth * sW;
      for (let ci = 0; ci < g.inChannels; ci++) {
        let m = ((fh * g.filterWidth + fw) * g.inChannels + ci) * mc;
        for (let n = n0; n < n1; n++) {
          const imageBase = n * sN + ci * sC;
          for (let oh = 0; oh < ho; oh++) {
            if (oh < ohLo || oh >= ohHi) {
              cols.fill(0, m, m + wo);
              m += wo;
              continue;
            }
            const ih = oh * g.strideHeight - g.padTop + fh * g.dilationHeight;
            cols.fill(0, m, m + owLo);
            m += owLo;
            let src = imageBase + ih * sH + iwStart * sW;
            if (iwStep === 1) {
              // Unit step along the row (stride 1 on NCHW): a straight copy.
              for (let ow = owLo; ow < owHi; ow++) cols[m++] = x[src++];
            } else {
              for (let ow = owLo; ow < owHi; ow++) {
                cols[m++] = x[src];
                src += iwStep;
              }
            }
            cols.fill(0, m, m + (wo - owHi));
            m += wo - owHi;
          }
        }
      }
    }
  }
}
