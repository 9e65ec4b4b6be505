/**
 * Whole parameters in and out of the batched engine without per-block tensors:
 *   in:  the blocks of group g that belong to leaf l are cut from l with ONE gatherND,
 *        giving the [B_lg, ...shape] stack directly; a group spanning several leaves is the
 *        concatenation of their stacks (leaf order, then block order: the step's block order);
 *   out: the groups' [B_g, ...shape] outputs are flattened and concatenated into one vector
 *        V, and each leaf is ONE gatherND from V: element e of leaf l, in block b at offset k,
 *        is V[O_g + j size_g + k] for block b at position j of its group g (O_g = the sizes
 *        of the groups before g).
 * Copies only (no arithmetic). The index arrays are built once per list of leaf layouts
 * and kept on the host; the index tensors are made per call and disposed with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareTensor, tidyState } from '@shampoo-ts/core/authoring';
import { blockFlatIndices, type BlockLayout } from '../blocking/layout.js';
import type { BlockGroup } from './block-groups.js';

/** Where a group's blocks come from: per leaf, the [B_lg, ...shape, 1] gather indices. */
export interface GroupSource {
  readonly leaf: number;
  readonly indices: Int32Array;
  readonly count: number;
}

/** The plan of a step over whole leaves (see the module comment). */
export interface LeafPlan {
  readonly sources: readonly (readonly GroupSource[])[];
  /** Per leaf: the index into V of each of its elements (row-major), or null for a leaf without blocks. */
  readonly assembly: readonly (Int32Array | null)[];
}

/** The plan for leaves of these layouts cut into `groups` (groups over the leaves' blocks in order). */
export function leafPlan(layouts: readonly BlockLayout[], groups: readonly BlockGroup[]): LeafPlan {
  const owner: { leaf: number; block: number }[] = [];
  layouts.forEach((l, leaf) => l.blocks.forEach((_, block) => owner.push({ leaf, block })));
  const assembly = layouts.map((l) => (l.blocks.length === 0 ? null : new Int32Array(l.merged.reduce((p, n) => p * n, 1))));
  let offset = 0;
  const sources = groups.map((g) => {
    const size = g.shape.reduce((p, n) => p * n, 1);
    const byLeaf = new Map<number, number[]>();
    g.members.forEach((m, j) => {
      const { leaf, block } = owner[m];
      const flat = blockFlatIndices(layouts[leaf])[block];
      const out = assembly[leaf]!;
      for (let k = 0; k < size; k++) out[flat[k]] = offset + j * size + k;
      let list = byLeaf.get(leaf);
      if (!list) byLeaf.set(leaf, (list = []));
      list.push(block);
    });
    offset += g.members.length * size;
    return [...byLeaf].map(([leaf, blocks]) => {
      const indices = new Int32Array(blocks.length * size);
      blocks.forEach((b, j) => indices.set(blockFlatIndices(layouts[leaf])[b], j * size));
      return { leaf, indices, count: blocks.length };
    });
  });
  return { sources, assembly };
}

/** The [B_g, ...shape] stack of group `g`'s blocks of the FLATTENED leaves `flat` (of the planned layouts). */
export function gatherGroup(plan: LeafPlan, g: number, shape: readonly number[], flat: readonly tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const parts = plan.sources[g].map((s) => tf.gatherND(flat[s.leaf], tf.tensor(s.indices, [s.count, ...shape, 1], 'int32')));
    return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  });
}

/** Every leaf from the groups' [B_g, ...] outputs (null for a leaf without blocks). */
export function assembleLeaves(plan: LeafPlan, outputs: readonly tf.Tensor[], layouts: readonly BlockLayout[]): (tf.Tensor | null)[] {
  return tidyState(() => {
    const flat = outputs.map((o) => shareTensor(o, [-1]));
    const all = flat.length === 1 ? flat[0] : tf.concat(flat);
    return plan.assembly.map((a, leaf) => (a === null ? null : tf.gatherND(all, tf.tensor(a, [...layouts[leaf].shape, 1], 'int32'))));
  });
}
