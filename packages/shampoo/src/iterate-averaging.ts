/**
 * Iterate averaging: generalized primal averaging (GPA) and schedule-free, as a transform
 * placed after the learning rate (it receives u = -lr P and the parameters).
 *
 * Three sequences: z (the base optimizer's iterate, kept in the state), y (the training
 * parameters, where gradients are taken: the `params` of the train state) and x (the
 * evaluation parameters, a view computed from y and z). With mu_x (eval interpolation)
 * and mu_y (train interpolation), in the reference's order:
 *   z <- z (1 - lr alpha)                               (decoupled weight decay, alpha below)
 *   u' = (1 - mu_x mu_y) u + (1 - mu_x) (z - y)         (so that y' = mu_y x' + (1 - mu_y) z')
 *   z' = z + u                                          (z <- z - lr P)
 *   x  = y + (1 - 1/mu_y) (z - y)                       (evalParams)
 * GPA: mu_x = evalInterp (0.9), mu_y = trainInterp (0.8).
 * Schedule-free: mu_y = trainInterp (0.8), mu_x = 1 - lr^p / sum_{i<=t} lr_i^p (p = 2).
 * GPA with mu_y = 1 and lr = lr_sgd / (1 - beta), mu_x = beta is SGD with heavy-ball momentum.
 * Decoupled weight decay (alpha = wd, wd lr / peakLr or wd / peakLr for 'decoupled',
 * 'corrected', 'independent'; see block-engine.ts decoupledWeightDecay) is kept out of P and
 * shrinks z directly, as the reference does: folded into P, the averaging coefficients would
 * scale it too. 'l2' decay stays in the gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { treeMap, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import { checkKnownOptions, perParam, tidyState, type PerParam } from '@shampoo-ts/core/authoring';
import { checkWith, invalidParameter } from './validate.js';

/** Which averaging, with its coefficients. */
export type IterateAveragingConfig =
  | { readonly type: 'gpa'; readonly evalInterp?: number; readonly trainInterp?: number }
  | { readonly type: 'schedule-free'; readonly trainInterp?: number; readonly lrPower?: number };

/** State: the z sequence per parameter path and the running sum of lr^p. */
export type IterateAveragingState = { readonly z: PerParam; readonly lrSum: number };

interface Resolved {
  readonly type: 'gpa' | 'schedule-free';
  readonly evalInterp: number;
  readonly trainInterp: number;
  readonly lrPower: number;
}

const OWNER = 'iterateAveraging';

/** Defaults and validation of an averaging configuration. */
export function resolveIterateAveraging(config: IterateAveragingConfig, owner = OWNER): Resolved {
  if (config === null || typeof config !== 'object' || (config.type !== 'gpa' && config.type !== 'schedule-free')) {
    invalidParameter(owner, 'iterateAveraging', config, "{ type: 'gpa', evalInterp?, trainInterp? } or { type: 'schedule-free', trainInterp?, lrPower? }");
  }
  checkKnownOptions(`${owner}: iterateAveraging`, config, config.type === 'gpa' ? ['type', 'evalInterp', 'trainInterp'] : ['type', 'trainInterp', 'lrPower']);
  const trainInterp = checkWith(owner, 'iterateAveraging.trainInterp', config.trainInterp ?? 0.8, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  if (config.type === 'gpa') {
    const evalInterp = checkWith(owner, 'iterateAveraging.evalInterp', config.evalInterp ?? 0.9, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    return { type: 'gpa', evalInterp, trainInterp, lrPower: 0 };
  }
  const lrPower = checkWith(owner, 'iterateAveraging.lrPower', config.lrPower ?? 2, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  return { type: 'schedule-free', evalInterp: 0, trainInterp, lrPower };
}

/**
 * The averaging transform (see the module comment). `lr` is the current learning rate
 * (schedule-free weights its average by lr^p; GPA ignores it); `weightDecay` is the
 * decoupled coefficient alpha: z <- z (1 - lr alpha) before each step (0: no decay).
 */
export function iterateAveraging(config: IterateAveragingConfig, lr: number, weightDecay = 0): GradientTransformation<IterateAveragingState> {
  const c = resolveIterateAveraging(config);
  checkWith(OWNER, 'lr', lr, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  checkWith(OWNER, 'weightDecay', weightDecay, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  const shrink = 1 - lr * weightDecay;
  return {
    init: (params) => tidyState(() => ({ z: perParam(params, (p) => tf.clone(p)), lrSum: 0 })),
    update(updates: TensorTree, state: IterateAveragingState, params?: TensorTree): [TensorTree, IterateAveragingState] {
      if (params === undefined) invalidParameter(OWNER, 'params', params, 'the training parameters y (iterate averaging needs them)');
      let muX = c.evalInterp;
      let lrSum = state.lrSum;
      if (c.type === 'schedule-free') {
        const w = lr ** c.lrPower;
        lrSum += w;
        muX = lrSum > 0 ? 1 - w / lrSum : 0;
      }
      const muY = c.trainInterp;
      const y = perParam(params, (p) => p);
      return tidyState(() => {
        const z: Record<string, tf.Tensor> = {};
        const out = treeMap((u, path) => {
          const zOld = state.z[path];
          const yp = y[path];
          if (!zOld || !yp) invalidParameter(OWNER, `state.z['${path}']`, zOld ? 'present' : 'missing', "the state built by init for these parameters, and params with the updates' structure");
          const zDecayed = shrink === 1 ? zOld : tf.mul(zOld, shrink);
          z[path] = tf.add(zDecayed, u);
          return tf.add(tf.mul(u, 1 - muX * muY), tf.mul(tf.sub(zDecayed, yp), 1 - muX));
        }, updates);
        return [out, { z, lrSum }] as [TensorTree, IterateAveragingState];
      });
    },
  };
}

/**
 * The evaluation view x = y + (1 - 1/mu_y)(z - y) of training parameters y: the
 * parameters to evaluate the model with. New tensors, owned by the caller.
 */
export function evalParams<P extends TensorTree>(params: P, state: IterateAveragingState, config: IterateAveragingConfig): P {
  const { trainInterp } = resolveIterateAveraging(config, 'evalParams');
  return tidyState(() =>
    treeMap((y, path) => {
      const z = state.z[path];
      if (!z) invalidParameter('evalParams', `state.z['${path}']`, 'missing', 'the averaging state of these parameters');
      return tf.add(y, tf.mul(tf.sub(z, y), 1 - 1 / trainInterp));
    }, params) as P,
  );
}

/**
 * The training view y = mu_y x + (1 - mu_y) z from evaluation parameters x (the inverse of
 * evalParams), for resuming training from evaluation weights.
 */
export function trainParams<P extends TensorTree>(evalView: P, state: IterateAveragingState, config: IterateAveragingConfig): P {
  const { trainInterp } = resolveIterateAveraging(config, 'trainParams');
  return tidyState(() =>
    treeMap((x, path) => {
      const z = state.z[path];
      if (!z) invalidParameter('trainParams', `state.z['${path}']`, 'missing', 'the averaging state of these parameters');
      return tf.add(tf.mul(x, trainInterp), tf.mul(z, 1 - trainInterp));
    }, evalView) as P,
  );
}
