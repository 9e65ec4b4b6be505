/** walkTree, the one tree walker, and pathLabel / joinPath, the one path formatter and joiner. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, leavesWithPaths } from '@shampoo-ts/core';
import { walkTree } from '@shampoo-ts/core/authoring';
import { joinPath, pathLabel, tensorsIn } from '@shampoo-ts/core/authoring';
import { buildTree, treeSpecArb } from './support/arbitraries.js';

describe('walkTree', () => {
  it('visits in pre-order, arrays by index and objects by sorted key, with joined paths', () => {
    const seen: string[] = [];
    walkTree({ b: [1, { c: 2 }], a: 3 }, (_node, path) => (seen.push(path), true));
    expect(seen).toEqual(['', 'a', 'b', 'b/0', 'b/1', 'b/1/c']);
  });

  it('does not descend below a node for which visit returns false', () => {
    const seen: string[] = [];
    walkTree({ keep: { x: 1 }, stop: { y: 2 } }, (_node, path) => (seen.push(path), path !== 'stop'));
    expect(seen).toEqual(['', 'keep', 'keep/x', 'stop']);
  });

  it('leavesWithPaths lists, for random trees, exactly the leaves walkTree reaches, in its order', () => {
    fc.assert(
      fc.property(treeSpecArb(), (spec) => {
        const tree = buildTree(spec, 1);
        const walked: string[] = [];
        walkTree(tree, (node, path) => (node instanceof tf.Tensor ? (walked.push(path), false) : true));
        expect(leavesWithPaths(tree).map(([p]) => p)).toEqual(walked);
        expect(tensorsIn(tree)).toHaveLength(walked.length);
        disposeTree(tree);
      }),
      { numRuns: 20 },
    );
  });

  it('tensorsIn lists a tensor held twice once, and disposeTree disposes every tensor', () => {
    const t = tf.ones([2]);
    const u = tf.zeros([1]);
    const state = { a: t, b: [t, { c: u, n: 3 }] };
    expect(tensorsIn(state)).toEqual([t, u]);
    disposeTree(state);
    expect([t.isDisposed, u.isDisposed]).toEqual([true, true]);
  });
});

describe('paths', () => {
  it("joinPath joins with '/', pathLabel quotes a path and names the root", () => {
    expect([joinPath('', 'a'), joinPath('a', 0), joinPath('a/b', 'c')]).toEqual(['a', 'a/0', 'a/b/c']);
    expect([pathLabel(''), pathLabel('dense/kernel')]).toEqual(['<root>', "'dense/kernel'"]);
  });
});
