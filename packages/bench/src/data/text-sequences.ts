/**
 * Language-model examples with a target at every position: example i is the window
 * text[i .. i+T-1] (one-hot, [T, vocab]) with targets text[i+1 .. i+T] (one-hot rows,
 * flattened to [b T, vocab] so that row i T + t is the character after position t of
 * example i, the layout of the transformer's logits). Built on demand.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, Examples } from './dataset.js';

export class TextSequences implements Examples {
  readonly size: number;

  constructor(
    readonly text: Uint8Array,
    readonly context: number,
    readonly vocab: number,
    /** Use only these window starts (e.g. non-overlapping test windows); default all. */
    readonly starts?: Int32Array,
  ) {
    const all = text.length - context;
    if (all < 1) throw new RangeError(`TextSequences: a text of ${text.length} symbols has no window of context ${context} and a next symbol`);
    this.size = starts ? starts.length : all;
  }

  /** `count` windows evenly spaced over the text (a fixed evaluation subset). */
  evenlySpaced(count: number): TextSequences {
    const all = this.text.length - this.context;
    const n = Math.min(count, all);
    return new TextSequences(this.text, this.context, this.vocab, Int32Array.from({ length: n }, (_, i) => Math.floor((i * all) / n)));
  }

  batch(indices: ArrayLike<number>): Batch {
    const b = indices.length;
    const { context: k, vocab: v } = this;
    const x = new Float32Array(b * k * v);
    const y = new Float32Array(b * k * v);
    for (let i = 0; i < b; i++) {
      const j = indices[i];
      if (!(j >= 0 && j < this.size)) throw new RangeError(`TextSequences.batch: index ${j} is outside [0, ${this.size})`);
      const s = this.starts ? this.starts[j] : j;
      for (let t = 0; t < k; t++) {
        x[(i * k + t) * v + this.text[s + t]] = 1;
        y[(i * k + t) * v + this.text[s + t + 1]] = 1;
      }
    }
    return { x: tf.tensor3d(x, [b, k, v]), y: tf.tensor2d(y, [b * k, v]) };
  }
}
