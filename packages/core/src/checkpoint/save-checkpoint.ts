import * as tf from '@tensorflow/tfjs-core';
import type { TrainState } from '../train/train-state.js';
import type { StateValue } from '../transform.js';
import { assembleCheckpoint, DATA_TYPES, walkState, type Checkpoint, type CheckpointData, type CheckpointDtype } from './format.js';

/**
 * The checkpoint of a train state (see format.ts): every tensor copied to the host as a
 * typed array of its dtype (bit-exact), every number, boolean and string, and the state's
 * structure. Synchronous (`dataSync`); use `saveCheckpointAsync` on backends without
 * synchronous reads. The state is neither changed nor disposed.
 */
export function saveCheckpoint(state: TrainState<StateValue>): Checkpoint {
  const nodes = walkState('saveCheckpoint', state);
  const data = new Map<tf.Tensor, CheckpointData>();
  for (const n of nodes) {
    if (n.kind === 'tensor') {
      const t = n.value as tf.Tensor;
      data.set(t, new DATA_TYPES[t.dtype as CheckpointDtype](t.dataSync() as CheckpointData));
    }
  }
  return assembleCheckpoint(nodes, data);
}

/** `saveCheckpoint` reading the tensors with `await tensor.data()` (works on every backend). */
export async function saveCheckpointAsync(state: TrainState<StateValue>): Promise<Checkpoint> {
  const nodes = walkState('saveCheckpointAsync', state);
  const tensors = nodes.filter((n) => n.kind === 'tensor').map((n) => n.value as tf.Tensor);
  const arrays = await Promise.all(tensors.map((t) => t.data()));
  const data = new Map<tf.Tensor, CheckpointData>();
  tensors.forEach((t, i) => data.set(t, new DATA_TYPES[t.dtype as CheckpointDtype](arrays[i] as CheckpointData)));
  return assembleCheckpoint(nodes, data);
}
