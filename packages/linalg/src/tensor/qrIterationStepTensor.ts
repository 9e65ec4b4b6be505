import * as tf from '@tensorflow/tfjs-core';
import { checkTensorMatrix } from './tensorChecks.js';

/** Result of {@link qrIterationStepTensor}; the caller owns every tensor. */
export interface QrIterationStepTensorResult {
  /** Q Q' with columns sorted by ascending `values`. */
  vectors: tf.Tensor2D;
  /** diag(R Q') ascending (Rayleigh quotients of the new basis). */
  values: tf.Tensor1D;
  /** ||offdiag(B')||_F / ||B'||_F of B' = R Q' = (Q Q')^T A (Q Q'), measured. */
  offDiagonalRatio: tf.Scalar;
}

/**
 * One warm-started QR-iteration step in float32 with tfjs ops only (no readback):
 * B = Q^T A Q (symmetrised), Q's columns (and B) ordered by decreasing |diag(B)|,
 * (Q', R) = qr(B) (tf.linalg.qr, Householder), B' = R Q',
 * Q <- Q Q', then the diagonal of B' is sorted ascending (tf.topk on its negation) and Q's
 * columns gathered to match; the off-diagonal ratio of B' measures how well the new basis
 * diagonalises A. The same step as the float64 `qrIterationEigenbasis` with steps = 1.
 * Never disposes `a` or `q`.
 */
export function qrIterationStepTensor(a: tf.Tensor2D, q: tf.Tensor2D): QrIterationStepTensorResult {
  const fn = 'qrIterationStepTensor';
  checkTensorMatrix(fn, 'a', a, true);
  checkTensorMatrix(fn, 'q', q, true);
  if (q.shape[0] !== a.shape[0]) {
    throw new Error(`${fn}: q has shape [${q.shape.join(', ')}] but a is ${a.shape[0]} x ${a.shape[0]}`);
  }
  const n = a.shape[0];
  const [vectors, values, ratio] = tf.tidy(() => {
    const eye = tf.eye(n);
    const bRaw = tf.matMul(q, tf.matMul(a, q), true, false);
    const bSym = tf.mul(tf.add(bRaw, tf.transpose(bRaw)), 0.5) as tf.Tensor2D;
    // Order the columns by decreasing |diag(B)|, the order unshifted QR converges to (see qrIterationEigenbasis).
    const { indices: order } = tf.topk(tf.abs(tf.sum(tf.mul(bSym, eye), 1)), n, true);
    const qOrdered = tf.gather(q, order, 1) as tf.Tensor2D;
    const b = tf.gather(tf.gather(bSym, order, 0), order, 1) as tf.Tensor2D;
    const [qStep, r] = tf.linalg.qr(b) as [tf.Tensor2D, tf.Tensor2D];
    const bNext = tf.matMul(r, qStep);
    const qNext = tf.matMul(qOrdered, qStep);
    const diagonal = tf.sum(tf.mul(bNext, eye), 1) as tf.Tensor1D;
    const { values: negated, indices } = tf.topk(tf.neg(diagonal), n, true);
    const sortedValues = tf.neg(negated) as tf.Tensor1D;
    const sortedVectors = tf.gather(qNext, indices, 1) as tf.Tensor2D;
    const total = tf.sum(tf.square(bNext));
    const onDiagonal = tf.sum(tf.square(diagonal));
    const off = tf.sqrt(tf.relu(tf.sub(total, onDiagonal)));
    const offRatio = tf.where(tf.greater(total, 0), tf.div(off, tf.sqrt(total)), tf.zerosLike(total)) as tf.Scalar;
    return [sortedVectors, sortedValues, offRatio];
  });
  return { vectors: vectors as tf.Tensor2D, values: values as tf.Tensor1D, offDiagonalRatio: ratio as tf.Scalar };
}
