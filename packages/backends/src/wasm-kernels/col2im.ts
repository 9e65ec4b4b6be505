/**
 * col2im, the adjoint of im2colTransposed (im2col.ts): scatters a [K, Mc] column matrix
 * back onto the images it was read from, adding where patches overlap:
 *   dx[n, ih, iw, ci] += cols[k * Mc + m]   for every (k, m) that im2col filled from (n, ih, iw, ci)
 * with k = (fh * Fw + fw) * Cin + ci and m = ((n - n0) * Ho + oh) * Wo + ow. Padding
 * positions are dropped. `dxStrides` are dx's (n, h, w, c) element strides, as in im2col.
 * Because it is the adjoint, <im2col(x), c> = <x, col2im(c)> for all x and c.
 */
import { type ConvGeometry, validOutputRange } from './conv-geometry.js';
import type { ImageStrides } from './im2col.js';

/** Adds the columns `cols` for images [n0, n1) into `dx` as described above. */
export function col2imTransposed(
  cols: Float32Array,
  g: ConvGeometry,
  n0: number,
  n1: number,
  dx: Float32Array,
  dxStrides: ImageStrides,
): void {
  const [sN, sH, sW, sC] = dxStrides;
  const { outHeight: ho, outWidth: wo } = g;
  const mc = (n1 - n0) * ho * wo;
  for (let fh = 0; fh < g.filterHeight; fh++) {
    const [ohLo, ohHi] = validOutputRange(fh, g.strideHeight, g.dilationHeight, g.padTop, g.inHeight, ho);
    for (let fw = 0; fw < g.filterWidth; fw++) {
      const [owLo, owHi] = validOutputRange(fw, g.strideWidth, g.dilationWidth, g.padLeft, g.inWidth, wo);
      const iwStart = owLo * g.strideWidth - g.padLeft + fw * g.dilationWidth;
      const iwStep = g.strideWidth * sW;
      for (let ci = 0; ci < g.inChannels; ci++) {
        const row = ((fh * g.filterWidth + fw) * g.inChannels + ci) * mc;
        for (let n = n0; n < n1; n++) {
          const imageBase = n * sN + ci * sC;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const ih = oh * g.strideHeight - g.padTop + fh * g.dilationHeight;
            let m = row + ((n - n0) * ho + oh) * wo + owLo;
            let dst = imageBase + ih * sH + iwStart * sW;
            for (let ow = owLo; ow < owHi; ow++) {
              dx[dst] += cols[m++];
              dst += iwStep;
            }
          }
        }
      }
    }
  }
}
