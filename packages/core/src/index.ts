/**
 * @shampoo-ts/core: trees of tensors, the transform type, combinators, schedules, the
 * building-block transforms and the optimizers made of them, training and checkpoints: what a
 * user composes. Writing a transform needs a few more helpers: '@shampoo-ts/core/authoring'.
 */
// Trees
export {
  isTensor, leaves, leavesWithPaths, treeMap, treeMapN, unflatten, disposeTree, assertSameStructure, firstStructureDifference,
  type Tree, type TensorTree,
} from './tree.js';
export { treeClone, treeZerosLike, globalNorm } from './tree-ops.js';

// Transforms and their state
export type { GradientTransformation, StateValue, EmptyState, CountState } from './transform.js';
export { stateLeavesWithPaths, stateFingerprint, type StateLeaf } from './state-tree.js';

// The error every option check throws: owner, option, value, allowed (tests check the fields).
export { OptionError, OptionTypeError, isOptionError, type OptionProblem } from './option-error.js';

// Combinators
export { identity } from './combinators/identity.js';
export { chain } from './combinators/chain.js';
export { namedChain, type NamedChainState } from './combinators/named-chain.js';
export { masked, type MaskedState } from './combinators/masked.js';
export { partition, type PartitionState } from './combinators/partition.js';
export { injectHyperparams, type InjectHyperparamsOptions, type InjectHyperparamsState, type InjectableHyperparams } from './combinators/inject-hyperparams.js';
export { setHyperparam } from './combinators/set-hyperparam.js';
export { applyUpdates } from './combinators/apply-updates.js';

// Schedules
export type { Schedule, ScalarOrSchedule } from './schedules/schedule.js';
export { constant } from './schedules/constant.js';
export { linear, type LinearOptions } from './schedules/linear.js';
export { exponentialDecay, type ExponentialDecayOptions } from './schedules/exponential-decay.js';
export { cosineDecay, type CosineDecayOptions } from './schedules/cosine-decay.js';
export { warmupCosineDecay, type WarmupCosineDecayOptions } from './schedules/warmup-cosine-decay.js';
export { piecewiseConstant } from './schedules/piecewise-constant.js';
export { joinSchedules } from './schedules/join-schedules.js';

// Building blocks
export { scale } from './transforms/scale.js';
export { scaleBySchedule } from './transforms/scale-by-schedule.js';
export { scaleByLearningRate, type ScaleByLearningRateOptions } from './transforms/scale-by-learning-rate.js';
export { addDecayedWeights } from './transforms/add-decayed-weights.js';
export { clipByGlobalNorm } from './transforms/clip-by-global-norm.js';
export { trace, type TraceState, type TraceOptions } from './transforms/trace.js';
export { scaleByAdam, type ScaleByAdamState, type ScaleByAdamOptions } from './transforms/scale-by-adam.js';
export { scaleByRms, type ScaleByRmsState, type ScaleByRmsOptions } from './transforms/scale-by-rms.js';
export { scaleByStddev, type ScaleByStddevState } from './transforms/scale-by-stddev.js';
export { scaleByAdagrad, type ScaleByAdagradState, type ScaleByAdagradOptions } from './transforms/scale-by-adagrad.js';
export { divideByRoot } from './transforms/divide-by-root.js';
export { applyIfFinite, type ApplyIfFiniteState, type ApplyIfFiniteOptions } from './transforms/apply-if-finite.js';
export {
  multiSteps, emaParams, emaOf, lookahead,
  type MultiStepsState, type MultiStepsOptions, type EmaParamsState, type EmaParamsOptions, type LookaheadState, type LookaheadOptions,
} from './transforms/wrappers.js';

// Optimizers
export { sgd, type SgdOptions } from './aliases/sgd.js';
export { adam, type AdamOptions } from './aliases/adam.js';
export { adamw, type AdamwOptions } from './aliases/adamw.js';
export { adagrad, type AdagradOptions } from './aliases/adagrad.js';
export { rmsprop, type RmspropOptions } from './aliases/rmsprop.js';

// Training
export { initTrainState, step, type TrainState } from './train/train-state.js';
export { valueAndGrad } from './train/value-and-grad.js';
export { Trainer, type TrainerOptions, type StepReport } from './train/trainer.js';

// Checkpoints
export {
  CHECKPOINT_FORMAT_VERSION,
  type Checkpoint, type CheckpointData, type CheckpointDtype, type CheckpointEntry, type CheckpointNode, type CheckpointValue,
} from './checkpoint/format.js';
export { saveCheckpoint, saveCheckpointAsync } from './checkpoint/save-checkpoint.js';
export { loadCheckpoint } from './checkpoint/load-checkpoint.js';

/**
 * Deprecated here, kept for one release: the authoring helpers, now at '@shampoo-ts/core/authoring'.
 * @deprecated import these from '@shampoo-ts/core/authoring'
 */
export * from './authoring.js';
