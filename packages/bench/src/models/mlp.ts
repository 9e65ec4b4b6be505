/**
 * A multilayer perceptron on flattened inputs: dense(widths[0] -> widths[1]) + bias, relu,
 * ..., dense(-> widths[last]) + bias (no relu on the logits). The step benchmark uses
 * 784-512-512-10. Forward FLOPs per example: 2 sum_i widths[i] widths[i+1].
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, Params } from './model.js';

export function mlp(widths: readonly number[] = [784, 512, 512, 10]): Model {
  if (widths.length < 2) throw new RangeError(`mlp: widths = [${widths.join(',')}] is not allowed; allowed: at least two layer widths`);
  const shapes: { [layer: string]: { [name: string]: number[] } } = {};
  let flops = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    shapes[`dense${i + 1}`] = { kernel: [widths[i], widths[i + 1]], bias: [widths[i + 1]] };
    flops += 2 * widths[i] * widths[i + 1];
  }
  const layers = Object.keys(shapes);
  return {
    name: `mlp-${widths.join('-')}`,
    description: `MLP ${widths.join('-')}`,
    shapes,
    forwardFlopsPerExample: flops,
    logits(p: Params, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        let h = tf.reshape(x, [x.shape[0], widths[0]]) as tf.Tensor2D;
        layers.forEach((layer, i) => {
          h = tf.add(tf.matMul(h, p[layer].kernel as tf.Tensor2D), p[layer].bias) as tf.Tensor2D;
          if (i + 1 < layers.length) h = tf.relu(h);
        });
        return h;
      });
    },
  };
}
