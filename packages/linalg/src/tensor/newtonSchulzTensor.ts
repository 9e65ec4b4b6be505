import * as tf from '@tensorflow/tfjs-core';
import { checkFiniteNumber, checkInteger, checkPositive } from '../check.js';
import { MUON_COEFFICIENTS, type NewtonSchulzOptions } from '../newtonSchulz.js';
import { checkTensorMatrix } from './tensorChecks.js';

/**
 * Quintic Newton-Schulz orthogonalisation in float32 with tfjs ops only (no readback), the
 * same iteration as the float64 `newtonSchulz`: X_0 = G / max(||G||_F, eps), wide matrices
 * transposed, repeat B = X^T X, X <- a X + X (b B + c B^2); every singular value s of X_0
 * becomes p^steps(s) with p(s) = a s + b s^3 + c s^5. Returns a new tensor of G's shape;
 * never disposes `g`.
 */
export function newtonSchulzTensor(g: tf.Tensor2D, options: NewtonSchulzOptions = {}): tf.Tensor2D {
  const fn = 'newtonSchulzTensor';
  checkTensorMatrix(fn, 'g', g, false);
  const { steps = 5, coefficients = MUON_COEFFICIENTS, epsilon = 1e-8 } = options;
  checkInteger(fn, 'steps', steps, 0);
  if (!Array.isArray(coefficients) || coefficients.length !== 3) {
    throw new Error(`${fn}: coefficients must be an array [a, b, c] of 3 numbers, got ${JSON.stringify(coefficients)}`);
  }
  coefficients.forEach((c, i) => checkFiniteNumber(fn, `coefficients[${i}]`, c));
  checkPositive(fn, 'epsilon', epsilon);
  const [ca, cb, cc] = coefficients;
  const wide = g.shape[0] < g.shape[1];
  return tf.tidy(() => {
    let x = tf.div(g, tf.maximum(tf.norm(g), epsilon)) as tf.Tensor2D;
    if (wide) x = tf.transpose(x);
    for (let i = 0; i < steps; i++) {
      const previous = x;
      x = tf.tidy(() => {
        const b = tf.matMul(previous, previous, true, false);
        const poly = tf.add(tf.mul(b, cb), tf.mul(tf.matMul(b, b), cc));
        return tf.add(tf.mul(previous, ca), tf.matMul(previous, poly)) as tf.Tensor2D;
      });
      previous.dispose();
    }
    return wide ? tf.transpose(x) : x;
  });
}
