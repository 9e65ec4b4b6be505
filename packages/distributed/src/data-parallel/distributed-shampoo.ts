/**
 * The data-parallel Shampoo optimizer as a recipe, like @shampoo-ts/shampoo's `shampoo`:
 *   distributedShampoo(o, d) = shampooRecipe(o => distributedScaleByShampoo(o, d), o)
 *   = chain(P, scaleByLearningRate(o.learningRate) [, iterateAveraging(o.iterateAveraging, lr_t, decoupled decay)])
 * so u = -lr_t P with P shared by all ranks; every rank applies the same u to its replica.
 * A learning-rate schedule works as in shampoo (recipe.ts).
 */
import type { GradientTransformation, StateValue } from '@shampoo-ts/core';
import { shampooRecipe, type ShampooOptions } from '@shampoo-ts/shampoo';
import { distributedScaleByShampoo, type DistributionOptions } from './distributed-scale-by-shampoo.js';

/** Data-parallel Distributed Shampoo: u_t = -lr_t P_t (see distributedScaleByShampoo and shampoo's recipe.ts). */
export function distributedShampoo(options: ShampooOptions = {}, distribution: DistributionOptions): GradientTransformation<StateValue[]> {
  return shampooRecipe((o) => distributedScaleByShampoo(o, distribution), options);
}
