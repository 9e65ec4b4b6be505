/**
 * The damping of an 'inverse-root' task with the perturbation, on the device, as the host
 * computes it (root-task.ts, root-solver.ts), for the scaled factor A:
 *   method 'eigen':        eps = max(relativeEpsilon lambda_max(A), epsilon, floor)
 *   method 'newton':       eps = max(epsilon, floor)
 *   method 'higher-order': eps = max(higherOrder.relativeEpsilon ||A||_inf, higherOrder.absoluteEpsilon, floor)
 * with floor = c 2^-23 ||A||_F, c = spec.dampingFloor (0 when absent; damping-floor.ts). lambda_max(A) (only when relativeEpsilon > 0)
 * comes from repeated squaring B <- B^2 / ||B^2||_F, LAMBDA_MAX_SQUARINGS times from A / ||A||_F,
 * which leaves B ~ A^(2^k) / ||A^(2^k)||_F, close to the projector onto the top eigenvectors
 * (weights (lambda_i / lambda_max)^(2^k)); the Rayleigh quotient v^T A v / v^T v of its largest
 * column v is lambda_max up to float32 rounding when the gap is wide, and at least the
 * eigenvalues it mixes when they cluster (all within (lambda_2 / lambda_max)^(2^k) of the top).
 */
import * as tf from '@tensorflow/tfjs-core';
import { HIGHER_ORDER_DEFAULTS } from '../root-solver.js';
import type { RootTaskSpec } from '../root-task.js';

/** Squarings of the lambda_max estimate: weights (lambda_i / lambda_max)^1024 of the other eigenvalues. */
export const LAMBDA_MAX_SQUARINGS = 10;

/** lambda_max of a symmetric PSD matrix a on the device (see the module comment), as a scalar. */
export function lambdaMaxTensor(a: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const scale = tf.maximum(tf.norm(a), 1e-30);
    let b = tf.div(a, scale) as tf.Tensor2D;
    for (let k = 0; k < LAMBDA_MAX_SQUARINGS; k++) {
      const b2 = tf.matMul(b, b);
      b = tf.div(b2, tf.maximum(tf.norm(b2), 1e-30));
    }
    const column = tf.argMax(tf.sum(tf.square(b), 0));
    const v = tf.reshape(tf.gather(b, column, 1), [-1, 1]) as tf.Tensor2D;
    const av = tf.matMul(a, v);
    return tf.divNoNan(tf.sum(tf.mul(v, av)), tf.sum(tf.square(v))) as tf.Scalar;
  });
}

/** The user's absolute damping of a perturbation task: higherOrder.absoluteEpsilon (default epsilon) or epsilon. */
export function requestedEpsilon(spec: RootTaskSpec): number {
  return spec.method === 'higher-order' ? spec.solver?.higherOrder?.absoluteEpsilon ?? spec.epsilon : spec.epsilon;
}

/**
 * The damping eps of the module comment for the device matrix `a` of `spec`, and whether the
 * floor exceeded the user's absolute epsilon (the host's `notice`), as device scalars.
 */
export function deviceDamping(spec: RootTaskSpec, a: tf.Tensor2D): { epsilon: tf.Scalar; floored: tf.Scalar } {
  return tf.tidy(() => {
    const floor = tf.mul(tf.norm(a), (spec.dampingFloor ?? 0) * 2 ** -23);
    const requested = requestedEpsilon(spec);
    let eps = tf.maximum(floor, requested);
    if (spec.method === 'higher-order') {
      const relative = spec.solver?.higherOrder?.relativeEpsilon ?? HIGHER_ORDER_DEFAULTS.relativeEpsilon;
      if (relative > 0) eps = tf.maximum(eps, tf.mul(tf.max(tf.sum(tf.abs(a), 1)), relative));
    } else if (spec.method === 'eigen' && (spec.solver?.relativeEpsilon ?? 0) > 0) {
      eps = tf.maximum(eps, tf.mul(lambdaMaxTensor(a), spec.solver!.relativeEpsilon!));
    }
    return { epsilon: eps as tf.Scalar, floored: tf.greater(floor, requested) as tf.Scalar };
  });
}
