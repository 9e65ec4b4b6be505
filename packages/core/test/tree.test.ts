import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  assertSameStructure,
  disposeTree,
  leaves,
  stateFingerprint,
  leavesWithPaths,
  treeClone,
  treeMap,
  treeMapN,
  treeZerosLike,
  unflatten,
  type TensorTree,
} from '@shampoo-ts/core';
import { buildTree, treeSpecArb } from './support/arbitraries.js';
import { treeValues } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

/** The same tree with every object's keys inserted in reverse order. */
function reversedKeys(t: TensorTree): TensorTree {
  if (t instanceof tf.Tensor) return t;
  if (Array.isArray(t)) return t.map(reversedKeys);
  const out: Record<string, TensorTree> = {};
  for (const k of Object.keys(t).reverse()) out[k] = reversedKeys((t as Record<string, TensorTree>)[k]);
  return out;
}

describe('trees', () => {
  it('leaf order and paths do not depend on key insertion order; unflatten inverts leaves', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const t = buildTree(spec, seed);
      const r = reversedKeys(t);
      expect(leavesWithPaths(r)).toEqual(leavesWithPaths(t));
      const back = unflatten(t, leaves(t));
      expect(leavesWithPaths(back)).toEqual(leavesWithPaths(t));
      const paths = leavesWithPaths(t).map(([p]) => p);
      expect(new Set(paths).size).toBe(paths.length);
      disposeTree(t);
    })));
  });

  it('treeMap, treeMapN, treeClone and treeZerosLike keep structure and compute leafwise', () => {
    fc.assert(fc.property(treeSpecArb(), seedArb, (spec, seed) => expectNoLeak(() => {
      const a = buildTree(spec, seed);
      const b = buildTree(spec, seed + 1);
      const sum = treeMapN(([x, y]) => tf.add(x, y), [a, b]) as TensorTree;
      const doubled = treeMap((x) => tf.mul(x, 2), a);
      const c = treeClone(a);
      const z = treeZerosLike(a);
      const av = treeValues(a);
      const bv = treeValues(b);
      for (const [p, vals] of Object.entries(treeValues(sum))) expect(vals).toEqual(av[p].map((x, i) => Math.fround(x + bv[p][i])));
      for (const [p, vals] of Object.entries(treeValues(doubled))) expect(vals).toEqual(av[p].map((x) => Math.fround(2 * x)));
      expect(treeValues(c)).toEqual(av);
      for (const vals of Object.values(treeValues(z))) expect(vals.every((v) => v === 0)).toBe(true);
      disposeTree(a);
      expect(() => treeValues(c)).not.toThrow();
      disposeTree([b, sum, doubled, c, z]);
    })));
  });

  it('a structure mismatch names the first differing path', () => {
    const a = { x: { w: tf.zeros([2]), b: tf.zeros([1]) }, y: [tf.zeros([1])] };
    const b = { x: { w: tf.zeros([2]) }, y: [tf.zeros([1])] };
    const c = { x: { w: tf.zeros([3]), b: tf.zeros([1]) }, y: [tf.zeros([1])] };
    const d = { x: { w: tf.zeros([2]), b: tf.zeros([1]) }, y: [tf.zeros([1]), tf.zeros([1])] };
    expectThrowsNoLeak(() => assertSameStructure(a, b, ['params', 'grads']), /grads does not match params at 'x\/b'/, /missing/);
    expectThrowsNoLeak(() => assertSameStructure(a, c, ['params', 'grads'], true), /'x\/w'/, /\[2\]/, /\[3\]/);
    expectThrowsNoLeak(() => assertSameStructure(a, d), /'y'/, /length 1/, /length 2/);
    disposeTree([a, b, c, d]);
  });
});

describe('stateFingerprint', () => {
  it('is equal exactly for bit-for-bit equal states: -0, NaN, dtype, shape, path and primitives all count', () => {
    const state = (v: number, over: Record<string, unknown> = {}) => ({ step: 3, m: tf.tensor1d([1, v]), tag: 'a', ...over });
    const same = [state(2), state(2)];
    expect(stateFingerprint(same[0])).toEqual(stateFingerprint(same[1]));
    const variants = [
      state(-0), state(0), state(NaN), state(2, { step: 4 }), state(2, { tag: 'b' }), state(2, { step: 0 }), state(2, { step: -0 }),
      { step: 3, m: tf.tensor2d([1, 2], [1, 2]), tag: 'a' }, { step: 3, m: tf.tensor1d([1, 2], 'int32'), tag: 'a' },
      { step: 3, n: tf.tensor1d([1, 2]), tag: 'a' },
    ];
    const prints = variants.map((s) => stateFingerprint(s).join('|'));
    expect(new Set([...prints, stateFingerprint(same[0]).join('|')]).size).toBe(variants.length + 1);
    disposeTree([same, variants] as never);
  });
});
