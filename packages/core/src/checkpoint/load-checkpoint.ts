import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateValue } from '../transform.js';
import { disposeTree, pathLabel, type TensorTree } from '../tree.js';
import { initTrainState, type TrainState } from '../train/train-state.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  DATA_TYPES,
  walkState,
  type Checkpoint,
  type CheckpointEntry,
  type CheckpointValue,
  type NodeKind,
  type WalkedNode,
} from './format.js';
import { checkCounters } from './counters.js';

const owner = 'loadCheckpoint';

function fail(message: string): never {
  throw new Error(`${owner}: ${message}`);
}

function checkEnvelope(checkpoint: Checkpoint): void {
  if (checkpoint === null || typeof checkpoint !== 'object') fail(`checkpoint = ${String(checkpoint)}; allowed: an object made by saveCheckpoint`);
  if (checkpoint.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    fail(`formatVersion = ${String(checkpoint.formatVersion)} is not supported; allowed: ${CHECKPOINT_FORMAT_VERSION}`);
  }
  for (const field of ['entries', 'values', 'structure'] as const) {
    if (!Array.isArray(checkpoint[field])) fail(`the field '${field}' is ${typeof checkpoint[field]}; allowed: an array`);
  }
}

/** Validation order: the parameters first (the likeliest mismatch, and the clearest message), then the rest. */
function paramsFirst(nodes: readonly WalkedNode[]): WalkedNode[] {
  const isParam = (n: { path: string }) => n.path === 'params' || n.path.startsWith('params/');
  return [...nodes.filter(isParam), ...nodes.filter((n) => !isParam(n))];
}

function checkStructure(expected: readonly WalkedNode[], checkpoint: Checkpoint): void {
  const saved = new Map<string, NodeKind>(checkpoint.structure.map((n) => [n.path, n.kind]));
  const wanted = new Map<string, NodeKind>(expected.map((n) => [n.path, n.kind]));
  const hint = '(was it saved with another transform or other parameters?)';
  for (const n of paramsFirst(expected)) {
    const k = saved.get(n.path);
    if (k === undefined) fail(`the checkpoint has no ${n.kind} at ${pathLabel(n.path)}, which the state needs ${hint}`);
    if (k !== n.kind) fail(`at ${pathLabel(n.path)} the state has a ${n.kind} but the checkpoint has a ${k} ${hint}`);
  }
  for (const n of paramsFirst(checkpoint.structure as WalkedNode[])) {
    if (!wanted.has(n.path)) fail(`the checkpoint has a ${n.kind} at ${pathLabel(n.path)}, which the state does not have ${hint}`);
  }
}

function checkEntry(t: tf.Tensor, path: string, e: CheckpointEntry | undefined): CheckpointEntry {
  if (e === undefined) fail(`the checkpoint has no tensor data at ${pathLabel(path)}`);
  const shapeOk = Array.isArray(e.shape) && tf.util.arraysEqual(e.shape as number[], t.shape);
  if (!shapeOk) fail(`the tensor at ${pathLabel(path)} has shape [${String(e.shape)}] in the checkpoint; allowed: [${t.shape.join(',')}], the shape in the state`);
  if (e.dtype !== t.dtype) fail(`the tensor at ${pathLabel(path)} has dtype ${String(e.dtype)} in the checkpoint; allowed: ${t.dtype}, the dtype in the state`);
  const Ctor = DATA_TYPES[e.dtype];
  if (!(e.data instanceof Ctor)) fail(`the data at ${pathLabel(path)} is ${e.data?.constructor?.name ?? typeof e.data}; allowed: ${Ctor.name} for dtype ${e.dtype}`);
  if (e.data.length !== t.size) fail(`the data at ${pathLabel(path)} has ${e.data.length} elements; allowed: ${t.size} for shape [${t.shape.join(',')}]`);
  return e;
}

function checkValue(n: WalkedNode, v: CheckpointValue | undefined): CheckpointValue['value'] {
  if (v === undefined) fail(`the checkpoint has no value at ${pathLabel(n.path)}`);
  const kind = v.value === null ? 'null' : typeof v.value;
  if (kind !== n.kind) fail(`the value at ${pathLabel(n.path)} is a ${kind} in the checkpoint; allowed: a ${n.kind}`);
  return v.value;
}

function rebuild(template: TrainState<StateValue>, checkpoint: Checkpoint): TrainState<StateValue> {
  checkEnvelope(checkpoint);
  const nodes = walkState(owner, template);
  checkStructure(nodes, checkpoint);
  const entries = new Map(checkpoint.entries.map((e) => [e.path, e]));
  const values = new Map(checkpoint.values.map((v) => [v.path, v]));
  const byPath = new Map<string, CheckpointEntry | CheckpointValue['value']>();
  for (const n of paramsFirst(nodes)) {
    if (n.kind === 'tensor') byPath.set(n.path, checkEntry(n.value as tf.Tensor, n.path, entries.get(n.path)));
    else if (n.kind !== 'object' && n.kind !== 'array') byPath.set(n.path, checkValue(n, values.get(n.path)));
  }
  checkCounters(owner, new Map(nodes.filter((n) => n.kind === 'number').map((n) => [n.path, byPath.get(n.path)])));
  // Everything is validated: only now are tensors created.
  let i = 0;
  const build = (): unknown => {
    const n = nodes[i++];
    if (n.kind === 'tensor') {
      const e = byPath.get(n.path) as CheckpointEntry;
      return tf.tensor(e.data.slice(), [...e.shape], e.dtype);
    }
    if (n.kind === 'array') return (n.value as unknown[]).map(() => build());
    if (n.kind === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(n.value as object).sort()) out[k] = build();
      return out;
    }
    return byPath.get(n.path);
  };
  return build() as TrainState<StateValue>;
}

/**
 * Rebuilds a train state from a checkpoint. The template says what is expected: either a
 * train state of the same transform and parameters (`loadCheckpoint(ckpt, state)`; only its
 * structure, shapes and dtypes are used) or the parameters and the transform
 * (`loadCheckpoint(ckpt, params, tx)`, which builds the template with `initTrainState` and
 * disposes it). The result is new and owned by the caller, bit-for-bit the saved state.
 *
 * A checkpoint that does not match (format version, a missing or extra path, another
 * transform structure, a shape, a dtype, the data length) or whose counters mean nothing
 * (counters.ts: `count` a non-integer, negative or NaN; a step or failure counter that is
 * not an integer in [0, count]) throws an Error naming the path, the value and what is
 * allowed, before any tensor is created: nothing changes, nothing leaks.
 */
export function loadCheckpoint<S extends StateValue, P extends TensorTree>(checkpoint: Checkpoint, like: TrainState<S, P>): TrainState<S, P>;
export function loadCheckpoint<S extends StateValue, P extends TensorTree>(checkpoint: Checkpoint, params: P, tx: GradientTransformation<S>): TrainState<S, P>;
export function loadCheckpoint<S extends StateValue, P extends TensorTree>(
  checkpoint: Checkpoint,
  likeOrParams: TrainState<S, P> | P,
  tx?: GradientTransformation<S>,
): TrainState<S, P> {
  if (tx === undefined) return rebuild(likeOrParams as TrainState<StateValue>, checkpoint) as TrainState<S, P>;
  checkEnvelope(checkpoint);
  const template = initTrainState(likeOrParams as P, tx);
  try {
    return rebuild(template, checkpoint) as TrainState<S, P>;
  } finally {
    disposeTree(template);
  }
}
