import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { assembleBlocks, blockLayout, mergeSmallDims, splitBlocks } from '@shampoo-ts/shampoo/engine';
import { blockExponents } from '../src/exponents.js';

describe('mergeSmallDims', () => {
  it('reproduces the worked examples of docs/algorithms.md#blocking', () => {
    expect(mergeSmallDims([32, 3, 64, 64], 8192)).toEqual([96, 4096]);
    expect(mergeSmallDims([32, 3, 64, 64], 200)).toEqual([32, 192, 64]);
    expect(mergeSmallDims([32, 3, 64, 64], 1e6, 1)).toEqual([393216]);
    expect(mergeSmallDims([32, 3, 64, 64], 1e6, 2)).toEqual([32, 12288]);
  });

  it('maps empty tensors to [0], scalars and all-ones shapes to [1], and drops size-1 dims', () => {
    expect(mergeSmallDims([3, 0, 5], 1024)).toEqual([0]);
    expect(mergeSmallDims([], 1024)).toEqual([1]);
    expect(mergeSmallDims([1, 1, 1], 1024)).toEqual([1]);
    expect(mergeSmallDims([1, 7, 1], 3)).toEqual([7]);
    expect(mergeSmallDims([4, 5], Infinity, 2)).toEqual([4, 5]);
  });

  it('keeps the element count, never merges above the threshold, and reaches the target order when it can', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 0, maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 3 }),
        (shape, threshold, target) => {
          const merged = mergeSmallDims(shape, threshold, target);
          const count = shape.reduce((p, d) => p * d, 1);
          expect(merged.reduce((p, d) => p * d, 1)).toBe(count);
          for (const d of merged) expect(d <= threshold || shape.includes(d)).toBe(true);
          const nonUnit = shape.filter((d) => d !== 1);
          if (nonUnit.length > 0 && count <= threshold) expect(merged.length).toBe(Math.min(target, nonUnit.length));
        },
      ),
    );
  });

  it('rejects bad arguments naming them', () => {
    expect(() => mergeSmallDims([2, 3], 0)).toThrow('mergeSmallDims: threshold = 0 is not allowed');
    expect(() => mergeSmallDims([2, -3], 10)).toThrow('mergeSmallDims: shape[1] = -3 is not allowed; allowed: an integer >= 0');
  });
});

describe('blockLayout, splitBlocks, assembleBlocks', () => {
  it('cuts every merged dim into chunks of at most maxPreconditionerDim (last chunk takes the remainder)', () => {
    const l = blockLayout([10, 7], 4);
    expect(l.merged).toEqual([10, 7]);
    expect(l.grid).toEqual([3, 2]);
    expect(l.blocks.map((b) => b.size)).toEqual([[4, 4], [4, 3], [4, 4], [4, 3], [2, 4], [2, 3]]);
    expect(l.blocks.map((b) => b.begin)).toEqual([[0, 0], [0, 4], [4, 0], [4, 4], [8, 0], [8, 4]]);
    expect(blockLayout([3, 0], 4).blocks).toEqual([]);
    expect(blockLayout([], 4).blocks.map((b) => b.size)).toEqual([[1]]);
    // Infinity: one block per parameter (merged down to the target order)
    expect(blockLayout([5, 7], Infinity, 2).blocks).toEqual([{ index: 0, begin: [0, 0], size: [5, 7] }]);
    expect(blockLayout([5, 7], Infinity).blocks.map((b) => b.size)).toEqual([[35]]);
  });

  it('blocks reassemble to the original exactly (property over shapes, block sizes and values)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (shape, b, target, seed) => {
          const size = shape.reduce((p, d) => p * d, 1);
          const values = Float32Array.from({ length: size }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3));
          const x = tf.tensor(values, shape);
          const layout = blockLayout(shape, b, target);
          const expectedBlocks = layout.merged.reduce((p, n) => p * Math.ceil(n / b), 1);
          expect(layout.blocks.length).toBe(size === 0 ? 0 : expectedBlocks);
          const blocks = splitBlocks(x, layout);
          for (const [i, blk] of blocks.entries()) {
            expect(blk.shape).toEqual(layout.blocks[i].size);
            expect(Math.max(...blk.shape)).toBeLessThanOrEqual(b);
          }
          const back = assembleBlocks(blocks, layout);
          expect(back.shape).toEqual(shape);
          expect(Array.from(back.dataSync())).toEqual(Array.from(values));
          tf.dispose([x, back, ...blocks]);
        },
      ),
    );
  });
});

describe('blockExponents', () => {
  it('defaults to 1/(2k), with per-order and per-dim overrides (0 = not preconditioned)', () => {
    expect(blockExponents(1)).toEqual([0.5]);
    expect(blockExponents(2)).toEqual([0.25, 0.25]);
    expect(blockExponents(3, { 2: 0.2, 3: { 0: 0, 1: 0.25 } })).toEqual([0, 0.25, 1 / 6]);
    expect(blockExponents(2, { 2: 0.2, 3: { 0: 0 } })).toEqual([0.2, 0.2]);
  });
});
