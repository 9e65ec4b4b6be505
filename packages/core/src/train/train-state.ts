/**
 * The train state and the pure step.
 *
 *   state_0     = initTrainState(params, tx)            = { params, optState: tx.init(params), count: 0 }
 *   state_{k+1} = step(state_k, grads_k, tx)            = { params + u_k, optState', count + 1 }
 *                 where [u_k, optState'] = tx.update(grads_k, optState, params)
 *
 * Ownership: `initTrainState` and `step` never dispose their inputs, and everything they
 * return is new (a tensor the step computed, or a `tf.clone` of an input), owned by the
 * caller. A loop that keeps only the latest state disposes the previous one after each
 * step (`disposeTree(old)`), which is what `Trainer` does.
 */
import type { GradientTransformation, StateValue } from '../transform.js';
import { assertSameStructure, leavesWithPaths, type TensorTree } from '../tree.js';
import { treeClone } from '../tree-ops.js';
import { tidyState } from '../state-tree.js';
import { applyUpdates } from '../combinators/apply-updates.js';
import { checkGradients } from '../check-gradients.js';

/** Parameters, optimizer state and the number of steps taken. Plain data. */
export type TrainState<S extends StateValue = StateValue, P extends TensorTree = TensorTree> = {
  readonly params: P;
  readonly optState: S;
  readonly count: number;
};

function checkParams(params: TensorTree): void {
  for (const [path, p] of leavesWithPaths(params)) {
    if (p.dtype !== 'float32') {
      throw new TypeError(`initTrainState: the parameter at '${path}' has dtype ${p.dtype}; allowed: float32`);
    }
    if (p.isDisposed) throw new TypeError(`initTrainState: the parameter at '${path}' is disposed`);
  }
}

/**
 * The initial train state: { params: clones of params, optState: tx.init(params), count: 0 }.
 * `params` stays owned by the caller (the state holds `tf.clone`s of it). Parameters must
 * be float32 tensors; an error names the first path that is not.
 */
export function initTrainState<S extends StateValue, P extends TensorTree>(params: P, tx: GradientTransformation<S>): TrainState<S, P> {
  checkParams(params);
  return tidyState(() => ({ params: treeClone(params), optState: tx.init(params), count: 0 }));
}

/**
 * One optimizer step, pure: [u, s'] = tx.update(grads, state.optState, state.params),
 * params' = params + u, count' = count + 1. `grads` must have the structure and shapes of
 * `state.params` and every leaf must be a live float32 tensor (a `TypeError` names the first
 * differing or bad path). Nothing is disposed, and
 * a failed step creates nothing: the previous state stays valid.
 */
export function step<S extends StateValue, P extends TensorTree>(
  state: TrainState<S, P>,
  grads: TensorTree,
  tx: GradientTransformation<S>,
): TrainState<S, P> {
  assertSameStructure(state.params, grads, ['params', 'grads'], true);
  checkGradients('step', grads);
  return tidyState(() => {
    const [updates, optState] = tx.update(grads, state.optState, state.params);
    const params = applyUpdates(state.params, updates);
    return { params, optState, count: state.count + 1 };
  });
}
