/**
 * Spectral descent (Muon's update): the 2-D block D is replaced by its orthogonalization,
 * computed by Newton-Schulz (@shampoo-ts/linalg newtonSchulzTensor: X = D / max(||D||_F, tiny),
 * wide matrices transposed, then `steps` iterations X <- a X + (b A + c A^2) X with
 * A = X X^T and (a, b, c) = (3.4445, -4.7750, 2.0315) by default), times
 * scaleByDims(dIn = cols, dOut = rows) (1 by default). No statistics, no root steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { newtonSchulzTensor } from '@shampoo-ts/linalg';
import type { ShampooVariant } from './types.js';

/** Options of spectral descent. */
export interface SpectralDescentOptions {
  readonly steps: number;
  readonly coefficients: readonly [number, number, number];
  /** Scale of the orthogonalized block from (dIn = cols, dOut = rows). */
  readonly scaleByDims: (dIn: number, dOut: number) => number;
}

/** Spectral descent (see the module comment). Blocks must be 2-D (checked at init). */
export function spectralDescentVariant(options: SpectralDescentOptions): ShampooVariant {
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
      return tf.tidy(() => {
        const o = newtonSchulzTensor(direction as tf.Tensor2D, { steps: options.steps, coefficients: [...options.coefficients] as [number, number, number] });
        return scale === 1 ? o : tf.mul(o, scale);
      });
    },
  };
}
