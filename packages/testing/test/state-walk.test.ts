import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { findMutation, snapshot, stateStructureDifference, tensorsOf } from '@shampoo-ts/testing';

describe('snapshot / findMutation', () => {
  it('sees a tf.Variable assigned in place, a replaced leaf, an added key and a disposed tensor', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const w = tf.zeros([2]);
    const state: Record<string, unknown> = { v, nested: { w, count: 3 } };
    try {
      const snap = snapshot(state, 'state');
      expect(findMutation(snap, state)).toBeUndefined();
      v.assign(tf.tensor1d([1, 5]));
      expect(findMutation(snap, state)).toBe("state at 'v' had its values changed in place");
      const snap2 = snapshot(state, 'state');
      (state.nested as Record<string, unknown>).count = 4;
      expect(findMutation(snap2, state)).toBe("state at 'nested/count' was changed in place from 3 to 4");
      const snap3 = snapshot(state, 'state');
      state.extra = 1;
      expect(findMutation(snap3, state)).toMatch(/^state at 'extra' was added in place/);
      delete state.extra;
      w.dispose();
      expect(findMutation(snap3, state)).toBe("state at 'nested/w' was disposed (a transform must never dispose what it is given)");
    } finally {
      disposeTree([v, w]);
    }
  });
});

describe('stateStructureDifference / tensorsOf', () => {
  it('compares paths, primitive types, shapes and dtypes, not values', () => {
    const a = { m: tf.zeros([2, 3]), count: 1 };
    const b = { m: tf.ones([2, 3]), count: 7 };
    const c = { m: tf.ones([3, 2]), count: 7 };
    const d = { m: tf.ones([2, 3]), count: '7' };
    try {
      expect(stateStructureDifference(a, b, ['a', 'b'])).toBeUndefined();
      expect(stateStructureDifference(a, c, ['a', 'c'])).toBe("a has a float32 tensor of shape [2,3] at 'm', c has a float32 tensor of shape [3,2] there");
      expect(stateStructureDifference(a, d, ['a', 'd'])).toBe("a has a number at 'count', d has a string there");
      expect(stateStructureDifference(a, { m: a.m }, ['a', 'e'])).toBe("a has a number at 'count', e has nothing there");
      expect(stateStructureDifference({ m: a.m }, a, ['e', 'a'])).toBe("e has nothing at 'count', a has a number there");
    } finally {
      disposeTree([a, b, c, d]);
    }
  });

  it('counts each tensor object once, at its first path, and rejects non-state data', () => {
    const t = tf.scalar(1);
    try {
      const found = tensorsOf({ a: t, b: [t, 2] }, 'state');
      expect(found.size).toBe(1);
      expect(found.get(t)).toBe('a');
      expect(() => tensorsOf({ buf: new Float32Array(2) }, 'state')).toThrow(/^state is not plain state data .*'buf'/);
    } finally {
      t.dispose();
    }
  });
});
