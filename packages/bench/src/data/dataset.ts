/**
 * A supervised data set held in host memory, as dense float32 rows:
 *   inputs  : n x inputSize   (row i is example i, laid out as `inputShape`)
 *   targets : n x numClasses  (one-hot rows: the cross-entropy target)
 * `batch(indices)` copies the chosen rows into new tensors owned by the caller.
 */
import * as tf from '@tensorflow/tfjs';

/** A batch of examples: inputs of shape [b, ...inputShape] and one-hot targets [b, numClasses]. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor2D;
}

/** Anything that hands out batches by example index (dense rows or examples built on demand). */
export interface Examples {
  readonly size: number;
  /** The examples at `indices` (each in [0, size)), as new tensors owned by the caller. */
  batch(indices: ArrayLike<number>): Batch;
}

export class Dataset implements Examples {
  readonly size: number;
  readonly inputSize: number;

  constructor(
    readonly inputs: Float32Array,
    readonly targets: Float32Array,
    readonly inputShape: readonly number[],
    readonly numClasses: number,
  ) {
    this.inputSize = inputShape.reduce((a, b) => a * b, 1);
    this.size = inputs.length / this.inputSize;
    if (!Number.isInteger(this.size) || targets.length !== this.size * numClasses) {
      throw new RangeError(
        `Dataset: ${inputs.length} input numbers and ${targets.length} target numbers do not make whole examples of shape [${inputShape.join(',')}] with ${numClasses} classes`,
      );
    }
  }

  /** The examples at `indices` (each in [0, size)), as new tensors. */
  batch(indices: ArrayLike<number>): Batch {
    const b = indices.length;
    const x = new Float32Array(b * this.inputSize);
    const y = new Float32Array(b * this.numClasses);
    for (let i = 0; i < b; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < this.size)) throw new RangeError(`Dataset.batch: index ${k} is outside [0, ${this.size})`);
      x.set(this.inputs.subarray(k * this.inputSize, (k + 1) * this.inputSize), i * this.inputSize);
      y.set(this.targets.subarray(k * this.numClasses, (k + 1) * this.numClasses), i * this.numClasses);
    }
    return { x: tf.tensor(x, [b, ...this.inputShape]), y: tf.tensor2d(y, [b, this.numClasses]) };
  }

  /** The rows at `indices` as a new data set (used to split train and test). */
  subset(indices: ArrayLike<number>): Dataset {
    const x = new Float32Array(indices.length * this.inputSize);
    const y = new Float32Array(indices.length * this.numClasses);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!(Number.isInteger(k) && k >= 0 && k < this.size)) throw new RangeError(`Dataset.subset: index ${k} is outside [0, ${this.size})`);
      x.set(this.inputs.subarray(k * this.inputSize, (k + 1) * this.inputSize), i * this.inputSize);
      y.set(this.targets.subarray(k * this.numClasses, (k + 1) * this.numClasses), i * this.numClasses);
    }
    return new Dataset(x, y, this.inputShape, this.numClasses);
  }
}
