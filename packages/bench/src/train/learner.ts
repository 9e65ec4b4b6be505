/**
 * A learner trains one model's parameters with one optimizer, one batch at a time:
 *   loss_k = L(params_k; batch_k), params_{k+1} = optimizer(params_k, grad L)
 * Two kinds: a shampoo-ts gradient transformation (core's pure `step`, the state held
 * here and the previous one disposed), and a tfjs `tf.train.Optimizer` over tf.Variables
 * (the baseline tfjs users know). Both report the bytes of their optimizer state.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, step, valueAndGrad, type GradientTransformation, type TrainState } from '@shampoo-ts/core';
import type { Batch } from '../data/dataset.js';
import { modelLoss, type Model, type Params } from '../models/model.js';
import { stateBytes } from './state-bytes.js';

export interface Learner {
  /** One step on `batch`; the loss before the update. The batch stays the caller's. */
  step(batch: Batch): Promise<number>;
  /** The current parameters, owned by the learner (valid until the next step). */
  params(): Params;
  /** Bytes of the optimizer state (unique tensor buffers). */
  stateBytes(): number;
  dispose(): void;
}

/** A learner over a shampoo-ts transform: state_{k+1} = step(state_k, grad, tx). */
export function transformLearner(model: Model, params: Params, tx: GradientTransformation): Learner {
  return transformLearnerFrom(model, initTrainState(params, tx), tx);
}

/** The same, continuing from a train state (which the learner then owns and disposes). */
export function transformLearnerFrom(model: Model, initial: TrainState, tx: GradientTransformation): Learner {
  let state: TrainState | undefined = initial;
  const current = (): TrainState => {
    if (state === undefined) throw new Error('transformLearner: used after dispose');
    return state;
  };
  return {
    async step(batch) {
      const old = current();
      const { loss, grads } = valueAndGrad((p: Params) => modelLoss(model, p, batch.x, batch.y), old.params as Params);
      try {
        state = step(old, grads, tx);
      } finally {
        disposeTree(grads);
      }
      disposeTree(old);
      const value = (await loss.data())[0];
      loss.dispose();
      return value;
    },
    params: () => current().params as Params,
    stateBytes: () => stateBytes(current().optState),
    dispose() {
      if (state !== undefined) disposeTree(state);
      state = undefined;
    },
  };
}

/**
 * A learner over tfjs's own optimizer (e.g. tf.train.adam): variables + minimize. With
 * `learningRate`, step t runs at learningRate(t): tfjs's optimizers take a number, read
 * from their `learningRate` field at every update, so the learner sets that field first.
 */
export function tfjsLearner(model: Model, params: Params, optimizer: tf.Optimizer, learningRate?: (t: number) => number): Learner {
  let t = 0;
  const vars: { [layer: string]: { [name: string]: tf.Variable } } = {};
  for (const [layer, names] of Object.entries(params)) {
    vars[layer] = {};
    for (const [name, t] of Object.entries(names)) vars[layer][name] = tf.variable(t, true, `${layer}/${name}/${Math.random()}`);
  }
  return {
    async step(batch) {
      if (learningRate !== undefined) (optimizer as unknown as { learningRate: number }).learningRate = learningRate(t);
      t += 1;
      const loss = optimizer.minimize(() => modelLoss(model, vars, batch.x, batch.y), true) as tf.Scalar;
      const value = (await loss.data())[0];
      loss.dispose();
      return value;
    },
    params: () => vars,
    stateBytes: () => {
      // getWeights() is async in tfjs 4; the optimizer keeps its slots in `accumulated*`
      // fields; count every variable it owns beyond the model's own.
      const own = new Set<tf.Tensor>(Object.values(vars).flatMap((l) => Object.values(l)));
      const extra = Object.values(optimizerVariables(optimizer)).filter((v) => !own.has(v));
      return stateBytes(extra);
    },
    dispose() {
      disposeTree(vars);
      optimizer.dispose();
    },
  };
}

/** The tf.Variables an optimizer holds in its fields (slot variables and counters). */
export function optimizerVariables(optimizer: tf.Optimizer): tf.Tensor[] {
  const found: tf.Tensor[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (x instanceof tf.Tensor) found.push(x);
    else if (depth < 3 && x !== null && typeof x === 'object') Object.values(x).forEach((v) => visit(v, depth + 1));
  };
  for (const value of Object.values(optimizer)) visit(value, 0);
  return found;
}
