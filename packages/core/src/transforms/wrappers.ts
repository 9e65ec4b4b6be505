/**
 * Wrappers over whole optimizers (issue #16 item 7, what optax users expect):
 *   multiSteps(inner, { everySteps })       gradient accumulation (optax `MultiSteps`)
 *   emaParams({ decay, debias })            an EMA (Polyak average) of the parameters, read with `emaOf`
 *   lookahead(inner, { syncPeriod, alpha })  Lookahead (Zhang et al. 2019; optax `lookahead`)
 * All three are ordinary gradient transformations: pure, state as plain data keyed by
 * parameter path, inputs never disposed, every returned tensor new or cloned. They compose
 * with `chain`, `step` and `TrainState` and checkpoint like any other state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { assertSameStructure, isTensor, pathLabel, treeMap, walkTree, type TensorTree, type Tree } from '../tree.js';
import { treeZerosLike } from '../tree-ops.js';
import { checkPerParam, perParam, type PerParam } from '../per-param.js';
import { cloneState, tidyState } from '../state-tree.js';
import { checkBoolean, checkKnownOptions, checkNumber } from '../validate.js';
import { checkTransform } from '../combinators/check-transform.js';
import { checkGradients } from '../check-gradients.js';
import { checkCount } from './check-count.js';

// ---------------------------------------------------------------------------------------
// multiSteps

/** The state of `multiSteps`. */
export type MultiStepsState<S extends StateValue = StateValue> = {
  /** Micro-batches accumulated since the last inner step, in [0, everySteps). */
  readonly miniStep: number;
  /** The sum of the gradients of those micro-batches, per parameter path. */
  readonly gradSum: PerParam;
  /** The inner transform's state; it advances once every `everySteps` calls. */
  readonly inner: S;
};

/** Options of `multiSteps`: k micro-batch gradients are averaged, ḡ = (1/k) Σ gᵢ, and the inner transform steps once on ḡ. */
export interface MultiStepsOptions {
  /** The number k of micro-batches per inner step: an integer >= 1. */
  readonly everySteps: number;
}

/**
 * Gradient accumulation (optax `MultiSteps`). With k = everySteps and the calls numbered
 * i = 1, 2, ...:
 *   i not a multiple of k:   S_i = S_{i-1} + g_i,  u_i = 0,  the inner state is kept
 *   i = n k:                 gbar = (S_{i-1} + g_i) / k         (the mean of the last k gradients)
 *                            [u_i, s'] = inner.update(gbar, s, params),  S_i = 0
 * with S_0 = 0. So k micro-batches of size b through multiSteps(tx) move the parameters as
 * one batch of size k b through tx (the mean of equal-size micro-batch means is the batch
 * mean), one inner step per k calls; the parameters do not move in between, so the inner
 * transform sees the same `params` it would see on the big batch. The train state's
 * `count` counts micro-batches, the inner `count` big steps. Place it outermost (around
 * the whole optimizer, `emaParams` included) so that everything steps once per big batch.
 */
export function multiSteps<S extends StateValue>(
  inner: GradientTransformation<S>,
  options: MultiStepsOptions,
): GradientTransformation<MultiStepsState<S>> {
  const owner = 'multiSteps';
  const tx = checkTransform(owner, 'inner', inner) as GradientTransformation<S>;
  checkKnownOptions(owner, options, ['everySteps'], true);
  const k = checkNumber(owner, 'everySteps', options.everySteps, { min: 1, integer: true });
  return {
    init: (params) => tidyState(() => ({ miniStep: 0, gradSum: perParam(params, (p) => tf.zerosLike(p)), inner: tx.init(params) })),
    update: (updates, state, params) => {
      const m = (state as { miniStep?: unknown } | null)?.miniStep;
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m >= k) {
        throw new TypeError(`${owner}: the state's miniStep is ${String(m)}; allowed: an integer in [0, ${k - 1}] (build the state with this transform's init)`);
      }
      checkGradients(owner, updates);
      checkPerParam(owner, 'gradSum', updates, state.gradSum);
      return tidyState(() => {
        const sum = treeMap((g, path) => tf.add(state.gradSum[path], g), updates);
        if (m + 1 < k) {
          return [treeZerosLike(updates), { miniStep: m + 1, gradSum: perParam(sum, (s) => s), inner: cloneState(state.inner) }] as [TensorTree, MultiStepsState<S>];
        }
        const mean = k === 1 ? sum : treeMap((s) => tf.div(s, k), sum);
        const [out, innerNext] = tx.update(mean, state.inner, params);
        return [out, { miniStep: 0, gradSum: perParam(updates, (g) => tf.zerosLike(g)), inner: innerNext }] as [TensorTree, MultiStepsState<S>];
      });
    },
  };
}

