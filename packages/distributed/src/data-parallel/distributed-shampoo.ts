/**
 * The data-parallel Shampoo optimizer as a recipe, like @shampoo-ts/shampoo's `shampoo`:
 *   distributedShampoo(o, d) = chain(distributedScaleByShampoo(o, d), scaleByLearningRate(o.lr)
 *                                    [, iterateAveraging(o.iterateAveraging, o.lr)])
 * so u = -lr P with P shared by all ranks; every rank applies the same u to its replica.
 */
import { chain, scaleByLearningRate, type GradientTransformation, type StateValue } from '@shampoo-ts/core';
import { iterateAveraging, type ShampooOptions } from '@shampoo-ts/shampoo';
import { distributedScaleByShampoo, type DistributionOptions } from './distributed-scale-by-shampoo.js';

/** Data-parallel Distributed Shampoo: u = -lr P (see distributedScaleByShampoo). */
export function distributedShampoo(options: ShampooOptions = {}, distribution: DistributionOptions): GradientTransformation<StateValue[]> {
  const tx = distributedScaleByShampoo(options, distribution);
  const lr = options.lr ?? 1e-2;
  if (options.iterateAveraging) return chain(tx, scaleByLearningRate(lr), iterateAveraging(options.iterateAveraging, lr));
  return chain(tx, scaleByLearningRate(lr));
}
