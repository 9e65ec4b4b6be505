/**
 * The invariants every gradient transformation must satisfy, checked on one concrete case
 * (parameters and a sequence of gradients). `checkTransformInvariants` runs this over
 * random cases; call it directly to check your own model's trees.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree, firstStructureDifference, leavesWithPaths, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import { checkTransform } from '@shampoo-ts/core/authoring';
import { findMutation, pathLabel, snapshot, stateStructureDifference, tensorsOf } from './state-walk.js';

/** Options of `checkTransformCase`: which of the invariants to check and how. */
export interface TransformCheckOptions {
  /** Pass the parameters as the third argument of `update`; default true. */
  passParams?: boolean;
  /** Require every float tensor in the state to be finite; default true. */
  finiteState?: boolean;
  /** Require the state to keep its structure (keys, shapes, dtypes, primitive types) across steps; default true. */
  stableStateStructure?: boolean;
}

/** A transform, or a factory that makes a fresh one. */
export type TransformSource = GradientTransformation<any> | (() => GradientTransformation<any>);

/** The transform of a `TransformSource` (calls the factory). */
export function resolveTransform(source: TransformSource): GradientTransformation<any> {
  return checkTransform('transform harness', 'the transform', typeof source === 'function' ? source() : source);
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/** Runs `fn`, prefixing any error it throws with `where`. */
function guard<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    return fail(where, (e as Error).message);
  }
}

function firstNonFinite(value: unknown, name: string): string | undefined {
  for (const [t, path] of tensorsOf(value, name)) {
    if (t.dtype !== 'float32') continue;
    const d = t.dataSync() as Float32Array;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) return `${name} at ${pathLabel(path)} holds ${d[i]} at flat index ${i} (all inputs were finite)`;
    }
  }
  return undefined;
}

/** Message if any tensor of `outputs` is the very same object as one of `owned` (shared ownership). */
function sharedTensor(outputs: Map<tf.Tensor, string>, outName: string, owned: Array<[Map<tf.Tensor, string>, string]>): string | undefined {
  for (const [t, path] of outputs) {
    for (const [set, name] of owned) {
      const p = set.get(t);
      if (p !== undefined) {
        return `${outName} at ${pathLabel(path)} is the same tensor object as ${name} at ${pathLabel(p)}; return a new tensor or tf.clone(...) so the caller can dispose each independently`;
      }
    }
  }
  return undefined;
}

/**
 * Runs `init` then `update` over `grads` (g_1..g_k) and throws on the first violation of:
 *  1. init/update never dispose, replace or change (in place) `params`, the gradients or the state they are given;
 *  2. updates have the structure, shapes and dtypes of the gradients;
 *  3. finite inputs give finite updates (and, with `finiteState`, a finite state);
 *  4. ownership: no returned tensor is an input tensor or appears in both updates and state;
 *  5. no leak: after each call, tf.memory().numTensors = (count before) + (distinct tensors returned),
 *     so numTensors stays flat across steps once the caller disposes the old state and updates;
 *  6. (with `stableStateStructure`) the state keeps its structure from step to step.
 * The caller keeps ownership of `params` and `grads`; everything the transform returns is disposed here.
 */
export function checkTransformCase(
  source: TransformSource,
  params: TensorTree,
  grads: readonly TensorTree[],
  options: TransformCheckOptions = {},
): void {
  const { passParams = true, finiteState = true, stableStateStructure = true } = options;
  const tx = resolveTransform(source);
  const paramTensors = tensorsOf(params, 'params');
  const live: unknown[] = [];
  try {
    const paramSnap = snapshot(params, 'params');
    let before = tf.memory().numTensors;
    let state: unknown = tx.init(params);
    live.push(state);
    const mutated = findMutation(paramSnap, params);
    if (mutated) fail('init', mutated);
    let stateTensors = guard('init', () => tensorsOf(state, 'the initial state'));
    const shared = sharedTensor(stateTensors, 'the initial state', [[paramTensors, 'params']]);
    if (shared) fail('init', shared);
    expectCount('init', before, stateTensors.size);
    if (finiteState) {
      const bad = firstNonFinite(state, 'the initial state');
      if (bad) fail('init', bad);
    }

    grads.forEach((g, i) => {
      const where = `update at step ${i + 1}`;
      const gradTensors = tensorsOf(g, `gradients`);
      const snaps = [snapshot(g, 'gradients'), snapshot(state, 'state'), snapshot(params, 'params')];
      const inputs = [g, state, params];
      before = tf.memory().numTensors;
      const out = tx.update(g, state as never, passParams ? params : undefined);
      if (!Array.isArray(out) || out.length !== 2) fail(where, `returned ${String(out)}; allowed: a pair [updates, state]`);
      const [updates, next] = out;
      live.push(updates, next);
      snaps.forEach((s, k) => {
        const m = findMutation(s, inputs[k]);
        if (m) fail(where, m);
      });
      const d = firstStructureDifference(g, updates, true);
      if (d) fail(where, `updates do not match the gradients at ${pathLabel(d.path)}: gradients have ${d.left}, updates have ${d.right}`);
      const gl = leavesWithPaths(g);
      leavesWithPaths(updates).forEach(([path, u], k) => {
        if (u.dtype !== gl[k][1].dtype) fail(where, `updates at ${pathLabel(path)} have dtype ${u.dtype}; the gradients have ${gl[k][1].dtype}`);
      });
      const updTensors = guard(where, () => tensorsOf(updates, 'updates'));
      const nextTensors = guard(where, () => tensorsOf(next, 'the new state'));
      const owned: Array<[Map<tf.Tensor, string>, string]> = [[gradTensors, 'the gradients'], [stateTensors, 'the previous state'], [paramTensors, 'params']];
      const s1 = sharedTensor(updTensors, 'updates', owned) ?? sharedTensor(nextTensors, 'the new state', [...owned, [updTensors, 'updates']]);
      if (s1) fail(where, s1);
      expectCount(where, before, updTensors.size + nextTensors.size);
      const nonFinite = firstNonFinite(updates, 'updates') ?? (finiteState ? firstNonFinite(next, 'the new state') : undefined);
      if (nonFinite) fail(where, nonFinite);
      if (stableStateStructure) {
        const sd = stateStructureDifference(state, next, ['the previous state', 'the new state']);
        if (sd) fail(where, `the state changed structure: ${sd}`);
      }
      // The caller's side of the contract: dispose the old state and the applied updates.
      const countBeforeDispose = tf.memory().numTensors;
      disposeTree(state);
      disposeTree(updates);
      const freed = countBeforeDispose - tf.memory().numTensors;
      if (freed !== stateTensors.size + updTensors.size) {
        fail(where, `disposing the old state and the updates freed ${freed} tensors; expected ${stateTensors.size + updTensors.size}`);
      }
      state = next;
      stateTensors = nextTensors;
    });
  } finally {
    for (const x of live) disposeTree(x);
  }
}

function expectCount(where: string, before: number, returned: number): void {
  const after = tf.memory().numTensors;
  if (after !== before + returned) {
    const extra = after - before - returned;
    fail(
      where,
      extra > 0
        ? `leaked ${extra} tensor(s): tf.memory().numTensors went from ${before} to ${after} but only ${returned} distinct tensors were returned (use tf.tidy or dispose intermediates)`
        : `tf.memory().numTensors went from ${before} to ${after} with ${returned} tensors returned: ${-extra} tensor(s) it did not create were disposed`,
    );
  }
}
