/**
 * @shampoo-ts/shampoo/engine: the parts the Shampoo transform is assembled from, for packages
 * that assemble it differently (@shampoo-ts/distributed's data-parallel transform, the
 * benchmarks) and for writing variants or executors. Less stable than the main entry point.
 */
// The block engine: blocking, per-block state, the step.
export {
  shampooBlockEngine, blockKey, decoupledWeightDecay, type BlockEngineMode, type BlockInput, type BlockState, type LeafInput, type ShampooBlockEngine,
} from './block-engine.js';
export { blockLayout, splitBlocks, assembleBlocks, type BlockLayout, type BlockSpec } from './blocking/layout.js';
export { mergeSmallDims } from './blocking/merge-small-dims.js';
// The glue between parameter leaves and blocks (scaleByShampoo's and the data-parallel transform's).
export {
  leafShapes, leafBlocks, initLeafBlocks, checkShampooState, stepLeafInputs, planBlockInputs, keepUnsteppedBlocks, assembleLeafBlocks, leavesToTree, type LeafBlocks,
} from './leaf-blocks.js';
export { afterShampooDirection, DEFAULT_SHAMPOO_LEARNING_RATE } from './recipe.js';
export type { InFlightRoots } from './in-flight-roots.js';

// Resolved options and the lists of accepted option names.
export { resolveShampooConfig, SHAMPOO_OPTION_NAMES, PRECONDITIONER_OPTION_NAMES, MOMENTUM_OPTION_NAMES, type ShampooConfig } from './config.js';
export { MUON_OPTION_NAMES, MUON_ADAM_OPTION_NAMES } from './aliases.js';
export { ROOT_SOLVER_KEYS } from './root-solver.js';

// Variants: what the engine asks of a preconditioner family.
export { makeVariant, NEWTON_SCHULZ_COEFFICIENTS } from './variants/index.js';
export type { BatchedVariantSteps, BlockInfo, ShampooVariant, VariantSettings, VariantState } from './variants/types.js';

// Executors, assembled: placement internals, transfers, the delay line, the outcome check.
export { resolveRootExecutor, checkRootExecutorChoice, rootExecutorAt, ROOT_PLACEMENTS, ROOT_PLACEMENT_BY_BACKEND } from './executors/placement.js';
export { flattenRootRequests, rootTasksFrom, type RootTaskLayout } from './executors/root-transfer.js';
export { delayLine, type DelayLine } from './executors/delay-line.js';
export { checkOutcomeCount } from './root-task.js';
