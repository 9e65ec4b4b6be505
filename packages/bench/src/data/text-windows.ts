/**
 * Next-character examples from encoded text: example i is the window
 * text[i .. i+context-1] (one-hot, [context, vocab]) with target text[i+context]
 * (one-hot, [vocab]). Built on demand, so a long text costs no memory beyond its bytes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, Examples } from './dataset.js';

export class TextWindows implements Examples {
  readonly size: number;

  constructor(
    readonly text: Uint8Array,
    readonly context: number,
    readonly vocab: number,
    /** Use only these window starts (e.g. an evenly spaced test subset); default all. */
    readonly starts?: Int32Array,
  ) {
    const all = text.length - context;
    if (all < 1) throw new RangeError(`${new.target.name}: a text of ${text.length} symbols has no window of context ${context} and a next symbol`);
    this.size = starts ? starts.length : all;
  }

  /** `count` windows evenly spaced over the text (a fixed evaluation subset). */
  evenlySpaced(count: number): TextWindows {
    const all = this.text.length - this.context;
    const n = Math.min(count, all);
    return this.withStarts(Int32Array.from({ length: n }, (_, i) => Math.floor((i * all) / n)));
  }

  /** The same kind of examples over other window starts. */
  protected withStarts(starts: Int32Array): TextWindows {
    return new TextWindows(this.text, this.context, this.vocab, starts);
  }

  /** The text position where example `j` starts (checked against size; `owner` names the caller in the error). */
  protected start(j: number, owner: string): number {
    if (!(j >= 0 && j < this.size)) throw new RangeError(`${owner}: index ${j} is outside [0, ${this.size})`);
    return this.starts ? this.starts[j] : j;
  }

  batch(indices: ArrayLike<number>): Batch {
    const b = indices.length;
    const { context: k, vocab: v } = this;
    const x = new Float32Array(b * k * v);
    const y = new Float32Array(b * v);
    for (let i = 0; i < b; i++) {
      const s = this.start(indices[i], 'TextWindows.batch');
      for (let t = 0; t < k; t++) x[(i * k + t) * v + this.text[s + t]] = 1;
      y[i * v + this.text[s + k]] = 1;
    }
    return { x: tf.tensor3d(x, [b, k, v]), y: tf.tensor2d(y, [b, v]) };
  }
}
