/**
 * The block plan of data-parallel Shampoo: every rank blocks every parameter exactly as
 * @shampoo-ts/shampoo does (the block engine's layout and BlockInfo), numbers the blocks
 * globally (parameters in tree order, blocks in layout order), and assigns them to ranks
 * by greedy LPT on a cost model. The plan depends only on the parameter shapes, the
 * options and the number of ranks, so every rank computes the same plan without
 * communicating. A block's BlockInfo (key, shape, exponents) is the one scaleByShampoo
 * gives it inside its parameter, so an owned block gets exactly the same computation.
 */
import type { BlockInfo, BlockLayout, ShampooBlockEngine } from '@shampoo-ts/shampoo/engine';
import { assignBlocks, type BlockAssignment } from '../assignment/assign-blocks.js';
import type { CostModel } from '../assignment/cost-model.js';

/** One block of the plan. */
export interface PlannedBlock {
  /** Global block index. */
  readonly index: number;
  /** The parameter's path and the block's index in its layout. */
  readonly path: string;
  readonly local: number;
  /** As in scaleByShampoo: key `<path>#<local>`, shape, inverse exponents. */
  readonly info: BlockInfo;
  readonly elements: number;
}

/** How the Shampoo blocks of a parameter tree are laid out and which rank owns each: the layout per parameter path, the blocks in order and their assignment to ranks. */
export interface BlockPlan {
  /** The blocking of each parameter, by path. */
  readonly layouts: ReadonlyMap<string, BlockLayout>;
  readonly blocks: readonly PlannedBlock[];
  readonly assignment: BlockAssignment;
  /** The block keys each rank owns. */
  readonly ownedKeys: readonly ReadonlySet<string>[];
}

/** Builds the plan for parameters `[path, shape]` (in tree order) on `numRanks` ranks. */
export function blockPlan(
  engine: Pick<ShampooBlockEngine, 'layoutOf' | 'blockInfo'>,
  parameters: readonly (readonly [string, readonly number[]])[],
  numRanks: number,
  costModel?: CostModel,
): BlockPlan {
  const layouts = new Map<string, BlockLayout>();
  const blocks: PlannedBlock[] = [];
  for (const [path, shape] of parameters) {
    const layout = engine.layoutOf(shape);
    layouts.set(path, layout);
    layout.blocks.forEach((b, local) => {
      const info = engine.blockInfo(path, layout, local);
      blocks.push({ index: blocks.length, path, local, info, elements: b.size.reduce((p, d) => p * d, 1) });
    });
  }
  const assignment = assignBlocks(blocks.map((b) => b.info.shape), numRanks, costModel);
  const ownedKeys = assignment.blocksByOwner.map((owned) => new Set(owned.map((b) => blocks[b].info.key)));
  return { layouts, blocks, assignment, ownedKeys };
}
