/**
 * scaleByShampoo: the Distributed Shampoo step of docs/algorithms.md#shampoo-step as a pure
 * gradient transformation. Its output is the search direction P (after weight decay and
 * momentum, before the learning rate); `shampoo(...)` chains it with the learning rate.
 *
 * Every parameter is blocked as in docs/algorithms.md#blocking; the per-block step (statistics, roots,
 * grafting, filtered gradient, weight decay, momentum; see block-engine.ts for the math)
 * runs on all blocks of all parameters at once, so that a root step is one batch of root
 * tasks; the block directions are assembled back into each parameter's shape. The glue
 * between leaves and blocks (leaf-blocks.ts) is the one the data-parallel transform uses.
 *
 * State: { step, blocks: { '<parameter path>#<block index>': BlockState } } (plain data,
 * keyed by path). A parameter whose leaf the gradient tree lacks is not stepped: its
 * blocks keep their state bit for bit (docs/algorithms.md#missing-gradients) while `step` advances. Ownership: inputs are never disposed; every returned tensor is new or a
 * tf.clone.
 */
import type { GradientTransformation, TensorTree } from '@shampoo-ts/core';
import { ownTensors, tensorsIn, tidyState } from '@shampoo-ts/core/authoring';
import type { ShampooOptions } from './config.js';
import { shampooBlockEngine, type ShampooState } from './block-engine.js';
import { checkShampooState, initLeafBlocks, keepUnsteppedBlocks, leafBlocks, leafShapes, leavesToTree, stepLeafInputs } from './leaf-blocks.js';

export { blockKey, decoupledWeightDecay, type BlockState, type ShampooState } from './block-engine.js';

const OWNER = 'scaleByShampoo';

/** The Shampoo step as a transform (see the module comment). */
export function scaleByShampoo(options: ShampooOptions = {}): GradientTransformation<ShampooState> {
  const engine = shampooBlockEngine(options, OWNER);

  return {
    init(params: TensorTree): ShampooState {
      return initLeafBlocks(engine, leafBlocks(engine, leafShapes(params)));
    },

    update(updates: TensorTree, state: ShampooState, params?: TensorTree): [TensorTree, ShampooState] {
      checkShampooState(OWNER, 'state', state);
      const leaves = stepLeafInputs(OWNER, engine, updates, params);
      const inputs = [...tensorsIn(state), ...tensorsIn(updates), ...tensorsIn(params ?? null)];
      const result = tidyState((): [TensorTree, ShampooState] => {
        const { updates: out, state: next } = engine.stepLeaves(leaves, state);
        // The blocks of a parameter without a gradient leaf are kept as they are (ownTensors
        // below clones them for the new state).
        return [leavesToTree(updates, out), keepUnsteppedBlocks(state, next)];
      });
      return ownTensors(result, inputs);
    },
  };
}
