/**
 * Groups of blocks for the batched engine: the blocks of one step whose shapes are equal
 * (and hence whose inverse exponents are equal: they depend only on the order), in order
 * of first appearance, each listing its members' positions in the step's block list.
 * A group of B blocks of shape s runs every tensor operation once, on [B, ...s] stacks.
 */
import type { BlockInfo } from '../variants/types.js';

/** One group: the shared block shape and the positions of its blocks in the step's list. */
export interface BlockGroup {
  readonly shape: readonly number[];
  readonly members: readonly number[];
}

/**
 * The blocks' groups by shape (see the module comment). With `batch: false` every block is
 * its own group (the per-block engine, kept for the equivalence tests).
 */
export function groupBlocksByShape(blocks: readonly BlockInfo[], batch = true): BlockGroup[] {
  if (!batch) return blocks.map((b, i) => ({ shape: b.shape, members: [i] }));
  const byShape = new Map<string, { shape: readonly number[]; members: number[] }>();
  blocks.forEach((b, i) => {
    const key = b.shape.join(',');
    let g = byShape.get(key);
    if (!g) {
      g = { shape: b.shape, members: [] };
      byShape.set(key, g);
    }
    g.members.push(i);
  });
  return [...byShape.values()];
}
