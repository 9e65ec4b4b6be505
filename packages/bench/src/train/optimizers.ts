/**
 * The optimizers the demo and the suites compare, with every setting in one place:
 *   AdamW   : adamw(lr, b1 0.9, b2 0.999, eps 1e-8, decoupled weight decay wd)
 *   Shampoo : shampoo(lr, betas [0.9, 0.999], epsilon 1e-12, decoupled weight decay wd,
 *             preconditionFrequency, maxPreconditionerDim, Adam grafting (beta2 0.999,
 *             eps 1e-8)); its step size is Adam's, block by block, so lr means the same
 *             thing for both.
 *   SOAP    : soap(lr, its paper's betas [0.95, 0.95], eps 1e-8, roots (one warm-started
 *             QR step) every 10 steps, decoupled weight decay wd, maxPreconditionerDim).
 *   Muon    : muon(lr, momentum 0.95 Nesterov, 5 Newton-Schulz steps, weight decay wd) on
 *             the model's hidden matrices (Model.hiddenMatrix; default every 2-D
 *             parameter), AdamW (lr, wd) on the rest.
 *   tf.train.adam : tfjs's own Adam (b1 0.9, b2 0.999, eps 1e-8; no weight decay).
 * A schedule (decaySteps, warmupSteps) multiplies every optimizer's update at step t by
 *   m(t) = t / W for t < W, then (1 + cos(pi (t - W) / (T - W))) / 2   (core's warmupCosineDecay, 0 -> 1 -> 0),
 * so lr is the peak learning rate of every optimizer alike.
 * On a backend whose synchronous readback is expensive (webgpu) Shampoo computes its
 * roots on the device in float32, elsewhere on the host in float64 (backends' rule).
 */
import * as tf from '@tensorflow/tfjs';
import { adamw, chain, scaleBySchedule, warmupCosineDecay, type GradientTransformation, type Schedule } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { deviceRootExecutor, hostRootExecutor, muon, shampoo, soap, type RootExecutor, type ShampooOptions, type ShampooStats } from '@shampoo-ts/shampoo';
import type { Model, Params } from '../models/model.js';
import { tfjsLearner, transformLearner, type Learner } from './learner.js';

export type OptimizerName = 'shampoo' | 'adamw' | 'soap' | 'muon' | 'tf.train.adam';

/** Every contender, baseline first (the order the protocol runs them in). */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adamw', 'shampoo', 'soap', 'muon', 'tf.train.adam'];

export interface OptimizerSpec {
  readonly name: OptimizerName;
  readonly lr: number;
  /** Decoupled weight decay (all but tf.train.adam, which ignores it). */
  readonly weightDecay: number;
  /** Shampoo only. */
  readonly preconditionFrequency: number;
  /** Shampoo and SOAP. */
  readonly maxPreconditionerDim: number;
  /** Shampoo only: store factors as packed upper triangles. */
  readonly useSymmetricPacking?: boolean;
  /** Shampoo only: where roots are computed ('host-float64' unless told otherwise). */
  readonly rootExecutor?: 'host-float64' | 'device-float32' | RootExecutor;
  /** Shampoo only: called after each step with its per-block root stats (ShampooOptions.onStats). */
  readonly onStats?: (stats: ShampooStats) => void;
  /**
   * Every optimizer: multiply the update of step t by m(t), a linear warmup over
   * warmupSteps then a cosine decay to 0 at decaySteps (see the module comment);
   * default: a constant lr.
   */
  readonly decaySteps?: number;
  /** Length of the linear warmup of the schedule (default 0; needs decaySteps). */
  readonly warmupSteps?: number;
  /**
   * Shampoo only: options laid over the module comment's (the ablation's variants), made
   * anew for every learner (a root executor holds the state of one run).
   */
  readonly shampooOverrides?: () => Partial<ShampooOptions>;
}

/** Display names for tables and plots. */
export function optimizerLabel(name: OptimizerName): string {
  return { shampoo: 'Shampoo', adamw: 'AdamW', soap: 'SOAP', muon: 'Muon', 'tf.train.adam': 'tf.train.adam' }[name];
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
    ...(spec.onStats ? { onStats: spec.onStats } : {}),
    ...spec.shampooOverrides?.(),
  };
}

/** The schedule's multiplier m(t) (0 -> 1 -> 0), or undefined for a constant lr. */
export function scheduleMultiplier(spec: OptimizerSpec): Schedule | undefined {
  if (spec.decaySteps === undefined) {
    if (spec.warmupSteps !== undefined) throw new RangeError(`schedule: warmupSteps = ${spec.warmupSteps} is not allowed without decaySteps; allowed: undefined, or set decaySteps`);
    return undefined;
  }
  return warmupCosineDecay({ initValue: 0, peakValue: 1, warmupSteps: spec.warmupSteps ?? 0, decaySteps: spec.decaySteps });
}

/** The transform at the constant peak lr, before any schedule. */
function constantTransform(spec: OptimizerSpec, model?: Model): GradientTransformation {
  const wd = spec.weightDecay;
  switch (spec.name) {
    case 'shampoo':
      return shampoo(shampooOptions(spec)) as GradientTransformation;
    case 'adamw':
      return adamw({ learningRate: spec.lr, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: wd }) as GradientTransformation;
    case 'soap':
      return soap({ lr: spec.lr, weightDecay: wd, weightDecayType: 'decoupled', maxPreconditionerDim: spec.maxPreconditionerDim, rootExecutor: hostRootExecutor() }) as GradientTransformation;
    case 'muon':
      return muon({
        lr: spec.lr, weightDecay: wd, adam: { weightDecay: wd },
        ...(model?.hiddenMatrix === undefined ? {} : { isMatrixParam: (path: string, leaf: tf.Tensor) => leaf.rank === 2 && (model.hiddenMatrix as (p: string) => boolean)(path) }),
      });
    default:
      throw new RangeError(`makeTransform: optimizer '${spec.name}' is not a shampoo-ts transform; allowed: 'shampoo', 'adamw', 'soap', 'muon'`);
  }
}

/**
 * The shampoo-ts transform of a spec: the optimizer at its peak lr, then, with a
 * schedule, chain(optimizer, scaleBySchedule(m)): u'_t = m(t) u_t. With a model, Muon
 * orthogonalizes only the model's hidden matrices (Model.hiddenMatrix).
 */
export function makeTransform(spec: OptimizerSpec, model?: Model): GradientTransformation {
  const m = scheduleMultiplier(spec);
  const tx = constantTransform(spec, model);
  return m === undefined ? tx : (chain(tx, scaleBySchedule(m)) as GradientTransformation);
}

/** A learner for the spec on these initial parameters (which stay the caller's). */
export function makeLearner(spec: OptimizerSpec, model: Model, params: Params): Learner {
  if (spec.name === 'tf.train.adam') {
    const m = scheduleMultiplier(spec);
    return tfjsLearner(model, params, tf.train.adam(spec.lr, 0.9, 0.999, 1e-8), m === undefined ? undefined : (t) => spec.lr * m(t));
  }
  return transformLearner(model, params, makeTransform(spec, model));
}
