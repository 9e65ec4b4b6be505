/**
 * @shampoo-ts/core/authoring: what writing a transform or an adapter needs beyond the user's
 * API: option validation with uniform messages, per-parameter state, state-tree helpers that
 * keep tensors from leaking, state subsets, leaf labels, and the walk behind checkpoints.
 */
// Validation: `${owner}: ${name} = ${value} is not allowed; allowed: ...`
export { checkNumber, checkBoolean, checkKnownOptions, checkWith, invalidParameter, invalidType, describeRange, type NumberRange } from './validate.js';
export { biasCorrection } from './bias-correction.js';
export { checkPerParam, perParam, mapWithState, type PerParam } from './per-param.js';
export { checkScalarOrSchedule, valueAt } from './schedules/schedule.js';
export { checkGradients } from './check-gradients.js';
export { checkCount } from './transforms/check-count.js';
export { checkTransform } from './combinators/check-transform.js';

// State trees: leaves, copies, tensors, tidy updates.
export { isStateLeaf, cloneState, mapTensorsIn, tensorsIn, ownTensors, tidyState } from './state-tree.js';
export { shareTensor } from './share-tensor.js';
export { stateSkeleton, selectState, mergeState, extendState, type StateSkeleton } from './state-subset.js';
export { resolveLeafSpec, subTree, type LeafSpec } from './combinators/leaf-labels.js';
export { joinPath, walkTree, isTreeContainer } from './tree.js';

// The checkpoint walk (for adapters with their own file formats).
export { walkState, pathLabel, assembleCheckpoint, DATA_TYPES, type NodeKind, type WalkedNode } from './checkpoint/format.js';
