/**
 * A tf.train.Optimizer running any GradientTransformation, usable wherever tfjs takes
 * an optimizer: `model.compile({ optimizer })`, `model.fit`, `optimizer.minimize(f)`.
 *
 * Each `applyGradients(grads)` is one pure step of core's train state, applied to the
 * variables in place:
 *   params = { key(v): v }, [u, s'] = tx.update(grads, s, params), v <- v + u
 * (core's `applyUpdates`), with `s` keyed by variable name (state-keys.ts), never by
 * position. The state is initialised from the variables of the first step. A later step
 * may bring gradients for fewer variables (a layer with `trainable = false`, transfer
 * learning): only those are stepped, on their part of the state (core's selectState /
 * mergeState); the others keep their weights and their state bit for bit, as the
 * reference and tfjs's own optimizers skip a variable without a gradient. Counters shared
 * by all variables (Adam's count, Shampoo's step) advance on every step. A variable seen
 * for the first time gets the transform's initial state for it (extendState).
 *
 * Saving: getWeights/setWeights carry the whole state bit for bit (state-weights.ts),
 * getConfig/fromConfig carry the TransformSpec (factory-registry.ts), and the class is
 * registered with tf.serialization, so `model.save(h, { includeOptimizer: true })` and
 * `tf.loadLayersModel(h)` resume training exactly where it stopped. An optimizer built
 * from a bare transform object trains and checkpoints its weights, but getConfig throws
 * (a closure cannot be saved): build it from a spec to save it inside a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyUpdates, disposeTree, loadCheckpoint, type Checkpoint, type GradientTransformation, type StateValue, type TensorTree } from '@shampoo-ts/core';
import { checkGradients, checkTransform, extendState, mergeState, selectState, stateSkeleton, tensorsIn, tidyState, type StateSkeleton } from '@shampoo-ts/core/authoring';
import { type TransformSpec, buildTransform, checkSpec } from './factory-registry.js';
import { decodeJsonBase64, encodeJsonBase64, type JsonObject } from './json.js';
import { baseName, stateKeys } from './state-keys.js';
import { type NamedTensor, checkpointToWeights, stateToWeights, weightsToCheckpoint } from './state-weights.js';

/** What getWeights saves: the state, the step count and the state keys of the variables it covers. */
type Snapshot = { params: Record<string, never>; optState: StateValue; count: number; variables: string[] };

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

/** A `tf.train.Optimizer` running any GradientTransformation: each `applyGradients(g)` computes [u, s′] = tx.update(g, s, params) and sets v ← v + u for every variable v, with the state keyed by variable name. Build it from a `TransformSpec` (`{ factory, config }`) to save it with `model.save(h, { includeOptimizer: true })`. */
export class TransformOptimizer extends tf.Optimizer {
  /** The name under which tf.serialization knows this class (see register-defaults.ts). */
  static className = 'TransformOptimizer';

  /** The transform this optimizer runs. */
  readonly transform: GradientTransformation<any>;
  /** The spec it was built from, or null for a bare transform (then getConfig throws). */
  readonly spec: TransformSpec | null;

