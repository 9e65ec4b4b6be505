/**
 * The models the demo and the benchmarks train: pure functions of a parameter tree.
 *   logits = model.logits(params, x)                       [b, classes]
 *   loss   = mean_i( -sum_c y_ic log softmax(logits_i)_c )  (softmax cross-entropy)
 * Parameters are initialised from a seed with our own generator (data/rng.ts), so the
 * same seed gives the same network on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng.js';

/** A parameter tree: layer name -> { kernel, bias }. */
export type Params = { readonly [layer: string]: { readonly [name: string]: tf.Tensor } };

export interface Model {
  readonly name: string;
  /** One line for tables and plots, e.g. "conv3x3(16)-pool-conv3x3(32)-pool-dense(10)". */
  readonly description: string;
  /** Shapes of the parameters, by layer and name. */
  readonly shapes: { readonly [layer: string]: { readonly [name: string]: readonly number[] } };
  /** Multiply-adds x 2 of one forward pass over one example. */
  readonly forwardFlopsPerExample: number;
  /** The logits of a batch, [b, classes]. */
  logits(params: Params, x: tf.Tensor): tf.Tensor2D;
  /**
   * The per-example loss of logits against targets, averaged over the rows (default:
   * softmax cross-entropy, `crossEntropy`). A model that is not a classifier (the
   * autoencoder) supplies its own and sets `classifies` to false.
   */
  readonly loss?: (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar;
  /** False when arg-max accuracy means nothing (evaluations then report NaN); default true. */
  readonly classifies?: boolean;
  /**
   * Which parameters (by path, e.g. 'block0/attention/query') are hidden-layer matrices,
   * the ones Muon orthogonalizes (the rest get its AdamW); default: every 2-D parameter.
   */
  readonly hiddenMatrix?: (path: string) => boolean;
}

/** Number of parameters of a model. */
export function parameterCount(model: Model): number {
  let n = 0;
  for (const layer of Object.values(model.shapes)) for (const s of Object.values(layer)) n += s.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * Training FLOPs of one step: forward + backward, counted as 3 x forward (the backward
 * pass computes the gradient of each layer's input and of its weights, each costing
 * about one forward), i.e. 6 b m n for a dense m x n layer at batch b.
 */
export function trainingFlopsPerStep(model: Model, batchSize: number): number {
  return 3 * model.forwardFlopsPerExample * batchSize;
}

/**
 * Initial parameters: kernels He-normal, w ~ N(0, 2 / fanIn) with fanIn the product of
 * all dims but the last, biases 0, gains (normalisation scales) 1. Drawn in layer order
 * from `seed`.
 */
export function initParams(model: Model, seed: number): Params {
  const rng = new Rng(seed);
  const out: { [layer: string]: { [name: string]: tf.Tensor } } = {};
  for (const [layer, names] of Object.entries(model.shapes)) {
    out[layer] = {};
    for (const [name, shape] of Object.entries(names)) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      if (name === 'gain') values.fill(1);
      else if (name !== 'bias') {
        const fanIn = size / shape[shape.length - 1];
        const std = Math.sqrt(2 / fanIn);
        for (let i = 0; i < size; i++) values[i] = std * rng.normal();
      }
      out[layer][name] = tf.tensor(values, [...shape]);
    }
  }
  return out;
}

/** Softmax cross-entropy, averaged over the batch: mean_i -sum_c y_ic (z_ic - logsumexp(z_i)). */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbs), 1)));
  });
}

/** The model's loss of logits against targets: its own `loss`, else softmax cross-entropy. */
export function lossOf(model: Model, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return model.loss ? model.loss(logits, targets) : crossEntropy(logits, targets);
}

/** The loss of a model on a batch (for valueAndGrad). */
export function modelLoss(model: Model, params: Params, x: tf.Tensor, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => lossOf(model, model.logits(params, x), y));
}

/** Number of rows whose arg-max logit is the target class. */
export function correctCount(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32')));
}
