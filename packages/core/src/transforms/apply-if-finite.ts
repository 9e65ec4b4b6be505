import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { leavesWithPaths, pathLabel, type TensorTree } from '../tree.js';
import { treeZerosLike } from '../tree-ops.js';
import { cloneState, tidyState } from '../state-tree.js';
import { checkKnownOptions, checkNumber } from '../validate.js';
import { checkTransform } from '../combinators/check-transform.js';
import { checkGradients } from '../check-gradients.js';

/** The state of `applyIfFinite`. */
export type ApplyIfFiniteState<S extends StateValue = StateValue> = {
  /** Non-finite steps in a row, up to now (0 after a finite step). */
  readonly notFiniteCount: number;
  /** Non-finite steps since init. */
  readonly totalNotFinite: number;
  /** Whether the last step was finite (true at init). */
  readonly lastFinite: boolean;
  readonly inner: S;
};

/** Options of `applyIfFinite`: how many non-finite updates in a row are skipped (returned as zeros, the inner state kept) before it throws. */
export interface ApplyIfFiniteOptions {
  /** Non-finite steps in a row that are skipped; the next one in a row throws (default 5, >= 0). */
  readonly maxConsecutiveErrors?: number;
}

/**
 * The name of the first tensor holding a NaN or +-Infinity, or null if all are finite
 * (one read-back of one boolean per tensor). Size-0 tensors are skipped: they hold no
 * value, and tfjs 4.22's tf.all of an empty tensor returns false.
 */
function firstNonFinite(named: ReadonlyArray<[string, tf.Tensor]>): string | null {
  const checked = named.filter(([, t]) => t.size > 0);
  if (checked.length === 0) return null;
  const flags = tf.tidy(() => tf.stack(checked.map(([, t]) => tf.all(tf.isFinite(t)))).dataSync());
  const bad = checked.findIndex((_, i) => flags[i] === 0);
  return bad < 0 ? null : checked[bad][0];
}

/**
 * Skips steps whose gradients (or whose resulting updates) contain NaN or +-Infinity
 * (optax `apply_if_finite`, but throwing instead of applying after too many):
 *   g not finite:          inner.update is not called (so an inner transform that would
 *                          throw on a NaN, as Shampoo's root step does, never sees it);
 *   g finite, u' finite:   [u', s'] = inner.update(g, s),  notFiniteCount = 0
 *   otherwise (skipped):   u' = 0 (so the parameters do not move), s' = s (the inner state
 *                          is kept), notFiniteCount += 1, totalNotFinite += 1
 * When notFiniteCount would exceed maxConsecutiveErrors, update throws an Error naming the
 * first non-finite path and the counts, and creates nothing.
 *
 * Cost: two read-backs per step (a synchronous `dataSync` of one boolean per gradient leaf,
 * then one per update leaf), since a host decision is needed; on backends where synchronous
 * reads fail (webgpu in Node) use it only where a read-back is acceptable.
 */
export function applyIfFinite<S extends StateValue>(
  inner: GradientTransformation<S>,
  options: ApplyIfFiniteOptions = {},
): GradientTransformation<ApplyIfFiniteState<S>> {
  const owner = 'applyIfFinite';
  const tx = checkTransform(owner, 'inner', inner) as GradientTransformation<S>;
  checkKnownOptions(owner, options, ['maxConsecutiveErrors']);
  const maxErrors = checkNumber(owner, 'maxConsecutiveErrors', options.maxConsecutiveErrors ?? 5, { min: 0, integer: true });
  return {
    init: (params) => tidyState(() => ({ notFiniteCount: 0, totalNotFinite: 0, lastFinite: true, inner: tx.init(params) })),
    update: (updates, state, params) => {
      if (state === null || typeof state !== 'object' || typeof state.notFiniteCount !== 'number' || typeof state.totalNotFinite !== 'number') {
        throw new TypeError(`${owner}: the state is not an applyIfFinite state; allowed: the state built by this transform's init`);
      }
      checkGradients(owner, updates);
      return tidyState(() => {
        // The gradients are checked before the inner transform sees them: an inner transform
        // may itself throw on a NaN (Shampoo's root step does) or run work it cannot undo.
        const badGradient = firstNonFinite(leavesWithPaths(updates).map(([p, g]): [string, tf.Tensor] => [`gradient at ${pathLabel(p)}`, g]));
        if (badGradient !== null) return skip(badGradient);
        const [out, innerNext] = tx.update(updates, state.inner, params);
        const badUpdate = firstNonFinite(leavesWithPaths(out).map(([p, u]): [string, tf.Tensor] => [`update at ${pathLabel(p)}`, u]));
        if (badUpdate !== null) return skip(badUpdate);
        return [out, { notFiniteCount: 0, totalNotFinite: state.totalNotFinite, lastFinite: true, inner: innerNext }] as [TensorTree, ApplyIfFiniteState<S>];
      });

      function skip(what: string): [TensorTree, ApplyIfFiniteState<S>] {
        const consecutive = state.notFiniteCount + 1;
        if (consecutive > maxErrors) {
          throw new Error(
            `${owner}: the ${what} contains NaN or Infinity, ${consecutive} non-finite steps in a row ` +
              `(maxConsecutiveErrors = ${maxErrors}, ${state.totalNotFinite + 1} in total); ` +
              `check the loss for overflow, lower the learning rate or clip the gradients`,
          );
        }
        return [
          treeZerosLike(updates),
          { notFiniteCount: consecutive, totalNotFinite: state.totalNotFinite + 1, lastFinite: false, inner: cloneState(state.inner) },
        ];
      }
    },
  };
}
