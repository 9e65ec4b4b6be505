/**
 * The optimizers the demo and the suites compare, with every setting in one place:
 *   AdamW   : adamw(lr, b1 0.9, b2 0.999, eps 1e-8, decoupled weight decay wd)
 *   Shampoo : shampoo(lr, betas [0.9, 0.999], epsilon 1e-12, decoupled weight decay wd,
 *             preconditionFrequency, maxPreconditionerDim, Adam grafting (beta2 0.999,
 *             eps 1e-8)); its step size is Adam's, block by block, so lr means the same
 *             thing for both.
 *   tf.train.adam : tfjs's own Adam (b1 0.9, b2 0.999, eps 1e-8; no weight decay).
 * On a backend whose synchronous readback is expensive (webgpu) Shampoo computes its
 * roots on the device in float32, elsewhere on the host in float64 (backends' rule).
 */
import * as tf from '@tensorflow/tfjs';
import { adamw, chain, cosineDecay, scaleByLearningRate, type GradientTransformation, type ScalarOrSchedule } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { deviceRootExecutor, hostRootExecutor, scaleByShampoo, shampoo, type RootExecutor, type ShampooOptions } from '@shampoo-ts/shampoo';
import type { Model, Params } from '../models/model.js';
import { tfjsLearner, transformLearner, type Learner } from './learner.js';

export type OptimizerName = 'shampoo' | 'adamw' | 'tf.train.adam';

export interface OptimizerSpec {
  readonly name: OptimizerName;
  readonly lr: number;
  /** Decoupled weight decay (AdamW and Shampoo); ignored by tf.train.adam. */
  readonly weightDecay: number;
  /** Shampoo only. */
  readonly preconditionFrequency: number;
  /** Shampoo only. */
  readonly maxPreconditionerDim: number;
  /** Shampoo only: store factors as packed upper triangles. */
  readonly useSymmetricPacking?: boolean;
  /** Shampoo only: where roots are computed ('host-float64' unless told otherwise). */
  readonly rootExecutor?: 'host-float64' | 'device-float32' | RootExecutor;
  /**
   * AdamW and Shampoo: decay the learning rate along a cosine from lr to 0 over this many
   * steps, lr_t = lr (1 + cos(pi t / decaySteps)) / 2 (core's cosineDecay); default: constant.
   */
  readonly decaySteps?: number;
}

/** Display names for tables and plots. */
export function optimizerLabel(name: OptimizerName): string {
  return name === 'shampoo' ? 'Shampoo' : name === 'adamw' ? 'AdamW' : 'tf.train.adam';
}

/** Shampoo's options for a spec (see the module comment). */
export function shampooOptions(spec: OptimizerSpec): ShampooOptions {
  const executor =
    spec.rootExecutor === undefined || spec.rootExecutor === 'host-float64'
      ? hostRootExecutor()
      : spec.rootExecutor === 'device-float32'
        ? deviceRootExecutor()
        : spec.rootExecutor;
  return {
    lr: spec.lr,
    betas: [0.9, 0.999],
    epsilon: 1e-12,
    weightDecay: spec.weightDecay,
    weightDecayType: 'decoupled',
    preconditionFrequency: spec.preconditionFrequency,
    maxPreconditionerDim: spec.maxPreconditionerDim,
    useSymmetricPacking: spec.useSymmetricPacking ?? true,
    grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
    rootExecutor: executor,
  };
}

/** The spec's learning rate: the number lr, or its cosine decay over decaySteps. */
function learningRateOf(spec: OptimizerSpec): ScalarOrSchedule {
  return spec.decaySteps === undefined ? spec.lr : cosineDecay({ initValue: spec.lr, decaySteps: spec.decaySteps });
}

/**
 * The shampoo-ts transform of a spec (Shampoo or AdamW). With a schedule, Shampoo is
 * chain(scaleByShampoo, scaleByLearningRate(schedule)): the same update as shampoo() with
 * the scheduled lr (its decoupled weight decay does not involve lr).
 */
export function makeTransform(spec: OptimizerSpec): GradientTransformation {
  if (spec.name === 'shampoo') {
    if (spec.decaySteps === undefined) return shampoo(shampooOptions(spec)) as GradientTransformation;
    return chain(scaleByShampoo(shampooOptions(spec)), scaleByLearningRate(learningRateOf(spec))) as GradientTransformation;
  }
  if (spec.name === 'adamw') {
    return adamw({ learningRate: learningRateOf(spec), b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: spec.weightDecay }) as GradientTransformation;
  }
  throw new RangeError(`makeTransform: optimizer '${spec.name}' is not a shampoo-ts transform; allowed: 'shampoo', 'adamw'`);
}

/** A learner for the spec on these initial parameters (which stay the caller's). */
export function makeLearner(spec: OptimizerSpec, model: Model, params: Params): Learner {
  if (spec.name === 'tf.train.adam') {
    if (spec.decaySteps !== undefined) throw new RangeError(`makeLearner: decaySteps = ${spec.decaySteps} is not allowed for tf.train.adam; allowed: undefined (tfjs's optimizers take a constant learning rate)`);
    return tfjsLearner(model, params, tf.train.adam(spec.lr, 0.9, 0.999, 1e-8));
  }
  return transformLearner(model, params, makeTransform(spec));
}
