/**
 * The diagonal of an eigendecomposed root, X = Q diag(f(lambda)) Q^T, for the eigenvalues
 * of a root step (eigen-task.ts: already perturbed, or as computed for the pseudo-inverse):
 *   perturbation:   f(lambda) = lambda^(-e);
 *   pseudo-inverse: f(lambda) = 0 for lambda <= max(rtol max(lambda_max, 0), atol), else
 *                   lambda^(-e) (the reference's cutoff, clamp(rtol relu(lambda_max), min = atol));
 *                   rtol defaults to n 2^-23, n times the machine epsilon of the float32 factors
 *                   (torch.linalg.matrix_rank's rule, the reference's rank_rtol = None).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FLOAT32_EPS } from '../root-solver.js';

/** How small eigenvalues are treated (see the module comment). */
export interface RankHandling {
  readonly pseudoInverse: boolean;
  /** null: n 2^-23 (see the module comment). */
  readonly rtol: number | null;
  readonly atol: number;
}

/** f(lambda) of the module comment for eigenvalues `values` and inverse exponent e (a new tensor). */
export function inverseEigenPowers(values: tf.Tensor, exponent: number, rank: RankHandling): tf.Tensor {
  if (!rank.pseudoInverse) return tf.pow(values, -exponent);
  return tf.tidy(() => {
    const rtol = rank.rtol ?? values.size * FLOAT32_EPS;
    const cutoff = tf.maximum(tf.mul(tf.relu(tf.max(values)), rtol), rank.atol);
    return tf.where(tf.greater(values, cutoff), tf.pow(values, -exponent), tf.zerosLike(values));
  });
}
