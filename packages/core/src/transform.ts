/**
 * The gradient transformation: the one abstraction everything else is built from.
 *
 * A transform is a pair of pure functions
 *   init(params)                     -> state
 *   update(updates, state, params?)  -> [updates', state']
 * where `updates` is a tree of tensors (gradients on the way in, parameter deltas on the
 * way out) and `state` is plain data: nested objects and arrays of tensors, numbers,
 * booleans and strings. Optimizers are chains of transforms; `applyUpdates` adds the
 * final updates to the parameters.
 *
 * Ownership: a transform never disposes what it is given (updates, state, params), and
 * everything it returns is owned by the caller: a new tensor, or `tf.clone` of an input
 * (which shares memory and only adds a reference). The caller disposes the old state
 * when it no longer needs it (the runner, `Trainer` in train/trainer.ts, does this).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TensorTree } from './tree.js';

/** Plain-data optimizer state: tensors, numbers, booleans, strings, null, nested in arrays and objects. */
export type StateValue =
  | tf.Tensor
  | number
  | boolean
  | string
  | null
  | readonly StateValue[]
  | { readonly [key: string]: StateValue };

/** A pure gradient transformation over trees of tensors with state of type `S`. */
export interface GradientTransformation<S extends StateValue = StateValue> {
  /** Builds the initial state for these parameters. Does not keep references to `params`. */
  init(params: TensorTree): S;
  /** Maps incoming updates to outgoing updates and a new state; never disposes its inputs. */
  update(updates: TensorTree, state: S, params?: TensorTree): [TensorTree, S];
}

/** The state of a stateless transform: an empty object. */
export type EmptyState = { readonly [key: string]: never };

/** The state of a transform that only counts its updates. */
export type CountState = { readonly count: number };
