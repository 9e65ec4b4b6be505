/**
 * The one impure piece: a training loop that owns its train state.
 *
 * Each `step(batch)`:
 *   (loss, g)   = valueAndGrad(p -> lossFn(p, batch), params_k)
 *   state_{k+1} = step(state_k, g, transform)          (the pure step of train-state.ts)
 * then disposes g, the loss tensor and state_k, so the number of live tensors stays flat.
 * Gradients need the kernels `@tensorflow/tfjs` registers: import it once in the application.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { disposeTree, type TensorTree } from '../tree.js';
import { valueAndGrad } from './value-and-grad.js';
import { initTrainState, step, type TrainState } from './train-state.js';
import { setHyperparam } from '../combinators/set-hyperparam.js';
import { saveCheckpoint } from '../checkpoint/save-checkpoint.js';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import type { Checkpoint } from '../checkpoint/format.js';
import { checkNumber } from '../validate.js';

/** Options of `Trainer`: the initial parameters, the optimizer, the loss L(params, batch) and how often to log and checkpoint. */
export interface TrainerOptions<B, S extends StateValue, P extends TensorTree> {
  /** Initial parameters; the trainer keeps clones, the caller still owns these. */
  readonly params: P;
  /** The optimizer. */
  readonly transform: GradientTransformation<S>;
  /** The loss: a scalar tensor computed from the parameters and a batch. */
  readonly loss: (params: P, batch: B) => tf.Scalar;
}

/** What `run` reports after each step. */
export interface StepReport {
  /** The state's step count after this step. */
  readonly count: number;
  /** The loss at the parameters before this step's update. */
  readonly loss: number;
}

/**
 * Owns the loop: computes the gradients of `loss`, applies the pure `step`, disposes the
 * previous state. `state` is owned by the trainer and valid until the next `step`,
 * `restore` or `dispose`; clone what you need to keep (or use `save`).
 */
export class Trainer<B = void, S extends StateValue = StateValue, P extends TensorTree = TensorTree> {
  readonly transform: GradientTransformation<S>;
  readonly #loss: (params: P, batch: B) => tf.Scalar;
  #state: TrainState<S, P> | undefined;

  /** Validates the options (an error names the bad one) and clones the initial parameters; the first `step` initialises the optimizer state. */
  constructor(options: TrainerOptions<B, S, P>) {
    if (typeof options?.loss !== 'function') {
      throw new TypeError(`Trainer: loss is ${typeof options?.loss}; allowed: a function (params, batch) => scalar tensor`);
    }
    this.transform = options.transform;
    this.#loss = options.loss;
    this.#state = initTrainState(options.params, options.transform);
  }

  /** The current train state (owned by the trainer). */
  get state(): TrainState<S, P> {
    if (this.#state === undefined) throw new Error('Trainer: this trainer has been disposed');
    return this.#state;
  }

  /** The current parameters (owned by the trainer). */
  get params(): P {
    return this.state.params;
  }

  /** Steps taken so far. */
  get count(): number {
    return this.state.count;
  }

  /**
   * One training step on `batch`; returns the loss before the update (read back with a
   * synchronous `dataSync`). On an error (a non-scalar loss, a transform that throws) the
   * state is unchanged and nothing leaks.
   */
  step(batch: B): number {
    const old = this.state;
    const { loss, grads } = valueAndGrad((p: P) => this.#loss(p, batch), old.params);
    let next: TrainState<S, P>;
    let value: number;
    try {
      next = step(old, grads, this.transform);
      value = loss.dataSync()[0];
    } finally {
      loss.dispose();
      disposeTree(grads);
    }
    this.#state = next;
    disposeTree(old);
    return value;
  }

  /**
   * `steps` training steps; `batchAt(i)` gives the batch of the i-th one (0-based), whose
   * tensors the caller owns. Calls `onStep` after each step and returns the losses.
   */
  run(steps: number, batchAt: (i: number) => B, onStep?: (report: StepReport) => void): number[] {
    checkNumber('Trainer.run', 'steps', steps, { min: 0, integer: true });
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      const loss = this.step(batchAt(i));
      losses.push(loss);
      onStep?.({ count: this.count, loss });
    }
    return losses;
  }

  /** Changes an injected hyperparameter for the next steps (see `setHyperparam`). */
  setHyperparam(name: string, value: number): void {
    const old = this.state;
    this.#state = setHyperparam(old, name, value);
    disposeTree(old);
  }

  /** A checkpoint of the current state (see `saveCheckpoint`). */
  save(): Checkpoint {
    return saveCheckpoint(this.state);
  }

  /** Replaces the state by the checkpoint's; on a mismatch throws and keeps the current state. */
  restore(checkpoint: Checkpoint): void {
    const old = this.state;
    this.#state = loadCheckpoint(checkpoint, old);
    disposeTree(old);
  }

  /** Disposes the state; the trainer cannot be used afterwards. */
  dispose(): void {
    if (this.#state !== undefined) disposeTree(this.#state);
    this.#state = undefined;
  }
}
