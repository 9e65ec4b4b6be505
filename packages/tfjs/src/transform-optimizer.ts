/**
 * A tf.train.Optimizer running any GradientTransformation, usable wherever tfjs takes
 * an optimizer: `model.compile({ optimizer })`, `model.fit`, `optimizer.minimize(f)`.
 *
 * Each `applyGradients(grads)` is one pure step of core's train state, applied to the
 * variables in place:
 *   params = { key(v): v }, [u, s'] = tx.update(grads, s, params), v <- v + u
 * (core's `applyUpdates`), with `s` keyed by variable name (state-keys.ts), never by
 * position. The state is initialised from the variables of the first step; every later
 * step must bring gradients for the same variables.
 *
 * Saving: getWeights/setWeights carry the whole state bit for bit (state-weights.ts),
 * getConfig/fromConfig carry the TransformSpec (factory-registry.ts), and the class is
 * registered with tf.serialization, so `model.save(h, { includeOptimizer: true })` and
 * `tf.loadLayersModel(h)` resume training exactly where it stopped. An optimizer built
 * from a bare transform object trains and checkpoints its weights, but getConfig throws
 * (a closure cannot be saved): build it from a spec to save it inside a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  applyUpdates, checkTransform, disposeTree, loadCheckpoint, tensorsIn, tidyState,
  type Checkpoint, type GradientTransformation, type StateValue, type TensorTree,
} from '@shampoo-ts/core';
import { type TransformSpec, buildTransform, checkSpec } from './factory-registry.js';
import { decodeJsonBase64, encodeJsonBase64, type JsonObject } from './json.js';
import { stateKeys } from './state-keys.js';
import { type NamedTensor, checkpointToWeights, stateToWeights, weightsToCheckpoint } from './state-weights.js';

type Snapshot = { params: Record<string, never>; optState: StateValue; count: number };

function isSpec(x: unknown): x is TransformSpec {
  return x !== null && typeof x === 'object' && typeof (x as TransformSpec).factory === 'string';
}

/**
 * Marks every tensor of the state as kept: tfjs-layers calls applyGradients inside its
 * own tf.tidy for each batch, which would otherwise dispose the new state at its end.
 */
function keepAll<S extends StateValue>(state: S): S {
  for (const t of tensorsIn(state)) tf.keep(t);
  return state;
}

function describeNames(names: Iterable<string>): string {
  return `[${[...names].sort().join(', ')}]`;
}

export class TransformOptimizer extends tf.Optimizer {
  /** The name under which tf.serialization knows this class (see register-defaults.ts). */
  static className = 'TransformOptimizer';

  /** The transform this optimizer runs. */
  readonly transform: GradientTransformation<any>;
  /** The spec it was built from, or null for a bare transform (then getConfig throws). */
  readonly spec: TransformSpec | null;

  private state: StateValue | null = null;
  private keys: string[] | null = null;
  private pending: Checkpoint | null = null;
  private exported: tf.Tensor[] = [];

  /** From a registered factory spec (serialisable) or from any transform object (not serialisable). */
  constructor(source: TransformSpec | GradientTransformation<any>) {
    super();
    if (isSpec(source)) {
      this.spec = checkSpec('TransformOptimizer', source);
      this.transform = buildTransform(this.spec);
    } else {
      this.spec = null;
      this.transform = checkTransform('TransformOptimizer', 'source', source);
    }
  }

