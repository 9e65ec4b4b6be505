/**
 * The glue between parameter leaves and blocks (leaf-blocks.ts), shared by scaleByShampoo and
 * the data-parallel transform: split-then-assemble is the identity on trees of many shapes,
 * the block list is the engine's (keys, shapes, element counts), init holds exactly the kept
 * blocks, the missing-gradient rule keeps unstepped blocks, bad input names the parameter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, leavesWithPaths, OptionError } from '@shampoo-ts/core';
import { tensorsIn, tidyState } from '@shampoo-ts/core/authoring';
import { arbTreeSpec, buildTensorTree, expectBitwiseEqualTrees } from '@shampoo-ts/testing';
import {
  assembleLeafBlocks, blockKey, checkShampooState, initLeafBlocks, keepUnsteppedBlocks, leafBlocks, leafShapes, leavesToTree, planBlockInputs, shampooBlockEngine, stepLeafInputs, type BlockState,
} from '@shampoo-ts/shampoo/engine';
import { problem } from './helpers.js';

const shapes = { minRank: 0, maxRank: 4, minDim: 0, maxDim: 9 };

describe('leaf blocks', () => {
  it('split-then-assemble is the identity on random trees; the block list is the layout of each leaf, keyed <path>#<i>', () => {
    fc.assert(
      fc.property(arbTreeSpec({ shape: shapes, maxDepth: 2, maxChildren: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), (spec, b, target) => {
        const engine = shampooBlockEngine({ maxPreconditionerDim: b, targetParameterDimensionality: target }, 'leafBlocksTest');
        const tree = buildTensorTree(spec);
        const before = tf.memory().numTensors;
        const leaves = leafBlocks(engine, leafShapes(tree));
        const byPath = leavesWithPaths(tree);
        expect(leaves.map((l) => l.path)).toEqual(byPath.map(([p]) => p));
        leaves.forEach((leaf, l) => {
          const layout = engine.layoutOf(byPath[l][1].shape);
          expect(leaf.layout).toBe(layout);
          expect(leaf.infos.map((i) => i.key)).toEqual(layout.blocks.map((_, i) => blockKey(leaf.path, i)));
          expect(leaf.infos.map((i) => i.shape)).toEqual(layout.blocks.map((blk) => blk.size));
          expect(leaf.infos.reduce((n, i) => n + i.shape.reduce((p, d) => p * d, 1), 0)).toBe(byPath[l][1].size);
        });
        const back = tidyState(() => {
          const blocks = new Map(byPath.flatMap(([path, t]) => engine.blockInputs(path, t, undefined)).map((blk) => [blk.info.key, blk]));
          expect([...blocks.keys()]).toEqual(leaves.flatMap((l) => l.infos.map((i) => i.key)));
          return leavesToTree(tree, assembleLeafBlocks(leaves, (info) => blocks.get(info.key)!.grad));
        });
        expectBitwiseEqualTrees(back, tree);
        disposeTree(back);
        expect(tf.memory().numTensors).toBe(before);
        disposeTree(tree);
      }),
    );
  });

  it('leavesToTree keeps the structure and refuses a leaf count that does not match', () => {
    const like = { a: tf.zeros([2]), b: [tf.zeros([1]), { c: tf.zeros([3]) }] };
    const xs = [tf.ones([2]), tf.ones([1]), tf.ones([3])];
    const tree = leavesToTree(like, xs) as typeof like;
    expect(tree.a).toBe(xs[0]);
    expect((tree.b[1] as { c: tf.Tensor }).c).toBe(xs[2]);
    expect(() => leavesToTree(like, xs.slice(1))).toThrow('leavesToTree: leaves has length 2; allowed: 3 (one per leaf of the tree)');
    disposeTree([like, xs]);
  });

  it('initLeafBlocks holds exactly the kept blocks, each as the engine inits it, and leaks nothing', () => {
    const engine = shampooBlockEngine({ maxPreconditionerDim: 3, betas: [0.9, 0.99], momentum: { momentum: 0.5 } }, 'leafBlocksTest');
    const leaves = leafBlocks(engine, [['w', [5, 4]], ['b', [4]], ['e', [0, 3]]]);
    expect(leaves.map((l) => l.infos.length)).toEqual([4, 2, 0]);
    const before = tf.memory().numTensors;
    const odd = initLeafBlocks(engine, leaves, (key) => key.endsWith('#1'));
    expect(Object.keys(odd.blocks)).toEqual(['w#1', 'b#1']);
    expect(odd.step).toBe(0);
    const all = initLeafBlocks(engine, leaves);
    expect(Object.keys(all.blocks)).toEqual(['w#0', 'w#1', 'w#2', 'w#3', 'b#0', 'b#1']);
    const direct = tidyState(() => engine.init(leaves.flatMap((l) => l.infos)));
    expect(tensorsIn(all).map((t) => t.shape)).toEqual(tensorsIn(direct).map((t) => t.shape));
    expect(tf.memory().numTensors - before).toBe(tensorsIn(odd).length + tensorsIn(all).length + tensorsIn(direct).length);
    disposeTree([odd, all, direct]);
  });

  it('keepUnsteppedBlocks: the stepped blocks are the new ones, every other block is kept (the same object), step is the new one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('a#0', 'a#1', 'b#0', 'c#0', 'c#1', 'c#2'), { minLength: 1 }), fc.integer({ min: 1, max: 1e6 }), (keys, seed) => {
        const block = (tag: number) => ({ failures: tag }) as unknown as BlockState;
        const previous = { step: 3, blocks: Object.fromEntries(keys.map((k, i) => [k, block(i)])) };
        const stepped = keys.filter((_, i) => ((seed >> i) & 1) === 1);
        const next = { step: 4, blocks: Object.fromEntries(stepped.map((k) => [k, block(100)])) };
        const kept = keepUnsteppedBlocks(previous, next);
        expect(kept.step).toBe(4);
        expect(Object.keys(kept.blocks)).toEqual(keys);
        for (const k of keys) expect(kept.blocks[k]).toBe(stepped.includes(k) ? next.blocks[k] : previous.blocks[k]);
      }),
    );
  });

  it('stepLeafInputs pairs each gradient with the parameter at its path; checks params, gradients and the state, naming them', () => {
    const plain = shampooBlockEngine({}, 'leafBlocksTest');
    const grads = { x: tf.ones([2]), y: { z: tf.ones([3]) } };
    const params = { y: { z: tf.zeros([3]) }, x: tf.zeros([2]) };
    const leaves = stepLeafInputs('leafBlocksTest', plain, grads, params);
    expect(leaves.map((l) => [l.path, l.grad, l.param])).toEqual([['x', grads.x, params.x], ['y/z', grads.y.z, params.y.z]]);
    expect(stepLeafInputs('leafBlocksTest', plain, grads).map((l) => l.param)).toEqual([undefined, undefined]);

    const decaying = shampooBlockEngine({ weightDecay: 0.1 }, 'leafBlocksTest');
    const noParams = problem(() => stepLeafInputs('leafBlocksTest', decaying, grads));
    expect(noParams.error).toBeInstanceOf(OptionError);
    expect([noParams.owner, noParams.option, noParams.value, noParams.allowed]).toEqual(['leafBlocksTest', 'params', undefined, 'the parameters, since weightDecay = 0.1 > 0']);
    const int = tf.ones([2], 'int32');
    expect(() => stepLeafInputs('leafBlocksTest', plain, { x: int })).toThrow("leafBlocksTest: the gradient at 'x' has dtype int32; allowed: float32");

    const bad = problem(() => checkShampooState('leafBlocksTest', 'state.shampoo', { step: '1', blocks: {} }));
    expect([bad.owner, bad.option, bad.value]).toEqual(['leafBlocksTest', 'state.shampoo', { step: '1', blocks: {} }]);
    expect(() => checkShampooState('leafBlocksTest', 'state', { step: 1, blocks: null })).toThrow(OptionError);
    const good = { step: 2, blocks: {} };
    expect(checkShampooState('leafBlocksTest', 'state', good)).toBe(good);
    disposeTree([grads, params, int]);
  });

  it('planBlockInputs: the blocks of the present leaves in plan order, the kept ones only; a leaf outside the plan or of another shape is refused by path', () => {
    const engine = shampooBlockEngine({ maxPreconditionerDim: 3 }, 'leafBlocksTest');
    const plan = leafBlocks(engine, [['w', [5, 4]], ['m', [2]], ['b', [4]]]);
    const w = tf.tensor2d(Array.from({ length: 20 }, (_, i) => i), [5, 4]);
    const b = tf.tensor1d([1, 2, 3, 4]);
    const before = tf.memory().numTensors;
    const keys = tidyState(() => {
      const all = planBlockInputs('leafBlocksTest', engine, plan, [{ path: 'b', grad: b }, { path: 'w', grad: w }]);
      const direct = engine.blockInputs('w', w, undefined);
      all.slice(0, 4).forEach((blk, i) => expect(Array.from(blk.grad.dataSync())).toEqual(Array.from(direct[i].grad.dataSync())));
      const kept = planBlockInputs('leafBlocksTest', engine, plan, [{ path: 'b', grad: b }, { path: 'w', grad: w }], (key) => !key.endsWith('#0'));
      return [all.map((blk) => blk.info.key), kept.map((blk) => blk.info.key)];
    });
    expect(keys).toEqual([['w#0', 'w#1', 'w#2', 'w#3', 'b#0', 'b#1'], ['w#1', 'w#2', 'w#3', 'b#1']]);
    expect(tf.memory().numTensors).toBe(before);
    const outside = problem(() => planBlockInputs('leafBlocksTest', engine, plan, [{ path: 'x', grad: b }]));
    expect([outside.owner, outside.option, outside.value, outside.allowed]).toEqual(['leafBlocksTest', "updates at 'x' shape", [4], 'none: params has no leaf at this path']);
    const reshaped = problem(() => planBlockInputs('leafBlocksTest', engine, plan, [{ path: 'w', grad: tf.reshape(w, [4, 5]) }]));
    expect([reshaped.option, reshaped.value, reshaped.allowed]).toEqual(["updates at 'w' shape", [4, 5], "[5,4] (the parameter's shape)"]);
    disposeTree([w, b]);
  });
});
