import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, checkNonNegative } from '../check.js';
import { checkTensorMatrix } from './tensorChecks.js';

/** Options of {@link newtonInverseRootTensor}. */
export interface NewtonInverseRootTensorOptions {
  /** Integer p >= 1 of A^(-1/p). */
  root: number;
  /** Ridge: iterate on A + epsilon I. Default 0. */
  epsilon?: number;
  /** Steps run (always all of them: stopping early would need a readback). Default 40. */
  maxIterations?: number;
  /** A step only updates X, M while max|M - I| > tolerance (decided on the device). Default 1e-6. */
  tolerance?: number;
}

/** Result of {@link newtonInverseRootTensor}; the caller owns (and disposes) every tensor. */
export interface NewtonInverseRootTensorResult {
  root: tf.Tensor2D;
  /** max|A_r X^p - I|, measured on the returned X in float32 (not the iteration's own error). */
  residual: tf.Scalar;
  /** Steps run (= maxIterations). */
  iterations: number;
  /** Steps that changed X (before max|M - I| <= tolerance), int32. */
  activeIterations: tf.Scalar;
  /** The iteration's own error max|M - I| at the end: it can look converged while `residual` does not. */
  iterationError: tf.Scalar;
}

/**
 * Coupled Newton iteration for A^(-1/p) in float32 with tfjs ops only (no readback), for GPU
 * backends: the same iteration as `coupledNewtonInverseRoot` (A_r = (A + A^T)/2 + eps I,
 * z = (p + 1) / (2 ||A_r||_F), X = z^(1/p) I, M = z A_r; M' = (1 + 1/p) I - M/p, X <- X M',
 * M <- M'^p M). Since the stopping test cannot be read back, all `maxIterations` steps run
 * and each step is applied only where max|M - I| > tolerance (tf.where on a device scalar).
 *
 * The honest error is `residual` = max|A_r X^p - I| computed from the returned X; in
 * float32 it is typically far above `iterationError` (docs/linalg.md has measurements).
 * A NaN/Inf input shows up as a NaN residual (checking the data would need a readback).
 * Never disposes `a`.
 */
export function newtonInverseRootTensor(a: tf.Tensor2D, options: NewtonInverseRootTensorOptions): NewtonInverseRootTensorResult {
  const fn = 'newtonInverseRootTensor';
  checkTensorMatrix(fn, 'a', a, true);
  const { root: p, epsilon = 0, maxIterations = 40, tolerance = 1e-6 } = options;
  checkInteger(fn, 'root', p, 1);
  checkNonNegative(fn, 'epsilon', epsilon);
  checkInteger(fn, 'maxIterations', maxIterations, 0);
  checkNonNegative(fn, 'tolerance', tolerance);
  const n = a.shape[0];
  const [root, residual, activeIterations, iterationError] = tf.tidy(() => {
    const eye = tf.eye(n);
    const ar = tf.add(tf.mul(tf.add(a, tf.transpose(a)), 0.5), tf.mul(eye, epsilon)) as tf.Tensor2D;
    const z = tf.div(tf.scalar((p + 1) / 2), tf.norm(ar));
    let x = tf.mul(eye, tf.pow(z, 1 / p)) as tf.Tensor2D;
    let m = tf.mul(ar, z) as tf.Tensor2D;
    let active = tf.scalar(0, 'int32');
    for (let i = 0; i < maxIterations; i++) {
      const previous = [x, m, active];
      [x, m, active] = tf.tidy(() => {
        const running = tf.greater(maxDeviation(m, eye), tolerance);
        const mPrime = tf.sub(tf.mul(eye, 1 + 1 / p), tf.div(m, p)) as tf.Tensor2D;
        const xNext = tf.matMul(x, mPrime);
        const mNext = tf.matMul(power(mPrime, p), m);
        return [tf.where(running, xNext, x), tf.where(running, mNext, m), tf.add(active, tf.cast(running, 'int32'))] as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Scalar,
        ];
      });
      tf.dispose(previous);
    }
    const symmetric = tf.mul(tf.add(x, tf.transpose(x)), 0.5) as tf.Tensor2D;
    const res = maxDeviation(tf.matMul(ar, power(symmetric, p)), eye);
    return [symmetric, res, active, maxDeviation(m, eye)];
  });
  return {
    root: root as tf.Tensor2D,
    residual: residual as tf.Scalar,
    iterations: maxIterations,
    activeIterations: activeIterations as tf.Scalar,
    iterationError: iterationError as tf.Scalar,
  };
}

/** max_ij |(M - I)_ij| as a scalar tensor. */
function maxDeviation(m: tf.Tensor2D, eye: tf.Tensor2D): tf.Scalar {
  return tf.max(tf.abs(tf.sub(m, eye)));
}

/** M^p by repeated squaring (p >= 1). */
export function power(m: tf.Tensor2D, p: number): tf.Tensor2D {
  let result: tf.Tensor2D | null = null;
  let base = m;
  let e = p;
  while (e > 0) {
    if (e & 1) result = result === null ? base : tf.matMul(result, base);
    e >>>= 1;
    if (e > 0) base = tf.matMul(base, base);
  }
  return result as tf.Tensor2D;
}