  /** One step of the transform on the variables named in `variableGradients` (see above). */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const owner = 'TransformOptimizer.applyGradients';
    const pairs: Array<[string, tf.Tensor]> = (Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as [string, tf.Tensor])
      : Object.entries(variableGradients)).filter(([, g]) => g != null);
    if (pairs.length === 0) throw new Error(`${owner}: no gradients were given; allowed: at least one variable's gradient`);
    const keyOf = stateKeys(pairs.map(([name]) => name));
    const registered = tf.engine().registeredVariables;
    const params: Record<string, tf.Variable> = {};
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, grad] of pairs) {
      const v = registered[name];
      if (v === undefined) throw new Error(`${owner}: there is no variable named '${name}'; gradients must be keyed by variable name`);
      if (!tf.util.arraysEqual(v.shape, grad.shape)) {
        throw new RangeError(`${owner}: the gradient of '${name}' has shape [${grad.shape}]; allowed: [${v.shape}], the variable's shape`);
      }
      if (grad.dtype !== 'float32' || v.dtype !== 'float32') {
        throw new TypeError(`${owner}: '${name}' has variable dtype ${v.dtype} and gradient dtype ${grad.dtype}; allowed: float32`);
      }
      params[keyOf.get(name) as string] = v;
      grads[keyOf.get(name) as string] = grad;
    }
    const keys = Object.keys(params).sort();
    if (this.state === null) {
      this.state = keepAll(this.pending !== null ? this.restore(params) : tidyState(() => this.transform.init(params)));
      this.keys = keys;
    } else if ((this.keys as string[]).join('\u0000') !== keys.join('\u0000')) {
      throw new Error(`${owner}: the state covers the variables ${describeNames(this.keys as string[])} but gradients came for ${describeNames(keys)}; allowed: the same variables on every step`);
    }
    const previous = this.state;
    this.state = keepAll(tidyState(() => {
      const [updates, next] = this.transform.update(grads, previous, params as TensorTree);
      const moved = applyUpdates(params as Record<string, tf.Tensor>, updates);
      for (const key of keys) params[key].assign(moved[key]);
      return next;
    }));
    disposeTree(previous);
    this.incrementIterations();
  }

  /** Rebuilds the loaded state for these variables (validating it against the transform's own init). */
  private restore(params: Record<string, tf.Variable>): StateValue {
    const template: Snapshot = tidyState(() => ({ params: {}, optState: this.transform.init(params), count: 0 }));
    try {
      const loaded = loadCheckpoint(this.pending as Checkpoint, template as never) as unknown as Snapshot;
      this.pending = null;
      return loaded.optState;
    } finally {
      disposeTree(template);
    }
  }

  /** The current state (null before the first step or while a loaded state awaits it). Owned by the optimizer. */
  get currentState(): StateValue | null {
    return this.state;
  }

  /**
   * The weights model.save stores: 'iter', 'shampoo-ts/meta' and one weight per state
   * tensor (state-weights.ts). The tensors belong to the optimizer and stay valid until
   * the next getWeights, setWeights, step or dispose; do not dispose them.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.releaseExported();
    const iter = await this.saveIterations();
    const { weights, created } = this.pending !== null
      ? checkpointToWeights(this.pending)
      : stateToWeights({ params: {}, optState: this.state, count: this.iterations });
    this.exported.push(iter.tensor, ...created);
    for (const t of this.exported) tf.keep(t);
    return [iter, ...weights];
  }

  /** Loads weights made by getWeights (any order); the state is rebuilt at the next step. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const checkpoint = await weightsToCheckpoint(weightValues);
    const count = checkpoint.values.find((v) => v.path === 'count')?.value;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new Error(`TransformOptimizer.setWeights: the saved step count is ${JSON.stringify(count)}; allowed: an integer >= 0`);
    }
    const hasState = checkpoint.structure.some((n) => n.path === 'optState' && n.kind !== 'null');
    this.releaseExported();
    if (this.state !== null) disposeTree(this.state);
    this.state = null;
    this.keys = null;
    this.pending = hasState ? checkpoint : null;
    this.iterations_ = count;
  }

  /** The JSON config model.save stores: the spec, base64-encoded (json.ts explains why). */
  override getConfig(): tf.serialization.ConfigDict {
    if (this.spec === null) {
      throw new Error("TransformOptimizer.getConfig: this optimizer was built from a transform object, which cannot be saved; build it from a spec, e.g. new TransformOptimizer({ factory: 'adamw', config: { learningRate: 1e-3 } }), to save it with the model");
    }
    return { factory: this.spec.factory, spec: encodeJsonBase64(this.spec as unknown as JsonObject) };
  }

  /** Rebuilds an optimizer from getConfig's output (its factory must be registered). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(checkSpec('TransformOptimizer.fromConfig', decodeJsonBase64('TransformOptimizer.fromConfig', config.spec)));
  }

  /** Disposes the state and any exported weights. */
  override dispose(): void {
    this.releaseExported();
    if (this.state !== null) disposeTree(this.state);
    this.state = null;
    this.pending = null;
    super.dispose();
  }

  private releaseExported(): void {
    for (const t of this.exported) t.dispose();
    this.exported = [];
  }
}
