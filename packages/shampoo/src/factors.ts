/**
 * Kronecker factor storage and update, for one dim of a block:
 *   F <- beta2 F + w G_(i) G_(i)^T      (beta2 = 1: F <- F + w G_(i) G_(i)^T, the multiply is skipped)
 * with w = 1 - beta2 (or 1 when beta2 = 1, or always 1 with `useFactorWeighting: false`).
 * F is float32, stored packed (upper triangle, n(n+1)/2 numbers) when `packed`, else n x n.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tidyState } from '@shampoo-ts/core/authoring';
import { modeGrams } from './kronecker.js';
import { batchedModeGrams } from './batched/batched-kronecker.js';
import { packedLength, packSymmetricBatch, packSymmetricTensor, unpackSymmetricTensor } from './packing.js';

/** The weight w of the new outer product (see the module comment). */
export function factorWeight(beta2: number, useFactorWeighting: boolean): number {
  return !useFactorWeighting || beta2 === 1 ? 1 : 1 - beta2;
}

/** A zero factor of side n. */
export function initFactor(n: number, packed: boolean): tf.Tensor {
  return packed ? tf.zeros([packedLength(n)]) : tf.zeros([n, n]);
}

/** beta2 F + w g for a gram g already in F's storage form (the multiplies by 1 skipped). */
function decayAndAdd(f: tf.Tensor, g: tf.Tensor, beta2: number, weight: number): tf.Tensor {
  const scaled = weight === 1 ? g : tf.mul(g, weight);
  return beta2 === 1 ? tf.add(f, scaled) : tf.add(tf.mul(f, beta2), scaled);
}

/** beta2 F + w gram (gram is the full n x n outer product; packed on the way in when `packed`). */
export function updateFactor(f: tf.Tensor, gram: tf.Tensor, n: number, beta2: number, weight: number, packed: boolean): tf.Tensor {
  return tf.tidy(() => decayAndAdd(f, packed ? packSymmetricTensor(gram, n) : gram, beta2, weight));
}

/**
 * Every factor of a block from its gradient block G: F_i <- beta2 F_i + w G_(i) G_(i)^T for
 * each non-null F_i (a null factor, a dim that is not preconditioned, stays null). The
 * Gram matrices of a matrix block share one transpose (kronecker.ts modeGrams).
 */
export function updateFactors(
  factors: readonly (tf.Tensor | null)[],
  grad: tf.Tensor,
  settings: { readonly beta2: number; readonly weight: number; readonly packed: boolean },
): (tf.Tensor | null)[] {
  return tidyState(() => {
    const grams = modeGrams(grad, factors.map((f) => f !== null));
    return factors.map((f, i) => (f === null ? null : updateFactor(f, grams[i] as tf.Tensor, grad.shape[i], settings.beta2, settings.weight, settings.packed)));
  });
}

/**
 * updateFactors on a stack of B blocks of order 1 or 2: `factors[i]` is the [B, ...] stack
 * of every block's F_i (or null), `grad` the [B, ...] stack of their gradient blocks;
 *   F_i,b <- beta2 F_i,b + w G_b,(i) G_b,(i)^T
 * with one batched Gram product per dim (batched-kronecker.ts) and one packing gatherND.
 */
export function updateFactorsBatch(
  factors: readonly (tf.Tensor | null)[],
  grad: tf.Tensor,
  settings: { readonly beta2: number; readonly weight: number; readonly packed: boolean },
): (tf.Tensor | null)[] {
  return tidyState(() => {
    const grams = batchedModeGrams(grad, factors.map((f) => f !== null));
    return factors.map((f, i) => {
      if (f === null) return null;
      const gram = grams[i] as tf.Tensor;
      return decayAndAdd(f, settings.packed ? packSymmetricBatch(gram, grad.shape[i + 1]) : gram, settings.beta2, settings.weight);
    });
  });
}

/** The factor as a full n x n tensor. */
export function fullFactor(f: tf.Tensor, n: number, packed: boolean): tf.Tensor {
  return packed ? unpackSymmetricTensor(f, n) : tf.clone(f);
}
