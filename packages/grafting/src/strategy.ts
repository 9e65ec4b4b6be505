/**
 * A grafting strategy is a diagonal optimizer cut into three pure per-block pieces, so
 * that Shampoo can run it on every block beside its own preconditioner:
 *
 *   state0 = init(shape)                      the accumulator (or null for SGD)
 *   state' = accumulate(state, g)             v <- beta2 v + w g^2   (w = 1 if beta2 = 1, else 1 - beta2)
 *   P      = direction(state', d, step)       P = d / (sqrt(v / bc) + epsilon)
 *
 * where `g` is the (possibly weight-decayed) gradient, `d` is the search direction to
 * precondition (the gradient, or Shampoo's filtered gradient), `step` counts from 1 and
 * bc = 1 - beta2^step when bias correction is on and beta2 < 1, else 1. SGD keeps no
 * state and returns `d` itself (as a new tensor).
 *
 * Every piece is pure: it never disposes its inputs and returns new tensors owned by the caller.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Which diagonal method a strategy grafts. */
export type GraftingKind = 'sgd' | 'adagrad' | 'rmsprop' | 'adam';

/** The per-block grafting state: the running sum/average of squared gradients, or null (SGD). */
export type GraftingBlockState = tf.Tensor | null;

/** A diagonal method as per-block pieces (see the module comment for the math). */
export interface GraftingStrategy {
  readonly kind: GraftingKind;
  /** EMA factor of the squared gradients; 1 means a plain sum (AdaGrad). Unused by SGD. */
  readonly beta2: number;
  /** Added to sqrt(v / bc) in the denominator. Unused by SGD. */
  readonly epsilon: number;
  /** Whether v is divided by 1 - beta2^step (Adam). */
  readonly useBiasCorrection: boolean;
  /** Zero accumulator of this shape (float32), or null for SGD. */
  init(shape: readonly number[]): GraftingBlockState;
  /** v <- beta2 v + w g^2 with w = 1 if beta2 = 1, else 1 - beta2. Returns a new tensor. */
  accumulate(state: GraftingBlockState, grad: tf.Tensor): GraftingBlockState;
  /** d / (sqrt(v / bc) + epsilon) at this step (step >= 1); `d` itself (cloned) for SGD. */
  direction(state: GraftingBlockState, searchDirection: tf.Tensor, step: number): tf.Tensor;
}
