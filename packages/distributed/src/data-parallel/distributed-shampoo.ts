/**
 * The data-parallel Shampoo optimizer as a recipe, like @shampoo-ts/shampoo's `shampoo`:
 *   distributedShampoo(o, d) = chain(distributedScaleByShampoo(o, d), ...afterShampooDirection(o))
 *   (scaleByLearningRate(o.lr) [, iterateAveraging(o.iterateAveraging, o.lr, decoupled decay)])
 * so u = -lr P with P shared by all ranks; every rank applies the same u to its replica.
 */
import { chain, type GradientTransformation, type StateValue } from '@shampoo-ts/core';
import { type ShampooOptions } from '@shampoo-ts/shampoo';
import { afterShampooDirection } from '@shampoo-ts/shampoo/engine';
import { distributedScaleByShampoo, type DistributionOptions } from './distributed-scale-by-shampoo.js';

/** Data-parallel Distributed Shampoo: u = -lr P (see distributedScaleByShampoo). */
export function distributedShampoo(options: ShampooOptions = {}, distribution: DistributionOptions): GradientTransformation<StateValue[]> {
  return chain(distributedScaleByShampoo(options, distribution), ...afterShampooDirection(options));
}
