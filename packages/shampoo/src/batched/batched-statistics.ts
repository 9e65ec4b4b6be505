/**
 * The Kronecker-factor statistics of a stack of blocks, for the variants whose statistics
 * are F_i <- beta2 F_i + w G_(i) G_(i)^T (root-inverse, eigendecomposed and
 * eigenvalue-corrected Shampoo): each dim's factors of the B blocks are stacked, updated by
 * one batched Gram product (factors.ts updateFactorsBatch) and handed back per block.
 */
import * as tf from '@tensorflow/tfjs-core';
import { updateFactorsBatch } from '../factors.js';
import type { BlockInfo, VariantState } from '../variants/types.js';
import { stackOrNull, unstackBlocks } from './stacking.js';

type Maybe = readonly (tf.Tensor | null)[];

/** The stack of every block's entry `dim` of the list `field` of their states (null where not preconditioned). */
export function stackStateDim(states: readonly VariantState[], field: string, dim: number): tf.Tensor | null {
  return stackOrNull(states.map((s) => (s[field] as Maybe)[dim]));
}

/** updateStatistics on a stack (see the module comment): new states with the updated `factors`. */
export function factorStatisticsBatch(settings: { readonly beta2: number; readonly weight: number; readonly packed: boolean }) {
  return (blocks: readonly BlockInfo[], states: readonly VariantState[], grad: tf.Tensor): VariantState[] => {
    const order = blocks[0].shape.length;
    const stacked = Array.from({ length: order }, (_, i) => stackStateDim(states, 'factors', i));
    const next = updateFactorsBatch(stacked, grad, settings).map((f) => (f === null ? null : unstackBlocks(f)));
    return states.map((s, b) => ({ ...s, factors: next.map((f) => (f === null ? null : f[b])) }));
  };
}
