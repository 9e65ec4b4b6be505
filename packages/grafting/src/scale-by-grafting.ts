/**
 * A grafting strategy used on its own, as a gradient transformation over a whole tree:
 *   count <- count + 1;  v <- accumulate(v, g);  u = direction(v, g, count)
 * per leaf (the strategy's pieces applied to each parameter as one block). Chained with
 * a learning rate it is the diagonal method itself:
 *   chain(scaleByGrafting(adamGrafting({ epsilon })), scaleByLearningRate(lr))
 *     == Adam with beta1 = 0 (epsilon outside the root),
 *   chain(scaleByGrafting(adagradGrafting()), ...) == AdaGrad with a zero initial accumulator.
 * State: { count, accumulators } with `accumulators` a tree shaped like the parameters
 * (null for SGD), so it is keyed by parameter path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { treeMap, treeMapN, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import type { GraftingStrategy } from './strategy.js';

/** State of `scaleByGrafting`: the step count and one accumulator per parameter (null for SGD). */
export interface GraftingTransformState {
  readonly [key: string]: number | TensorTree | null;
  readonly count: number;
  readonly accumulators: TensorTree | null;
}

/** The strategy as a standalone transform (see the module comment). */
export function scaleByGrafting(strategy: GraftingStrategy): GradientTransformation<GraftingTransformState> {
  const stateless = strategy.kind === 'sgd';
  return {
    init(params: TensorTree): GraftingTransformState {
      return {
        count: 0,
        accumulators: stateless ? null : treeMap((p) => strategy.init(p.shape) as tf.Tensor, params),
      };
    },
    update(updates: TensorTree, state: GraftingTransformState): [TensorTree, GraftingTransformState] {
      const count = state.count + 1;
      if (stateless || state.accumulators === null) {
        return [treeMap((g) => strategy.direction(null, g, count), updates), { count, accumulators: null }];
      }
      const accumulators = treeMapN(
        ([g, v]) => strategy.accumulate(v, g) as tf.Tensor,
        [updates, state.accumulators],
        ['updates', 'grafting accumulators'],
      ) as TensorTree;
      const directions = treeMapN(([g, v]) => strategy.direction(v, g, count), [updates, accumulators]) as TensorTree;
      return [directions, { count, accumulators }];
    },
  };
}
