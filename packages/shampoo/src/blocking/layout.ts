/**
 * How a parameter is cut into blocks (docs/algorithms.md#blocking):
 *   merged = mergeSmallDims(shape, maxPreconditionerDim, target)
 *   every merged dim n_i is split into ceil(n_i / b) chunks of at most b = maxPreconditionerDim
 *   (the last chunk takes the remainder), giving prod_i ceil(n_i / b) blocks in row-major order.
 * The layout is pure data derived from the shape; `splitBlocks` and `assembleBlocks` are
 * exact inverses (copies and concatenations, no arithmetic).
 *
 * Several blocks are cut with one gatherND per block over the flattened tensor, from flat
 * indices computed once per layout and kept on the host, not with tf.slice: the wasm
 * backend's Slice copies its WHOLE input out of the WebAssembly heap (a readSync) on every
 * call, so cutting k blocks with slices copied the parameter k times (measured, CPU time: a
 * 784 x 512 tensor in 128-blocks, 28 slices, 153 ms; one Shampoo update of the
 * 784-512-512-10 MLP with 128-blocks went from 416 to 68 ms with gatherND, which copies only
 * the block).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mergeSmallDims } from './merge-small-dims.js';

/** One block: where it starts in the merged tensor and its size. */
export interface BlockSpec {
  readonly index: number;
  readonly begin: readonly number[];
  readonly size: readonly number[];
}

/** The blocking of one parameter shape. */
export interface BlockLayout {
  readonly shape: readonly number[];
  /** The merged shape, [0] for an empty tensor. */
  readonly merged: readonly number[];
  /** Number of chunks along each merged dim. */
  readonly grid: readonly number[];
  /** Blocks in row-major order over `grid`; none for an empty tensor. */
  readonly blocks: readonly BlockSpec[];
}

/** The block layout of `shape` for block side `maxPreconditionerDim` (>= 1, Infinity allowed). */
export function blockLayout(shape: readonly number[], maxPreconditionerDim: number, targetOrder = 1): BlockLayout {
  const merged = mergeSmallDims(shape, maxPreconditionerDim, targetOrder);
  if (merged[0] === 0) return { shape: [...shape], merged, grid: [0], blocks: [] };
  const b = maxPreconditionerDim;
  const grid = merged.map((n) => (Number.isFinite(b) ? Math.ceil(n / b) : 1));
  const blocks: BlockSpec[] = [];
  const count = grid.reduce((p, g) => p * g, 1);
  for (let index = 0; index < count; index++) {
    let rest = index;
    const coords = new Array<number>(grid.length);
    for (let d = grid.length - 1; d >= 0; d--) {
      coords[d] = rest % grid[d];
      rest = Math.floor(rest / grid[d]);
    }
    const begin = coords.map((c) => (Number.isFinite(b) ? c * b : 0));
    const size = coords.map((c, d) => Math.min(merged[d] - begin[d], Number.isFinite(b) ? b : merged[d]));
    blocks.push({ index, begin, size });
  }
  return { shape: [...shape], merged, grid, blocks };
}

/** Row-major flat indices into the merged tensor of every element of every block (host data, per layout). */
const blockIndices = new WeakMap<BlockLayout, Int32Array[]>();

/** For every block of the layout, the row-major flat index into the merged tensor of each of its elements (cached). */
export function blockFlatIndices(layout: BlockLayout): Int32Array[] {
  let cached = blockIndices.get(layout);
  if (cached) return cached;
  const merged = layout.merged;
  const strides = merged.map((_, d) => merged.slice(d + 1).reduce((p, n) => p * n, 1));
  cached = layout.blocks.map((blk) => {
    const size = blk.size.reduce((p, n) => p * n, 1);
    const out = new Int32Array(size);
    const coord = blk.begin.map(() => 0);
    for (let k = 0; k < size; k++) {
      let flat = 0;
      for (let d = 0; d < coord.length; d++) flat += (blk.begin[d] + coord[d]) * strides[d];
      out[k] = flat;
      for (let d = coord.length - 1; d >= 0; d--) {
        if (++coord[d] < blk.size[d]) break;
        coord[d] = 0;
      }
    }
    return out;
  });
  blockIndices.set(layout, cached);
  return cached;
}

/** Cuts `x` (of shape layout.shape) into its blocks; a single block is a reshape (a view). */
export function splitBlocks(x: tf.Tensor, layout: BlockLayout): tf.Tensor[] {
  if (layout.blocks.length === 0) return [];
  return tf.tidy(() => {
    if (layout.blocks.length === 1) return [tf.reshape(x, [...layout.merged])];
    const flat = tf.reshape(x, [-1]);
    // Indices of shape [...size, 1] give each block its shape directly (no reshape).
    return blockFlatIndices(layout).map((idx, i) => tf.gatherND(flat, tf.tensor(idx, [...layout.blocks[i].size, 1], 'int32')));
  });
}

/** Puts blocks back together into a tensor of layout.shape (inverse of splitBlocks). */
export function assembleBlocks(blocks: readonly tf.Tensor[], layout: BlockLayout): tf.Tensor {
  if (layout.blocks.length === 0) return tf.zeros([...layout.shape]);
  if (blocks.length !== layout.blocks.length) {
    throw new RangeError(`assembleBlocks: blocks has length ${blocks.length}; allowed: ${layout.blocks.length} (one per block of the layout)`);
  }
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...blocks];
    for (let d = layout.grid.length - 1; d >= 0; d--) {
      const g = layout.grid[d];
      if (g === 1) continue;
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += g) next.push(tf.concat(level.slice(i, i + g), d));
      level = next;
    }
    return tf.reshape(level[0], [...layout.shape]);
  });
}
