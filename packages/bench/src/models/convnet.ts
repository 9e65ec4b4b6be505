/**
 * The demo's small convolutional network for 28 x 28 x 1 digits (NHWC, 'valid' padding):
 *   conv 3x3 (1 -> c1) + bias, relu, max-pool 2x2   -> 13 x 13 x c1
 *   conv 3x3 (c1 -> c2) + bias, relu, max-pool 2x2  -> 5 x 5 x c2
 *   dense (25 c2 -> 10) + bias                      -> logits
 * Forward FLOPs per example: 2 (26^2 9 c1 + 11^2 9 c1 c2 + 25 c2 10).
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, Params } from './model.js';

export function convnet(c1 = 16, c2 = 32): Model {
  const flat = 5 * 5 * c2;
  return {
    name: 'convnet',
    description: `conv3x3(${c1})-pool-conv3x3(${c2})-pool-dense(10)`,
    shapes: {
      conv1: { kernel: [3, 3, 1, c1], bias: [c1] },
      conv2: { kernel: [3, 3, c1, c2], bias: [c2] },
      dense: { kernel: [flat, 10], bias: [10] },
    },
    forwardFlopsPerExample: 2 * (26 * 26 * 9 * c1 + 11 * 11 * 9 * c1 * c2 + flat * 10),
    logits(p: Params, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const b = x.shape[0];
        const x4 = x as tf.Tensor4D;
        let h = tf.relu(tf.add(tf.conv2d(x4, p.conv1.kernel as tf.Tensor4D, 1, 'valid'), p.conv1.bias));
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, p.conv2.kernel as tf.Tensor4D, 1, 'valid'), p.conv2.bias));
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(h, [b, flat]), p.dense.kernel as tf.Tensor2D), p.dense.bias) as tf.Tensor2D;
      });
    },
  };
}