  private state: StateValue | null = null;
  private keys: string[] | null = null;
  private keyByName = new Map<string, string>();
  private skeletons = new Map<string, StateSkeleton>();
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
    checkGradients(owner, Object.fromEntries(pairs));
    const registered = tf.engine().registeredVariables;
    for (const [name, grad] of pairs) {
      const v = registered[name];
      if (v === undefined) throw new Error(`${owner}: there is no variable named '${name}'; gradients must be keyed by variable name`);
      if (!tf.util.arraysEqual(v.shape, grad.shape)) {
        throw new RangeError(`${owner}: the gradient of '${name}' has shape [${grad.shape}]; allowed: [${v.shape}], the variable's shape`);
      }
      if (v.dtype !== 'float32') throw new TypeError(`${owner}: the variable '${name}' has dtype ${v.dtype}; allowed: float32`);
    }
    const keyOf = this.keysFor(pairs.map(([name]) => name));
    const params: Record<string, tf.Variable> = {};
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, grad] of pairs) {
      params[keyOf.get(name) as string] = registered[name];
      grads[keyOf.get(name) as string] = grad;
    }
    const keys = Object.keys(params).sort();
    if (this.state === null && this.pending !== null) {
      this.state = keepAll(this.restore(params, pairs.map(([name]) => name)));
    } else if (this.state === null) {
      this.state = keepAll(tidyState(() => this.transform.init(params)));
      this.keys = keys;
    }
    this.addVariables(params, keys.filter((k) => !(this.keys as string[]).includes(k)));
    const all = keys.length === (this.keys as string[]).length;
    const skeleton = all ? null : this.skeletonFor(params, keys);
    const previous = this.state;
    this.state = keepAll(tidyState(() => {
      const part = skeleton === null ? previous : selectState(skeleton, previous, owner);
      const [updates, next] = this.transform.update(grads, part, params as TensorTree);
      const moved = applyUpdates(params as Record<string, tf.Tensor>, updates);
      for (const key of keys) params[key].assign(moved[key]);
      return skeleton === null ? next : mergeState(previous, next, owner);
    }));
    const live = new Set(tensorsIn(this.state));
    for (const t of tensorsIn(previous)) if (!live.has(t)) t.dispose();
    this.incrementIterations();
  }

  /**
   * The state key of each variable name, fixed the first time a name is seen (so a step
   * with fewer variables finds the same keys). Keys follow stateKeys over all names seen.
   */
  private keysFor(names: readonly string[]): Map<string, string> {
    const fresh = names.filter((n) => !this.keyByName.has(n));
    if (fresh.length > 0) {
      const known = [...this.keyByName.keys()];
      const keys = stateKeys([...known, ...fresh]);
      const changed = known.find((n) => keys.get(n) !== this.keyByName.get(n));
      if (changed !== undefined) {
        throw new Error(`TransformOptimizer.applyGradients: the variables [${fresh.join(', ')}] would change the state key of '${changed}'; allowed: variables whose names without a trailing _<digits> are distinct`);
      }
      for (const n of fresh) this.keyByName.set(n, keys.get(n) as string);
    }
    return new Map(names.map((n) => [n, this.keyByName.get(n) as string]));
  }

  /** Adds the initial state of variables seen for the first time (`added`, state keys) to the state. */
  private addVariables(params: Record<string, tf.Variable>, added: readonly string[]): void {
    if (added.length === 0) return;
    const extra = tidyState(() => this.transform.init(Object.fromEntries(added.map((k) => [k, params[k]]))));
    const unused: unknown[] = [];
    this.state = keepAll(extendState(this.state as StateValue, extra, 'TransformOptimizer.applyGradients', unused));
    disposeTree(unused);
    this.keys = [...(this.keys as string[]), ...added].sort();
    this.skeletons.clear();
  }

  /** Where the state of the variables `keys` (a strict subset) sits in the full state (cached per set). */
  private skeletonFor(params: Record<string, tf.Variable>, keys: readonly string[]): StateSkeleton {
    const id = keys.join('\u0000');
    let s = this.skeletons.get(id);
    if (s === undefined) {
      const init = tidyState(() => this.transform.init(params));
      s = stateSkeleton(init);
      disposeTree(init);
      this.skeletons.set(id, s);
    }
    return s;
  }

  /**
   * Rebuilds the loaded state, validating it against the transform's own init for the
   * variables it was saved for (found among the registered variables by state key; a
   * checkpoint without that list is for the variables of this step).
   */
  private restore(params: Record<string, tf.Variable>, stepNames: readonly string[]): StateValue {
    const checkpoint = this.pending as Checkpoint;
    const saved = checkpoint.values.filter((v) => /^variables\/\d+$/.test(v.path)).map((v) => String(v.value));
    const keys = saved.length > 0 ? [...saved].sort() : Object.keys(params).sort();
    const all: Record<string, tf.Variable> = Object.fromEntries(keys.map((k) => [k, params[k] ?? this.findVariable(k, stepNames)]));
    const template = tidyState(() => ({
      params: {}, optState: this.transform.init(all), count: 0, ...(saved.length > 0 ? { variables: saved } : {}),
    }));
    try {
      const loaded = loadCheckpoint(checkpoint, template as never) as unknown as Snapshot;
      this.pending = null;
      this.keys = keys;
      return loaded.optState;
    } finally {
      disposeTree(template);
    }
  }

  /**
   * The registered variable whose state key is `key`: its name, or its name without
   * tfjs's `_<digits>`. With several (the saved model and a reloaded copy in one process),
   * the one whose suffix the variables of this step share: tfjs names the variables of a
   * reloaded model alike ('dense_Dense1/kernel_1', 'dense_Dense2/bias_1').
   */
  private findVariable(key: string, stepNames: readonly string[]): tf.Variable {
    const registered = tf.engine().registeredVariables;
    const suffix = (n: string) => /_\d+$/.exec(n)?.[0] ?? '';
    let found = Object.keys(registered).filter((n) => n === key || baseName(n) === key);
    if (found.length > 1) {
      const suffixes = new Set(stepNames.map(suffix));
      found = found.filter((n) => suffixes.has(suffix(n)));
    }
    if (found.length !== 1) {
      throw new Error(`TransformOptimizer.applyGradients: the loaded state holds variable '${key}', which ${found.length === 0 ? 'matches no registered variable' : `matches several variables [${found.join(', ')}]`}; allowed: load the state where its model's variables exist`);
    }
    this.keyByName.set(found[0], key);
    return registered[found[0]];
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
      : stateToWeights({ params: {}, optState: this.state, count: this.iterations, variables: this.keys ?? [] } satisfies Snapshot);
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
    this.keyByName.clear();
    this.skeletons.clear();
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
