/**
 * A Shampoo variant is the part of the step that differs between the family members: how
 * the per-block statistics are updated, which amortized (root) computation they need,
 * and how a search direction is preconditioned. Everything else (blocking, grafting,
 * filtered gradient, weight decay, momentum, scheduling of root steps, failure counting)
 * is shared by scale-by-shampoo.ts.
 *
 * Functions return new state objects. A tensor they leave unchanged may be returned as the
 * same object: the transform clones every tensor of the new state that also belongs to the
 * old one before returning (the ownership rule), and tf.tidy disposes the rest.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { StateValue } from '@shampoo-ts/core';
import type { RootRequest, RootResult } from '../executors/root-executor.js';
import type { InverseRootMethod, RootTaskKind } from '../root-task.js';
import type { RootSolverSettings } from '../root-solver.js';

/** What a variant knows about a block. */
export interface BlockInfo {
  /** `<parameter path>#<block index>`. */
  readonly key: string;
  readonly shape: readonly number[];
  /** Inverse exponent per dim (0 = not preconditioned). */
  readonly exponents: readonly number[];
}

/** Settings shared by every variant call of one transform. */
export interface VariantSettings {
  readonly beta2: number;
  readonly weight: number;
  readonly packed: boolean;
  readonly epsilon: number;
  /** c of the float32 damping floor (damping-floor.ts); 0 = off. */
  readonly dampingFloor: number;
  readonly traceScalingExponent: number;
  readonly method: InverseRootMethod;
  readonly rankDeficiency: 'perturbation' | 'pseudo-inverse';
  /** Solver settings of 'inverse-root' tasks (root-solver.ts). */
  readonly solver: RootSolverSettings;
}

/** The variant's part of a block's state. */
export type VariantState = { readonly [key: string]: StateValue };

/**
 * A variant's per-block steps run once on a stack of B blocks of one shape (block-engine.ts
 * groups the blocks): the same math as the per-block methods, block b of each stack being
 * block b of `blocks`. Each method is optional; the engine runs the per-block method for a
 * missing one, or when `supports(shape)` is false.
 */
export interface BatchedVariantSteps {
  /** True if blocks of this shape run batched. */
  supports(shape: readonly number[]): boolean;
  /** updateStatistics of every block, from the [B, ...shape] stack of their gradient blocks. */
  updateStatistics?(blocks: readonly BlockInfo[], states: readonly VariantState[], grad: tf.Tensor): VariantState[];
  /** The [B, ...shape] stack of every block's precondition(block, state, direction_b, biasCorrection). */
  precondition?(blocks: readonly BlockInfo[], states: readonly VariantState[], direction: tf.Tensor, biasCorrection: number): tf.Tensor;
}

/** One member of the family (see the module comment). */
export interface ShampooVariant {
  readonly name: string;
  /** Kind of root task on root steps, or null if the variant has no amortized computation. */
  readonly rootKind: RootTaskKind | null;
  /** The initial state of one block (zero statistics, identity roots). */
  init(block: BlockInfo): VariantState;
  /** Statistics update from the (weight-decayed) gradient block, before the roots of this step. */
  updateStatistics(block: BlockInfo, state: VariantState, grad: tf.Tensor): VariantState;
  /** The requests of a root step (factors already divided by nothing: bc2 goes in the spec). */
  rootRequests(block: BlockInfo, state: VariantState, biasCorrection: number): RootRequest[];
  /** Installs successful results, by dim. Takes ownership of the result tensors it keeps. */
  install(block: BlockInfo, state: VariantState, results: ReadonlyMap<number, RootResult>): VariantState;
  /** Statistics that need this step's roots (SOAP's corrected eigenvalues); identity otherwise. */
  afterRoots(block: BlockInfo, state: VariantState, grad: tf.Tensor): VariantState;
  /** The preconditioned direction of `direction` (a new tensor). */
  precondition(block: BlockInfo, state: VariantState, direction: tf.Tensor, biasCorrection: number): tf.Tensor;
  /** The same steps on stacks of blocks of one shape, where the variant has them. */
  readonly batched?: BatchedVariantSteps;
}