// ---------------------------------------------------------------------------------------
// emaParams

/** The state of `emaParams`: the steps taken, the running average and the weight it carries. */
export type EmaParamsState = {
  readonly count: number;
  /** e_t, per parameter path (see emaParams). */
  readonly ema: PerParam;
  /** w_t, the total weight of the parameters averaged into e_t: the average is e_t / w_t. */
  readonly emaWeight: number;
};

/** Options of `emaParams`: the average e_t = d · e_{t−1} + (1 − d) · p_t of the parameters, with optional debiasing by 1 − d^t. */
export interface EmaParamsOptions {
  /** The decay d of the average, in [0, 1) (0 keeps the latest parameters). */
  readonly decay: number;
  /**
   * Start from e_0 = 0 and divide by 1 - d^t (optax's debiasing) instead of starting from
   * the initial parameters (default false, as torch's AveragedModel and flax's EMA do).
   */
  readonly debias?: boolean;
}

/**
 * An exponential moving average of the parameters after each step (Polyak averaging),
 * kept in the optimizer state; it does not change the updates. Place it LAST in the chain
 * (after the learning rate), so that the updates it sees are the final ones: with p the
 * parameters passed to update and u the incoming updates, the new parameters are p + u and
 *   e_t = d e_{t-1} + (1 - d) (p_{t-1} + u_t),     w_t = d w_{t-1} + (1 - d)
 *   u'  = u                                         (passed through, cloned)
 * with e_0 = p_0, w_0 = 1 by default (so w_t = 1 and the average is e_t), or with debias
 * e_0 = 0, w_0 = 0 (so w_t = 1 - d^t and the average e_t / w_t is optax's debiased EMA).
 * Read the average with `emaOf(state)` (of the optimizer state or the whole train state).
 * Requires `params` (step() passes them). Inside `multiSteps` it advances once per big step.
 * (optax's `ema` is a moving average of the updates; this one is of the parameters.)
 */
export function emaParams(options: EmaParamsOptions): GradientTransformation<EmaParamsState> {
  const owner = 'emaParams';
  checkKnownOptions(owner, options, ['decay', 'debias'], true);
  const d = checkNumber(owner, 'decay', options.decay, { min: 0, max: 1, maxExclusive: true });
  const debias = checkBoolean(owner, 'debias', options.debias ?? false);
  return {
    init: (params) =>
      tidyState(() => ({ count: 0, ema: perParam(params, (p) => (debias ? tf.zerosLike(p) : tf.clone(p))), emaWeight: debias ? 0 : 1 })),
    update: (updates, state, params) => {
      const t = checkCount(owner, state) + 1;
      const w = state.emaWeight;
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw new TypeError(`${owner}: the state's emaWeight is ${String(w)}; allowed: a number in [0, 1] (build the state with init)`);
      }
      if (params === undefined) {
        throw new TypeError(`${owner}: update needs the parameters (the third argument), as step() passes them; allowed: a tree like the updates`);
      }
      checkGradients(owner, updates);
      assertSameStructure(updates, params, ['updates', 'params'], true);
      checkPerParam(owner, 'ema', updates, state.ema);
      return tidyState(() => {
        const flatParams = perParam(params, (p) => p);
        const ema = perParam(updates, (u, path) =>
          tf.add(tf.mul(state.ema[path], d), tf.mul(tf.add(flatParams[path], u), 1 - d)),
        );
        return [treeMap((u) => tf.clone(u), updates), { count: t, ema, emaWeight: d * w + (1 - d) }] as [TensorTree, EmaParamsState];
      });
    },
  };
}

function isEmaState(x: unknown): x is EmaParamsState {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return typeof o.emaWeight === 'number' && typeof o.count === 'number' && o.ema !== null && typeof o.ema === 'object';
}

/**
 * The parameter average kept by the one `emaParams` inside `state` (an emaParams state, an
 * optimizer state holding one anywhere, or a train state), as new tensors owned by the
 * caller: `{ [path]: e_t / w_t }`, or, given `like` (the parameters), a tree of that
 * structure (leaves `like` has and the average lacks throw). Throws if the state holds no
 * emaParams state or more than one, or if a debiased average has no step yet (w_0 = 0).
 */
