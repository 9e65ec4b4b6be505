/**
 * The block plan of data-parallel Shampoo: every rank blocks every parameter exactly as
 * @shampoo-ts/shampoo does (its leafBlocks: the block engine's layout and BlockInfo), numbers
 * the blocks globally (parameters in tree order, blocks in layout order), and assigns them to ranks
 * by greedy LPT on a cost model. The plan depends only on the parameter shapes, the
 * options and the number of ranks, so every rank computes the same plan without
 * communicating. A block's BlockInfo (key, shape, exponents) is the one scaleByShampoo
 * gives it inside its parameter, so an owned block gets exactly the same computation.
 */
import { leafBlocks, type BlockInfo, type BlockLayout, type LeafBlocks, type ShampooBlockEngine } from '@shampoo-ts/shampoo/engine';
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
  /** The parameters and their blocks, in tree order (leafBlocks of @shampoo-ts/shampoo/engine). */
  readonly leaves: readonly LeafBlocks[];
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
  const leaves = leafBlocks(engine, parameters);
  const layouts = new Map<string, BlockLayout>(leaves.map((l) => [l.path, l.layout]));
  let index = 0;
  const blocks: PlannedBlock[] = leaves.flatMap(({ path, infos }) =>
    infos.map((info, local) => ({ index: index++, path, local, info, elements: info.shape.reduce((p, d) => p * d, 1) })),
  );
  const assignment = assignBlocks(blocks.map((b) => b.info.shape), numRanks, costModel);
  const ownedKeys = assignment.blocksByOwner.map((owned) => new Set(owned.map((b) => blocks[b].info.key)));
  return { leaves, layouts, blocks, assignment, ownedKeys };
}
