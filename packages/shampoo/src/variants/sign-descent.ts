/**
 * Sign descent: P = sign(D) * scale(D), no statistics, no root steps. The default scale is
 * 1; `scale(D) = sum |D|` gives steepest descent under the L-infinity norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ShampooVariant } from './types.js';

/** Scale of the sign update as a function of the direction block. */
export type SignScale = (direction: tf.Tensor) => number | tf.Tensor;

/** Sign descent (see the module comment). */
export function signDescentVariant(scale: SignScale = () => 1): ShampooVariant {
  return {
    name: 'sign-descent',
    rootKind: null,
    init: () => ({}),
    updateStatistics: (_b, state) => state,
    rootRequests: () => [],
    install: (_b, state) => state,
    afterRoots: (_b, state) => state,
    precondition(_block, _state, direction) {
      return tf.tidy(() => {
        const s = scale(direction);
        return typeof s === 'number' && s === 1 ? tf.sign(direction) : tf.mul(tf.sign(direction), s);
      });
    },
  };
}
