/**
 * Language-model examples with a target at every position: example i is the window
 * text[i .. i+T-1] (one-hot, [T, vocab]) with targets text[i+1 .. i+T] (one-hot rows,
 * flattened to [b T, vocab] so that row i T + t is the character after position t of
 * example i, the layout of the transformer's logits). The windows are TextWindows'
 * (same starts, same checks); only the targets differ. Built on demand.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './dataset.js';
import { TextWindows } from './text-windows.js';

export class TextSequences extends TextWindows {
  protected override withStarts(starts: Int32Array): TextSequences {
    return new TextSequences(this.text, this.context, this.vocab, starts);
  }

  override evenlySpaced(count: number): TextSequences {
    return super.evenlySpaced(count) as TextSequences;
  }

  override batch(indices: ArrayLike<number>): Batch {
    const b = indices.length;
    const { context: k, vocab: v } = this;
    const x = new Float32Array(b * k * v);
    const y = new Float32Array(b * k * v);
    for (let i = 0; i < b; i++) {
      const s = this.start(indices[i], 'TextSequences.batch');
      for (let t = 0; t < k; t++) {
        x[(i * k + t) * v + this.text[s + t]] = 1;
        y[(i * k + t) * v + this.text[s + t + 1]] = 1;
      }
    }
    return { x: tf.tensor3d(x, [b, k, v]), y: tf.tensor2d(y, [b * k, v]) };
  }
}
