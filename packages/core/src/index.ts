// Trees and state
export * from './tree.js';
export * from './tree-ops.js';
export * from './transform.js';
export * from './state-tree.js';
export * from './state-subset.js';
export * from './per-param.js';
export * from './validate.js';
export * from './option-error.js';
export * from './check-gradients.js';
export * from './bias-correction.js';

// Combinators
export * from './combinators/identity.js';
export * from './combinators/chain.js';
export * from './combinators/named-chain.js';
export * from './combinators/masked.js';
export * from './combinators/partition.js';
export * from './combinators/leaf-labels.js';
export * from './combinators/inject-hyperparams.js';
export * from './combinators/set-hyperparam.js';
export * from './combinators/apply-updates.js';
export { checkTransform } from './combinators/check-transform.js';

// Schedules
export * from './schedules/schedule.js';
export * from './schedules/constant.js';
export * from './schedules/linear.js';
export * from './schedules/exponential-decay.js';
export * from './schedules/cosine-decay.js';
export * from './schedules/warmup-cosine-decay.js';
export * from './schedules/piecewise-constant.js';
export * from './schedules/join-schedules.js';

// Building blocks
export * from './transforms/scale.js';
export * from './transforms/scale-by-schedule.js';
export * from './transforms/scale-by-learning-rate.js';
export * from './transforms/add-decayed-weights.js';
export * from './transforms/clip-by-global-norm.js';
export * from './transforms/trace.js';
export * from './transforms/scale-by-adam.js';
export * from './transforms/scale-by-rms.js';
export * from './transforms/scale-by-stddev.js';
export * from './transforms/scale-by-adagrad.js';
export * from './transforms/divide-by-root.js';
export * from './transforms/apply-if-finite.js';
export { checkCount } from './transforms/check-count.js';

// Optimizers
export * from './aliases/sgd.js';
export * from './aliases/adam.js';
export * from './aliases/adamw.js';
export * from './aliases/adagrad.js';
export * from './aliases/rmsprop.js';

// Training
export * from './train/train-state.js';
export * from './train/value-and-grad.js';
export * from './train/trainer.js';

// Checkpoints
export * from './checkpoint/format.js';
export * from './checkpoint/save-checkpoint.js';
export * from './checkpoint/load-checkpoint.js';
