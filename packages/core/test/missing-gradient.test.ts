/**
 * valueAndGrad explains tfjs's "gradient function not found": a kernel without a gradient
 * is named as such, and an app with no gradient kernels at all is told to import
 * @tensorflow/tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { valueAndGrad } from '@shampoo-ts/core';
import { explainMissingGradient } from '../src/train/missing-gradient.js';

describe('missing gradients', () => {
  it('valueAndGrad names a kernel tfjs cannot differentiate (TopK) and does not blame the imports', () => {
    const x = tf.tensor1d([3, 1, 2]);
    let error: Error | undefined;
    try {
      valueAndGrad((p: { x: tf.Tensor }) => tf.sum(tf.topk(p.x, 2).values), { x });
    } catch (e) {
      error = e as Error;
    }
    x.dispose();
    expect(error?.message).toMatch(/^valueAndGrad: Cannot compute gradient: gradient function not found for TopK\. tfjs has no gradient for the kernel TopK/);
    expect(error?.message).not.toContain("import '@tensorflow/tfjs'");
  });

  it('with no gradient registered, says to import @tensorflow/tfjs', () => {
    const original = new Error('Cannot compute gradient: gradient function not found for Mean.');
    const explained = explainMissingGradient(original, () => false) as Error;
    expect(explained.message).toContain('gradient function not found for Mean');
    expect(explained.message).toContain("add `import '@tensorflow/tfjs'` once to the application");
    expect(explained.cause).toBe(original);
  });

  it('passes any other error through unchanged', () => {
    const other = new RangeError('something else');
    expect(explainMissingGradient(other, () => false)).toBe(other);
    expect(explainMissingGradient('a string', () => false)).toBe('a string');
  });
});
