/**
 * scaleByShampoo: the Distributed Shampoo step of docs/algorithms.md#shampoo-step as a pure
 * gradient transformation. Its output is the search direction P (after weight decay and
 * momentum, before the learning rate); `shampoo(...)` chains it with the learning rate.
 *
 * Every parameter is blocked as in docs/algorithms.md#blocking; the per-block step (statistics, roots,
 * grafting, filtered gradient, weight decay, momentum; see block-engine.ts for the math)
 * runs on all blocks of all parameters at once, so that a root step is one batch of root
 * tasks; the block directions are assembled back into each parameter's shape.
 *
 * State: { step, blocks: { '<parameter path>#<block index>': BlockState } } (plain data,
 * keyed by path). A parameter whose leaf the gradient tree lacks is not stepped: its
 * blocks keep their state bit for bit (docs/algorithms.md#missing-gradients) while `step` advances. Ownership: inputs are never disposed; every returned tensor is new or a
 * tf.clone.
 */
import { leavesWithPaths, type GradientTransformation, type TensorTree, treeMap } from '@shampoo-ts/core';
import { checkGradients, ownTensors, tensorsIn, tidyState } from '@shampoo-ts/core/authoring';
import { invalidParameter } from './validate.js';
import type { ShampooOptions } from './config.js';
import { shampooBlockEngine, type ShampooState } from './block-engine.js';

export { blockKey, decoupledWeightDecay, type BlockState, type ShampooState } from './block-engine.js';

const OWNER = 'scaleByShampoo';

/** The Shampoo step as a transform (see the module comment). */
export function scaleByShampoo(options: ShampooOptions = {}): GradientTransformation<ShampooState> {
  const engine = shampooBlockEngine(options, OWNER);

  return {
    init(params: TensorTree): ShampooState {
      return tidyState(() => {
        const infos = leavesWithPaths(params).flatMap(([path, p]) => {
          const layout = engine.layoutOf(p.shape);
          return layout.blocks.map((_, i) => engine.blockInfo(path, layout, i));
        });
        return engine.init(infos);
      });
    },

    update(updates: TensorTree, state: ShampooState, params?: TensorTree): [TensorTree, ShampooState] {
      if (state === null || typeof state !== 'object' || typeof state.step !== 'number' || typeof state.blocks !== 'object') {
        invalidParameter(OWNER, 'state', state, "the state built by this transform's init");
      }
      if (engine.needsParams && params === undefined) {
        invalidParameter(OWNER, 'params', params, `the parameters, since weightDecay = ${engine.config.weightDecay} > 0`);
      }
      checkGradients(OWNER, updates);
      const paramByPath = new Map(params === undefined ? [] : leavesWithPaths(params));
      const grads = leavesWithPaths(updates);
      const inputs = [...tensorsIn(state), ...grads.map(([, g]) => g), ...paramByPath.values()];

      const result = tidyState((): [TensorTree, ShampooState] => {
        const leaves = grads.map(([path, grad]) => ({ path, grad, param: paramByPath.get(path) }));
        const { updates: out, state: next } = engine.stepLeaves(leaves, state);
        let i = 0;
        const tree = treeMap(() => out[i++], updates);
        // docs/algorithms.md#missing-gradients: the blocks of a parameter without a gradient leaf are left
        // untouched (kept as they are; ownTensors below clones them for the new state).
        return [tree, { ...next, blocks: { ...state.blocks, ...next.blocks } }];
      });
      return ownTensors(result, inputs);
    },
  };
}
