/**
 * A small character-level language model (a neural n-gram model, Bengio et al. 2003):
 *   e_t = onehot(c_t) E                      E: [vocab, embed], t = 1..context
 *   h1  = relu([e_1 ... e_context] W1 + b1)  W1: [context embed, hidden]
 *   h2  = relu(h1 W2 + b2)                   W2: [hidden, hidden]
 *   logits = h2 W3 + b3                      W3: [hidden, vocab]  (next character)
 * Forward FLOPs per example: 2 (context vocab embed + context embed hidden + hidden^2 + hidden vocab).
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, Params } from './model.js';

export function charMlp(vocab: number, context = 16, embed = 16, hidden = 256): Model {
  return {
    name: 'char-mlp',
    description: `char LM: ${context} chars x embed ${embed} -> ${hidden} -> ${hidden} -> ${vocab}`,
    shapes: {
      embed: { kernel: [vocab, embed] },
      dense1: { kernel: [context * embed, hidden], bias: [hidden] },
      dense2: { kernel: [hidden, hidden], bias: [hidden] },
      out: { kernel: [hidden, vocab], bias: [vocab] },
    },
    forwardFlopsPerExample: 2 * (context * vocab * embed + context * embed * hidden + hidden * hidden + hidden * vocab),
    logits(p: Params, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const b = x.shape[0];
        const e = tf.matMul(tf.reshape(x, [b * context, vocab]) as tf.Tensor2D, p.embed.kernel as tf.Tensor2D);
        let h = tf.reshape(e, [b, context * embed]) as tf.Tensor2D;
        h = tf.relu(tf.add(tf.matMul(h, p.dense1.kernel as tf.Tensor2D), p.dense1.bias));
        h = tf.relu(tf.add(tf.matMul(h, p.dense2.kernel as tf.Tensor2D), p.dense2.bias));
        return tf.add(tf.matMul(h, p.out.kernel as tf.Tensor2D), p.out.bias) as tf.Tensor2D;
      });
    },
  };
}
