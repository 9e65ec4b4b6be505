/**
 * The stacked inputs of a group of blocks (block-engine.ts):
 *   W = [W_0, ..., W_{B-1}]                  the parameter blocks (a missing one counts as 0), or null
 *   G = [g_0, ..., g_{B-1}] + wd W          with 'l2' weight decay wd (else the gradients alone)
 * and, when a per-block step needs them, G's blocks one by one (made once, on first use).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BlockInput } from '../block-engine.js';
import { stackBlocks, unstackBlocks } from './stacking.js';

/** A group's stacked gradient (weight-decayed) and parameters. */
export interface GroupInputs {
  readonly G: tf.Tensor;
  readonly W: tf.Tensor | null;
  /** G's blocks, G_b = g_b + wd W_b (the gradient blocks themselves without 'l2' decay). */
  blockG(): readonly tf.Tensor[];
}

/**
 * A group's inputs from its stacked gradient and parameter blocks; `l2` is the 'l2'
 * weight-decay coefficient (0 for none); `gradBlocks` the gradient blocks one by one if at hand.
 */
export function groupInputs(grads: tf.Tensor, params: tf.Tensor | null, l2: number, gradBlocks: readonly tf.Tensor[] | null): GroupInputs {
  const decayed = l2 !== 0 && params !== null;
  const G = decayed ? tf.add(grads, tf.mul(params, l2)) : grads;
  let blocks: readonly tf.Tensor[] | null = decayed ? null : gradBlocks;
  return { G, W: params, blockG: () => (blocks ??= unstackBlocks(G)) };
}

/** Stacks a group's inputs from its blocks (see groupInputs). */
export function stackGroupInputs(members: readonly BlockInput[], l2: number): GroupInputs {
  const grads = members.map((m) => m.grad);
  const W = members.some((m) => m.param !== null) ? stackBlocks(members.map((m) => m.param ?? tf.zerosLike(m.grad))) : null;
  return groupInputs(stackBlocks(grads), W, l2, grads);
}
