/**
 * @shampoo-ts/shampoo: what a user composes. The recipes (shampoo, soap, klShampoo, muon),
 * the transform they are built on (scaleByShampoo), iterate averaging, their option types,
 * and where the roots are computed (executors/index.ts). The block engine and the parts
 * @shampoo-ts/distributed and the benchmarks assemble it from are in
 * '@shampoo-ts/shampoo/engine'.
 */
export { shampoo, soap, klShampoo, muon, type MuonOptions } from './aliases.js';
export { scaleByShampoo } from './scale-by-shampoo.js';
export type { ShampooState } from './block-engine.js';
export type { MomentumConfig, PreconditionerConfig, PreconditionerType, ShampooAlgorithmOptions, ShampooExecutionOptions, ShampooOptions, WeightDecayType } from './config.js';
export type { LearningRateOptions } from './learning-rate.js';
export { shampooRecipe } from './recipe.js';
export type { EigenbasisOptions, EigendecomposedConfig, EigenvalueCorrectedConfig } from './eigen-config.js';
export type { SignScale } from './variants/sign-descent.js';
export type { HigherOrderSettings, NewtonSettings, RootSolverSettings } from './root-solver.js';
export type { InverseExponentOverride } from './exponents.js';
export { summarizeShampooStats, type ShampooBlockStats, type ShampooStats, type ShampooStatsSummary } from './stats.js';
export type { ConditionSource } from './condition.js';
export { iterateAveraging, evalParams, trainParams, type IterateAveragingConfig, type IterateAveragingState } from './iterate-averaging.js';

// Root execution (executors/): the interface, the host and device executors, the placement rule.
export * from './executors/index.js';
// The pure root computation an executor or runner runs, on plain data.
export { computeRoots, type InverseRootMethod, type RootOutcome, type RootStatus, type RootTask, type RootTaskKind, type RootTaskSpec } from './root-task.js';

// Deprecated names, kept for one release.
export {
  asyncHostRootExecutor,
  inlineRootExecutor,
  runnerRootExecutor,
  withDeviceEigen,
  rootExecutorKindFor,
  type RootExecutorKind,
  type AsyncHostRootExecutor,
  type AsyncHostRootExecutorOptions,
  type RunnerExecutorOptions,
} from './executors/deprecated.js';
