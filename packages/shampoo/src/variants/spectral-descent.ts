/**
 * Spectral descent (Muon's update): the 2-D block D is replaced by its orthogonalization
 * O, times scaleByDims(dIn = cols, dOut = rows) (1 by default). No statistics, no root steps.
 *   'newton-schulz' (default): @shampoo-ts/linalg newtonSchulzTensor on the device:
 *     X = D / max(||D||_F, tiny), wide matrices transposed, then `steps` iterations
 *     X <- a X + (b A + c A^2) X with A = X X^T and (a, b, c) = (3.4445, -4.7750, 2.0315)
 *     by default; singular values land in a band around 1, not on 1.
 *   'svd': the exact polar factor O = U V^T of D = U S V^T (the reference's
 *     SVDOrthogonalizationConfig), computed in float64 on the host by @shampoo-ts/linalg
 *     polarFactor (one synchronous read of the block per step); with scaleByNuclearNorm,
 *     O is multiplied by ||D||_* = sum(s) = <U V^T, D>.
 */
import * as tf from '@tensorflow/tfjs-core';
import { newtonSchulzTensor, polarFactor } from '@shampoo-ts/linalg';
import type { ShampooVariant } from './types.js';

/** Options of spectral descent. */
export interface SpectralDescentOptions {
  readonly orthogonalization?: 'newton-schulz' | 'svd';
  /** 'svd' only: multiply U V^T by the nuclear norm of the block. */
  readonly scaleByNuclearNorm?: boolean;
  readonly steps: number;
  readonly coefficients: readonly [number, number, number];
  /** Scale of the orthogonalized block from (dIn = cols, dOut = rows). */
  readonly scaleByDims: (dIn: number, dOut: number) => number;
}

/**
 * scale * U V^T (times ||D||_* when `byNuclearNorm`) for a rows x cols block D, float64 on the
 * host: <U V^T, D> = trace(V U^T U S V^T) = sum(s) gives the nuclear norm.
 */
export function svdOrthogonalized(direction: tf.Tensor2D, scale: number, byNuclearNorm: boolean): tf.Tensor2D {
  const [rows, cols] = direction.shape;
  const d = Float64Array.from(direction.dataSync());
  const o = polarFactor(d, rows, cols);
  let factor = scale;
  if (byNuclearNorm) {
    let nuclear = 0;
    for (let i = 0; i < o.length; i++) nuclear += o[i] * d[i];
    factor *= nuclear;
  }
  return tf.tensor2d(Float32Array.from(o, (v) => v * factor), [rows, cols], 'float32');
}

/** Spectral descent (see the module comment). Blocks must be 2-D (checked at init). */
export function spectralDescentVariant(options: SpectralDescentOptions): ShampooVariant {
  const svd = options.orthogonalization === 'svd';
  return {
    name: 'spectral-descent',
    rootKind: null,
    init(block) {
      if (block.shape.length !== 2) {
        throw new RangeError(
          `scaleByShampoo: spectral descent needs 2-D blocks, but block '${block.key}' has shape [${block.shape.join(',')}]; ` +
            'allowed: 2-D blocks (route other parameters elsewhere with partition, or set targetParameterDimensionality: 2)',
        );
      }
      return {};
    },
    updateStatistics: (_b, state) => state,
    rootRequests: () => [],
    install: (_b, state) => state,
    afterRoots: (_b, state) => state,
    precondition(block, _state, direction) {
      const [rows, cols] = block.shape;
      const scale = options.scaleByDims(cols, rows);
      if (svd) return svdOrthogonalized(direction as tf.Tensor2D, scale, options.scaleByNuclearNorm ?? false);
      return tf.tidy(() => {
        const o = newtonSchulzTensor(direction as tf.Tensor2D, { steps: options.steps, coefficients: [...options.coefficients] as [number, number, number] });
        return scale === 1 ? o : tf.mul(o, scale);
      });
    },
  };
}
