import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { bitwiseEqualTrees, expectBitwiseEqualTrees, expectTensorsClose, expectTreesClose, tensorsClose } from '@shampoo-ts/testing';

describe('tensorsClose', () => {
  it('accepts values within atol + rtol |b| and names the worst multi-index otherwise', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const b = tf.tensor2d([[1, 2, 3.001], [4, 5.1, 6]]);
    try {
      expect(tensorsClose(a, b, { rtol: 0.03 }).ok).toBe(true);
      const r = tensorsClose(a, b, { rtol: 1e-5 });
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^2 of 6 elements out of tolerance .* worst at \[1,1\]: 5 vs 5\.0999/);
      expect(() => expectTensorsClose(a, b, {}, 'w')).toThrow(/^w: 2 of 6/);
    } finally {
      tf.dispose([a, b]);
    }
  });

  it('treats NaN as not close (unless equalNan) and reports shape and dtype mismatches', () => {
    const x = tf.tensor1d([1, NaN]);
    const y = tf.tensor1d([1, NaN]);
    const z = tf.tensor2d([[1, 2]]);
    const i = tf.tensor1d([1, 2], 'int32');
    try {
      expect(tensorsClose(x, y).message).toMatch(/worst at \[1\]: NaN vs NaN/);
      expect(tensorsClose(x, y, { equalNan: true }).ok).toBe(true);
      expect(tensorsClose(x, z).message).toBe('shapes differ: [2] vs [1,2]');
      expect(tensorsClose(x, i).message).toBe('dtypes differ: float32 vs int32');
    } finally {
      tf.dispose([x, y, z, i]);
    }
  });

  it('refuses a disposed tensor', () => {
    const a = tf.scalar(1);
    a.dispose();
    expect(() => tensorsClose(a, a)).toThrow(/a \(shape \[\]\) is disposed/);
  });
});

describe('tree comparisons', () => {
  it('expectTreesClose names the path of the differing leaf and of a structural difference', () => {
    const t1 = { dense: { kernel: tf.ones([2, 2]), bias: tf.zeros([2]) } };
    const t2 = { dense: { kernel: tf.ones([2, 2]), bias: tf.tensor1d([0, 1e-3]) } };
    const t3 = { dense: { kernel: tf.ones([2, 2]) } };
    try {
      expectTreesClose(t1, t1, 0);
      expect(() => expectTreesClose(t2, t1, 1e-6)).toThrow(/trees differ at 'dense\/bias': 1 of 2 elements .* worst at \[1\]/);
      expect(() => expectTreesClose(t3, t1)).toThrow(/structure at 'dense\/bias': expected tensor of shape \[2\], actual missing/);
      expectTreesClose(t2, t1, 1e-2);
    } finally {
      disposeTree([t1, t2, t3]);
    }
  });

  it('bitwiseEqualTrees separates 0 from -0 and names the path and index', () => {
    const a = [tf.tensor1d([0, 1]), { b: tf.tensor1d([2, 3]) }];
    const b = [tf.tensor1d([0, 1]), { b: tf.tensor1d([2, 3]) }];
    const c = [tf.tensor1d([-0, 1]), { b: tf.tensor1d([2, 3]) }];
    const d = [tf.tensor1d([0, 1]), { b: tf.tensor1d([2, 3 + 2 ** -22]) }];
    try {
      expect(bitwiseEqualTrees(a, b).ok).toBe(true);
      expect(bitwiseEqualTrees(a, c).message).toBe("bits differ at '0' [0]: 0 vs 0");
      expect(bitwiseEqualTrees(a, d).message).toMatch(/^bits differ at '1\/b' \[1\]: 3 vs 3\.0000002/);
      expect(() => expectBitwiseEqualTrees(a, d)).toThrow(/not bitwise equal/);
    } finally {
      disposeTree([a, b, c, d]);
    }
  });
});
