/**
 * The deep autoencoder of Hinton & Salakhutdinov (2006), the classic test problem of
 * curvature-aware optimizers (Martens 2010, K-FAC, Shampoo): an encoder
 * widths[0] -> ... -> widths[last] (the code) and its mirror back to widths[0]:
 *   h_0 = x,  h_i = tanh(h_{i-1} W_i + b_i)  (the code layer and the output are linear)
 *   logits = h_{2L}                          [b, pixels]
 *   loss   = mean over examples and pixels of the sigmoid cross-entropy
 *            l(z, y) = max(z, 0) - z y + log(1 + exp(-|z|))   (= -y log s(z) - (1-y) log(1-s(z)))
 * i.e. the papers' per-pixel cross-entropy with sigmoid outputs (here averaged over the
 * pixels rather than summed, so a learning rate means the same at any image size).
 * Forward FLOPs per example: 4 sum_i widths[i] widths[i+1] (encoder and decoder).
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, Params } from './model.js';

/** The widths of the paper's MNIST autoencoder: 784-1000-500-250-30 and its mirror. */
export const HINTON_AUTOENCODER_WIDTHS = [784, 1000, 500, 250, 30] as const;

/** Mean sigmoid cross-entropy of logits z against targets y in [0, 1], over every entry. */
export function sigmoidCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.softplus(tf.neg(tf.abs(logits))))));
}

export function autoencoder(encoderWidths: readonly number[] = HINTON_AUTOENCODER_WIDTHS): Model {
  if (encoderWidths.length < 2 || encoderWidths.some((w) => !(Number.isInteger(w) && w >= 1))) {
    throw new RangeError(`autoencoder: encoderWidths = [${encoderWidths.join(',')}] is not allowed; allowed: at least two positive integer widths`);
  }
  const widths = [...encoderWidths, ...[...encoderWidths].reverse().slice(1)];
  const codeLayer = encoderWidths.length - 1; // 1-based index of the linear code layer
  const shapes: { [layer: string]: { [name: string]: number[] } } = {};
  let flops = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    const name = i + 1 < encoderWidths.length ? `encoder${i + 1}` : `decoder${i + 2 - encoderWidths.length}`;
    shapes[name] = { kernel: [widths[i], widths[i + 1]], bias: [widths[i + 1]] };
    flops += 2 * widths[i] * widths[i + 1];
  }
  const layers = Object.keys(shapes);
  return {
    name: `autoencoder-${encoderWidths.join('-')}`,
    description: `autoencoder ${widths.join('-')} (tanh, linear code, sigmoid cross-entropy per pixel)`,
    shapes,
    forwardFlopsPerExample: flops,
    loss: sigmoidCrossEntropy,
    classifies: false,
    logits(p: Params, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        let h = tf.reshape(x, [x.shape[0], widths[0]]) as tf.Tensor2D;
        layers.forEach((layer, i) => {
          h = tf.add(tf.matMul(h, p[layer].kernel as tf.Tensor2D), p[layer].bias) as tf.Tensor2D;
          if (i + 1 !== codeLayer && i + 1 < layers.length) h = tf.tanh(h);
        });
        return h;
      });
    },
  };
}