export function emaOf(state: unknown): PerParam;
export function emaOf<T extends TensorTree>(state: unknown, like: T): T;
export function emaOf(state: unknown, like?: TensorTree): PerParam | TensorTree {
  const owner = 'emaOf';
  const found: Array<[string, EmaParamsState]> = [];
  walkTree(state, (node, path) => {
    if (isTensor(node)) return false;
    if (isEmaState(node)) {
      found.push([path, node]);
      return false;
    }
    return true;
  });
  if (found.length !== 1) {
    throw new TypeError(
      found.length === 0
        ? `${owner}: the state holds no emaParams state; allowed: a state of a transform that contains emaParams (or a train state)`
        : `${owner}: the state holds ${found.length} emaParams states (at ${found.map(([p]) => pathLabel(p)).join(', ')}); pass the one you mean`,
    );
  }
  const [, s] = found[0];
  if (s.emaWeight === 0) throw new RangeError(`${owner}: the debiased average has no step yet (count = ${s.count}); allowed: a state after at least one step`);
  const average = (e: tf.Tensor) => (s.emaWeight === 1 ? tf.clone(e) : tf.div(e, s.emaWeight));
  if (like === undefined) return tidyState(() => Object.fromEntries(Object.entries(s.ema).map(([p, e]) => [p, average(e)])) as PerParam);
  return tidyState(() =>
    treeMap((_, path) => {
      const e = Object.prototype.hasOwnProperty.call(s.ema, path) ? s.ema[path] : undefined;
      if (!isTensor(e)) throw new TypeError(`${owner}: the average has no entry at ${pathLabel(path)}; it holds [${Object.keys(s.ema).map(pathLabel).join(', ')}]`);
      return average(e);
    }, like),
  );
}

// ---------------------------------------------------------------------------------------
// lookahead

/** The state of `lookahead`: the steps taken, the slow weights per path and the inner state. */
export type LookaheadState<S extends StateValue = StateValue> = {
  readonly count: number;
  readonly slow: PerParam;
  readonly inner: S;
};

/** Options of `lookahead`: every k fast steps the slow weights move s ← s + alpha (f − s) and the fast weights restart from s. */
export interface LookaheadOptions {
  /** The number k of inner (fast) steps between synchronisations: an integer >= 1. */
  readonly syncPeriod: number;
  /** The step alpha of the slow weights towards the fast ones, in [0, 1]. */
  readonly alpha: number;
}

/**
 * Lookahead (Zhang, Lucas, Hinton & Ba 2019; optax `lookahead`). The train parameters are
 * the fast weights f; the state keeps the slow weights s (s_0 = f_0) and the inner state.
 * At step t = 1, 2, ..., with [u, _] = inner.update(g, _, f) and f~ = f + u:
 *   t not a multiple of k:  u' = u                      (f_t = f~, s_t = s_{t-1})
 *   t = n k:                s_t = s_{t-1} + alpha (f~ - s_{t-1}),  u' = s_t - f   (f_t = s_t)
 * So the parameters follow the inner optimizer and are pulled back to the slow weights
 * every k steps (up to float32 rounding of f + (s_t - f)). The inner state is not reset at
 * a synchronisation (as in optax). alpha = 1 is the inner optimizer itself; alpha = 0 resets
 * to the slow weights, which then never move. Requires `params` (step() passes them).
 */
export function lookahead<S extends StateValue>(
  inner: GradientTransformation<S>,
  options: LookaheadOptions,
): GradientTransformation<LookaheadState<S>> {
  const owner = 'lookahead';
  const tx = checkTransform(owner, 'inner', inner) as GradientTransformation<S>;
  checkKnownOptions(owner, options, ['syncPeriod', 'alpha'], true);
  const k = checkNumber(owner, 'syncPeriod', options.syncPeriod, { min: 1, integer: true });
  const alpha = checkNumber(owner, 'alpha', options.alpha, { min: 0, max: 1 });
  return {
    init: (params) => tidyState(() => ({ count: 0, slow: perParam(params, (p) => tf.clone(p)), inner: tx.init(params) })),
    update: (updates, state, params) => {
      const t = checkCount(owner, state) + 1;
      if (params === undefined) {
        throw new TypeError(`${owner}: update needs the parameters (the third argument), as step() passes them; allowed: a tree like the updates`);
      }
      checkGradients(owner, updates);
      assertSameStructure(updates, params, ['updates', 'params'], true);
      checkPerParam(owner, 'slow', updates, state.slow);
      return tidyState(() => {
        const [u, innerNext] = tx.update(updates, state.inner, params);
        if (t % k !== 0) {
          return [u, { count: t, slow: cloneState(state.slow), inner: innerNext }] as [TensorTree, LookaheadState<S>];
        }
        const fast = perParam(params, (p) => p);
        const du = perParam(u as Tree<tf.Tensor>, (x) => x);
        const slow = perParam(updates, (_, path) => {
          const s = state.slow[path];
          return tf.add(s, tf.mul(tf.sub(tf.add(fast[path], du[path]), s), alpha));
        });
        const out = treeMap((_, path) => tf.sub(slow[path], fast[path]), updates);
        return [out, { count: t, slow, inner: innerNext }] as [TensorTree, LookaheadState<S>];
      });
    },
  };
}
