/** Running the Shampoo block engine step by step on a tree, for tests that compare engines. */
import * as tf from '@tensorflow/tfjs';
import { disposeTree, leavesWithPaths, stateLeavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import { ownTensors, tensorsIn } from '@shampoo-ts/core/authoring';
import { type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import { shampooBlockEngine } from '@shampoo-ts/shampoo/engine';

/** Runs `steps` engine steps; returns per step the directions and the state leaves by path. */
export function runEngine(options: ShampooOptions, batchBlocks: boolean, params: TensorTree, grads: readonly TensorTree[]) {
  const engine = shampooBlockEngine(options, 'test', { batchBlocks });
  const infos = leavesWithPaths(params).flatMap(([path, p]) => {
    const layout = engine.layoutOf(p.shape);
    return layout.blocks.map((_, i) => engine.blockInfo(path, layout, i));
  });
  let state = tf.tidy(() => engine.init(infos) as never) as ShampooState;
  const out: { directions: Float32Array[]; state: [string, Float32Array][] }[] = [];
  for (const g of grads) {
    const inputs = [...tensorsIn(state), ...tensorsIn(g), ...tensorsIn(params)];
    const result = tf.tidy(() => {
      const blocks = leavesWithPaths(g).flatMap(([path, t]) => engine.blockInputs(path, t, (params as Record<string, tf.Tensor>)[path]));
      const { directions, state: next } = engine.step(blocks, state);
      out.push({ directions: directions.map((d) => d.dataSync() as Float32Array), state: [] });
      return next as never;
    }) as ShampooState;
    const owned = ownTensors(result, inputs);
    disposeTree(state);
    state = owned;
    out[out.length - 1].state = stateLeavesWithPaths(state).flatMap(([path, leaf]) => (leaf instanceof tf.Tensor ? [[path, leaf.dataSync() as Float32Array] as [string, Float32Array]] : []));
  }
  disposeTree(state);
  return out;
}

