/** fast-check arbitraries for tensor shapes. */
import fc from 'fast-check';
import { checkIntRange } from './options.js';

/** Options of `arbShape`: the rank and dimension ranges and how often a dimension is 0. */
export interface ShapeOptions {
  /** Rank range; defaults 0 (scalars) and 3. */
  minRank?: number;
  maxRank?: number;
  /** Range of each dimension; defaults 0 (empty tensors) and 4. */
  minDim?: number;
  maxDim?: number;
  /** When minDim = 0, the relative weight of a 0 dimension against one drawn from [1, maxDim]; default 1 (vs 9). */
  zeroDimWeight?: number;
}

/**
 * Shapes [d_1, ..., d_r] with minRank <= r <= maxRank and minDim <= d_i <= maxDim. With
 * the defaults this covers scalars ([]), size-1 dims and size-0 dims (tensors with no
 * elements; each dim is 0 with probability about 1/10). Shrinks towards lower rank and
 * smaller dims. The number of elements is at most maxDim^maxRank.
 */
export function arbShape(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 0, maxDim = 4, zeroDimWeight = 1 } = options;
  checkIntRange('arbShape', 'minRank', minRank, 'maxRank', maxRank);
  checkIntRange('arbShape', 'minDim', minDim, 'maxDim', maxDim);
  if (!(zeroDimWeight >= 0 && Number.isInteger(zeroDimWeight))) {
    throw new RangeError(`arbShape: zeroDimWeight is ${zeroDimWeight}; allowed: an integer >= 0`);
  }
  const positive = fc.integer({ min: Math.max(1, minDim), max: Math.max(1, maxDim) });
  const dim =
    minDim > 0 || maxDim === 0
      ? fc.integer({ min: minDim, max: maxDim })
      : zeroDimWeight === 0
        ? positive
        : fc.oneof({ arbitrary: positive, weight: 9 }, { arbitrary: fc.constant(0), weight: zeroDimWeight });
  return fc.array(dim, { minLength: minRank, maxLength: maxRank });
}

/** Number of elements of a shape: the product of its dims (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
