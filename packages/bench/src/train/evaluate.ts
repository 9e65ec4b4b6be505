/**
 * Test loss and accuracy of a model over a whole data set, in chunks (so memory stays
 * bounded): loss = (1/n) sum_i L(logits_i, y_i) (the model's loss, softmax CE by default), accuracy = (1/n) #{argmax logits_i = y_i}.
 */
import * as tf from '@tensorflow/tfjs';
import type { Examples } from '../data/dataset.js';
import { correctCount, lossOf, type Model, type Params } from '../models/model.js';

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

export async function evaluate(model: Model, params: Params, data: Examples, chunk = 500): Promise<Evaluation> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.size; start += chunk) {
    const end = Math.min(data.size, start + chunk);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const batch = data.batch(idx);
    const [l, c] = tf.tidy(() => {
      const logits = model.logits(params, batch.x);
      return [tf.mul(lossOf(model, logits, batch.y), end - start), correctCount(logits, batch.y)];
    });
    lossSum += (await l.data())[0];
    correct += (await c.data())[0];
    tf.dispose([l, c, batch.x, batch.y]);
  }
  return { loss: lossSum / data.size, accuracy: model.classifies === false ? NaN : correct / data.size };
}
