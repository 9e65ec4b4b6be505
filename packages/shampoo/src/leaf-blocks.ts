/**
 * The glue between a tree of parameter leaves and the block engine's blocks, one copy for
 * scaleByShampoo and for the data-parallel transform of @shampoo-ts/distributed (which adds
 * only what is distributed: which rank owns which block, and the gather):
 *   blocks:  the leaves (path p, shape s) in tree order, leaf p cut by the engine's layout of s
 *            into blocks p#0, p#1, ... (docs/algorithms.md#blocking); this is the global block order;
 *   inputs:  a step's gradient leaves g_p (live float32), each with its parameter leaf W_p, which
 *            the step reads only when weightDecay > 0 (then params must be given);
 *   missing gradients (docs/algorithms.md#missing-gradients): a leaf the gradient tree lacks is
 *            not stepped, so the state of its blocks is carried over bit for bit while `step` advances;
 *   reassembly: the block directions P_{p#i} put back into each leaf's shape (the inverse of
 *            the split), and the leaves into the gradient tree's structure.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, treeMap, type TensorTree } from '@shampoo-ts/core';
import { checkGradients, tidyState } from '@shampoo-ts/core/authoring';
import { invalidParameter } from './validate.js';
import { assembleBlocks, type BlockLayout } from './blocking/layout.js';
import type { BlockInput, LeafInput, ShampooBlockEngine, ShampooState } from './block-engine.js';
import type { BlockInfo } from './variants/types.js';

/** One parameter leaf and its blocks: infos[i] is block i of `layout`, key `<path>#<i>`. */
export interface LeafBlocks {
  readonly path: string;
  readonly layout: BlockLayout;
  readonly infos: readonly BlockInfo[];
}

/** The [path, shape] of every leaf of `tree`, in tree order. */
export function leafShapes(tree: TensorTree): [string, number[]][] {
  return leavesWithPaths(tree).map(([path, t]) => [path, [...t.shape]]);
}

/**
 * The blocks of the parameters `[path, shape]` (in tree order): per leaf, the engine's layout
 * of its shape and the BlockInfo of each block. Flattened, `infos` are the global block order.
 */
export function leafBlocks(
  engine: Pick<ShampooBlockEngine, 'layoutOf' | 'blockInfo'>,
  parameters: readonly (readonly [string, readonly number[]])[],
): LeafBlocks[] {
  return parameters.map(([path, shape]) => {
    const layout = engine.layoutOf(shape);
    return { path, layout, infos: layout.blocks.map((_, i) => engine.blockInfo(path, layout, i)) };
  });
}

/**
 * The engine's initial state for the blocks of `leaves` for which `keep(key)` holds (every
 * block by default): { step: 0, blocks: { <key>: BlockState } }, made without leaking.
 */
export function initLeafBlocks(engine: Pick<ShampooBlockEngine, 'init'>, leaves: readonly LeafBlocks[], keep: (key: string) => boolean = () => true): ShampooState {
  return tidyState(() => engine.init(leaves.flatMap((l) => l.infos.filter((info) => keep(info.key)))));
}

/**
 * The engine state `state` given `owner` names the transform, checked to be one its init
 * built ({ step: number, blocks: object }); otherwise an OptionError naming `name`.
 */
export function checkShampooState(owner: string, name: string, state: unknown): ShampooState {
  const s = state as Partial<ShampooState> | null;
  if (s === null || typeof s !== 'object' || typeof s.step !== 'number' || typeof s.blocks !== 'object' || s.blocks === null) {
    invalidParameter(owner, name, state, "the state built by this transform's init");
  }
  return s as ShampooState;
}

/**
 * The leaves of a step: every gradient leaf g_p of `updates` (checked: a live float32 tensor)
 * with the parameter leaf W_p at the same path of `params`. When the step reads W
 * (weightDecay > 0), `params` must be given (the engine checks each W_p's shape).
 */
export function stepLeafInputs(owner: string, engine: Pick<ShampooBlockEngine, 'needsParams' | 'config'>, updates: TensorTree, params?: TensorTree): LeafInput[] {
  if (engine.needsParams && params === undefined) {
    invalidParameter(owner, 'params', params, `the parameters, since weightDecay = ${engine.config.weightDecay} > 0`);
  }
  checkGradients(owner, updates);
  const paramByPath = new Map(params === undefined ? [] : leavesWithPaths(params));
  return leavesWithPaths(updates).map(([path, grad]) => ({ path, grad, param: paramByPath.get(path) }));
}

/**
 * The blocks of a step, split from its leaves (their gradients and parameters) in the order of
 * `plan` (the global block order), only the blocks for which `keep(key)` holds (all by default).
 * A leaf of `plan` that `leaves` lacks gives no block (the missing-gradient rule); every leaf
 * must be a leaf of `plan`, of its shape, else an OptionError naming `owner` and the path.
 */
export function planBlockInputs(
  owner: string,
  engine: Pick<ShampooBlockEngine, 'blockInputs'>,
  plan: readonly LeafBlocks[],
  leaves: readonly LeafInput[],
  keep?: (key: string) => boolean,
): BlockInput[] {
  const layouts = new Map(plan.map((leaf) => [leaf.path, leaf.layout]));
  for (const { path, grad } of leaves) {
    const layout = layouts.get(path);
    if (!layout || layout.shape.length !== grad.shape.length || layout.shape.some((d, i) => d !== grad.shape[i])) {
      invalidParameter(owner, `updates at '${path}' shape`, grad.shape, layout ? `[${layout.shape.join(',')}] (the parameter's shape)` : 'none: params has no leaf at this path');
    }
  }
  const byPath = new Map(leaves.map((leaf) => [leaf.path, leaf]));
  return plan.flatMap(({ path }) => {
    const leaf = byPath.get(path);
    return leaf ? engine.blockInputs(path, leaf.grad, leaf.param ?? undefined, keep) : [];
  });
}

/**
 * The missing-gradient rule: the state after a step that ran the blocks in `next`, with
 * every block of `previous` that the step did not run kept as it was:
 *   blocks = previous.blocks overridden by next.blocks; step = next.step.
 */
export function keepUnsteppedBlocks(previous: ShampooState, next: ShampooState): ShampooState {
  return { ...next, blocks: { ...previous.blocks, ...next.blocks } };
}

/**
 * Each leaf of `leaves` assembled from its block directions (`directionOf(info)` gives
 * block info.key's direction, of shape info.shape): the inverse of cutting it into blocks.
 * A leaf without blocks (an empty tensor) is zeros of its shape.
 */
export function assembleLeafBlocks(leaves: readonly LeafBlocks[], directionOf: (info: BlockInfo) => tf.Tensor): tf.Tensor[] {
  return leaves.map((leaf) => assembleBlocks(leaf.infos.map(directionOf), leaf.layout));
}

/** The tree of `like`'s structure whose leaves are `leaves`, in the order of leavesWithPaths(like). */
export function leavesToTree(like: TensorTree, leaves: readonly tf.Tensor[]): TensorTree {
  const count = leavesWithPaths(like).length;
  if (leaves.length !== count) {
    throw new RangeError(`leavesToTree: leaves has length ${leaves.length}; allowed: ${count} (one per leaf of the tree)`);
  }
  let i = 0;
  return treeMap(() => leaves[i++], like);
}
