/**
 * The block plan of data-parallel Shampoo: every rank blocks every parameter exactly as
 * @shampoo-ts/shampoo does (blockLayout with the same maxPreconditionerDim and
 * targetParameterDimensionality), numbers the blocks globally (parameters in tree order,
 * blocks in layout order), and assigns them to ranks by greedy LPT on a cost model.
 * The plan depends only on the parameter shapes, the options and the number of ranks, so
 * every rank computes the same plan without communicating.
 *
 * An owned block is preconditioned by a scaleByShampoo of its own whose blocking leaves it
 * whole: the same options with targetParameterDimensionality = MAX_SAFE_INTEGER never
 * merges dims, and block sides are already <= maxPreconditionerDim, so the block is one
 * block of the same shape and gets exactly the computation it gets inside its parameter.
 * The one case this cannot reproduce is a block of order >= 2 with a side of 1 (a dim of
 * n = k * maxPreconditionerDim + 1): scaleByShampoo would drop that side. The plan rejects
 * it with a clear error (see docs/distributed.md for the hook that would lift this).
 */
import { blockLayout, type BlockLayout } from '@shampoo-ts/shampoo';
import { assignBlocks, type BlockAssignment } from '../assignment/assign-blocks.js';
import type { CostModel } from '../assignment/cost-model.js';

/** Blocking that keeps a block whole (no dims merged). */
export const WHOLE_BLOCK_TARGET = Number.MAX_SAFE_INTEGER;

/** One block of the plan. */
export interface PlannedBlock {
  /** Global block index. */
  readonly index: number;
  /** The parameter's path and the block's index in its layout. */
  readonly path: string;
  readonly local: number;
  /** `<path>#<local>`, as in scaleByShampoo's state. */
  readonly key: string;
  readonly shape: readonly number[];
  readonly elements: number;
}

export interface BlockPlan {
  readonly layouts: ReadonlyMap<string, BlockLayout>;
  readonly blocks: readonly PlannedBlock[];
  readonly assignment: BlockAssignment;
}

/** Builds the plan for parameters `[path, shape]` (in tree order) on `numRanks` ranks. */
export function blockPlan(
  owner: string,
  parameters: readonly (readonly [string, readonly number[]])[],
  maxPreconditionerDim: number,
  targetParameterDimensionality: number,
  numRanks: number,
  costModel?: CostModel,
): BlockPlan {
  const layouts = new Map<string, BlockLayout>();
  const blocks: PlannedBlock[] = [];
  for (const [path, shape] of parameters) {
    const layout = blockLayout(shape, maxPreconditionerDim, targetParameterDimensionality);
    layouts.set(path, layout);
    layout.blocks.forEach((b, local) => {
      const whole = blockLayout(b.size, maxPreconditionerDim, WHOLE_BLOCK_TARGET);
      if (whole.blocks.length !== 1 || whole.merged.join(',') !== b.size.join(',')) {
        throw new RangeError(
          `${owner}: block ${local} of parameter '${path}' (shape [${shape.join(',')}], merged [${layout.merged.join(',')}]) ` +
            `has shape [${b.size.join(',')}], which scaleByShampoo cannot precondition as a block of its own (a side of 1 is dropped); ` +
            `allowed: parameters whose merged dims are not k * maxPreconditionerDim + 1 (maxPreconditionerDim = ${maxPreconditionerDim})`,
        );
      }
      blocks.push({ index: blocks.length, path, local, key: `${path}#${local}`, shape: b.size, elements: b.size.reduce((p, d) => p * d, 1) });
    });
  }
  const assignment = assignBlocks(blocks.map((b) => b.shape), numRanks, costModel);
  return { layouts, blocks, assignment };
}
