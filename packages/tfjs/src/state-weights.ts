/**
 * The optimizer state as tfjs optimizer weights (NamedTensor[]), the form model.save
 * stores with `includeOptimizer: true`, using core's checkpoint format (a state walked
 * into tensors, primitive values and its structure):
 *
 *   { name: 'iter',                      tensor: int32 scalar, the step count (as tfjs's own optimizers) }
 *   { name: 'shampoo-ts/meta',           tensor: int32 vector of the UTF-8 bytes of JSON
 *                                                { format, structure, values } }
 *   { name: 'shampoo-ts/state/<path>',   tensor: the state tensor at <path> }   (one per tensor)
 *
 * Numbers are stored as their shortest round-trip decimal strings (and '-0'), so every
 * float64 value, NaN and ±Infinity comes back bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';

/** tfjs's { name, tensor } pair (not exported from tfjs-core's public index). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}
import { CHECKPOINT_FORMAT_VERSION, type Checkpoint, type CheckpointDtype, type CheckpointEntry, type CheckpointNode, type CheckpointValue } from '@shampoo-ts/core';
import { DATA_TYPES, walkState } from '@shampoo-ts/core/authoring';

/** The name of the weight holding the state's structure (JSON) in `getWeights()`. */
export const META_WEIGHT = 'shampoo-ts/meta';
/** The prefix of the names of the state tensors in `getWeights()`: `shampoo-ts/state/<path>`. */
export const STATE_WEIGHT_PREFIX = 'shampoo-ts/state/';
const META_FORMAT = 1;

interface Meta {
  format: number;
  structure: CheckpointNode[];
  values: Array<{ path: string; value: string | boolean | null }>;
}

function encodeNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** The weights for a state given as its structure, encoded values and tensors by path. */
function weightsFromParts(meta: Meta, tensors: ReadonlyArray<[string, tf.Tensor]>): { weights: NamedTensor[]; created: tf.Tensor[] } {
  const bytes = new TextEncoder().encode(JSON.stringify(meta));
  const metaTensor = tf.tensor1d(Int32Array.from(bytes), 'int32');
  const weights: NamedTensor[] = [{ name: META_WEIGHT, tensor: metaTensor }];
  for (const [path, tensor] of tensors) weights.push({ name: STATE_WEIGHT_PREFIX + path, tensor });
  return { weights, created: [metaTensor] };
}

/**
 * The weights for `snapshot` (any plain-data state). The tensors of the state are
 * returned as they are (not copies); the new meta tensor is also listed in `created`.
 */
export function stateToWeights(snapshot: unknown): { weights: NamedTensor[]; created: tf.Tensor[] } {
  const nodes = walkState('getWeights', snapshot);
  const meta: Meta = {
    format: META_FORMAT,
    structure: nodes.map(({ path, kind }) => ({ path, kind })),
    values: nodes
      .filter((n) => n.kind !== 'tensor' && n.kind !== 'object' && n.kind !== 'array')
      .map((n) => ({ path: n.path, value: n.kind === 'number' ? encodeNumber(n.value as number) : (n.value as string | boolean | null) })),
  };
  return weightsFromParts(meta, nodes.filter((n) => n.kind === 'tensor').map((n) => [n.path, n.value as tf.Tensor]));
}

/** The weights for a checkpoint (a loaded state not yet used); every tensor is new and listed in `created`. */
export function checkpointToWeights(c: Checkpoint): { weights: NamedTensor[]; created: tf.Tensor[] } {
  const meta: Meta = {
    format: META_FORMAT,
    structure: c.structure.map(({ path, kind }) => ({ path, kind })),
    values: c.values.map(({ path, value }) => ({ path, value: typeof value === 'number' ? encodeNumber(value) : value })),
  };
  const tensors = c.entries.map((e) => [e.path, tf.tensor(e.data.slice(), [...e.shape], e.dtype)] as [string, tf.Tensor]);
  const out = weightsFromParts(meta, tensors);
  return { weights: out.weights, created: [...out.created, ...tensors.map(([, t]) => t)] };
}

/**
 * Reads weights made by stateToWeights back into a core Checkpoint (host copies of every
 * tensor, so the caller may dispose the weights afterwards). Throws naming what is
 * missing or malformed; the order of `weights` does not matter.
 */
export async function weightsToCheckpoint(weights: readonly NamedTensor[]): Promise<Checkpoint> {
  const owner = 'TransformOptimizer.setWeights';
  const byName = new Map(weights.map((w) => [w.name, w.tensor]));
  const metaTensor = byName.get(META_WEIGHT);
  if (metaTensor === undefined) {
    throw new Error(`${owner}: no '${META_WEIGHT}' weight among [${weights.map((w) => w.name).join(', ')}]; allowed: weights saved by a TransformOptimizer`);
  }
  let meta: Meta;
  try {
    meta = JSON.parse(new TextDecoder().decode(Uint8Array.from(await metaTensor.data()))) as Meta;
  } catch (e) {
    throw new Error(`${owner}: the '${META_WEIGHT}' weight is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (meta?.format !== META_FORMAT || !Array.isArray(meta.structure) || !Array.isArray(meta.values)) {
    throw new Error(`${owner}: '${META_WEIGHT}' has format ${JSON.stringify(meta?.format)}; allowed: ${META_FORMAT} with structure and values arrays`);
  }
  const kinds = new Map(meta.structure.map((n) => [n.path, n.kind]));
  const values: CheckpointValue[] = meta.values.map(({ path, value }) => ({
    path,
    value: kinds.get(path) === 'number' ? Number(value) : value,
  }));
  const entries: CheckpointEntry[] = [];
  for (const node of meta.structure) {
    if (node.kind !== 'tensor') continue;
    const t = byName.get(STATE_WEIGHT_PREFIX + node.path);
    if (t === undefined) throw new Error(`${owner}: no weight '${STATE_WEIGHT_PREFIX + node.path}', which the saved state lists`);
    const dtype = t.dtype as CheckpointDtype;
    if (!(dtype in DATA_TYPES)) throw new TypeError(`${owner}: the weight '${STATE_WEIGHT_PREFIX + node.path}' has dtype ${t.dtype}; allowed: float32, int32, bool`);
    entries.push({ path: node.path, shape: [...t.shape], dtype, data: new DATA_TYPES[dtype](await t.data()) });
  }
  return { formatVersion: CHECKPOINT_FORMAT_VERSION, entries, values, structure: meta.structure };
}
