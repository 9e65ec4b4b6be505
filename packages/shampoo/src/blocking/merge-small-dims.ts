/**
 * mergeSmallDims(shape, threshold, target): the shape a parameter is preconditioned in.
 *
 * 1. A dim of size 0 anywhere gives [0] (an empty tensor has nothing to precondition).
 * 2. Dims of size 1 are dropped; if nothing is left the result is [1] (so a scalar becomes [1]).
 * 3. The dims are walked from the last to the first. The next dim is folded into the current
 *    group while (groups kept + the current one + dims still to visit) > target and the
 *    product stays <= threshold; the order is then restored.
 *
 * Worked examples for [32, 3, 64, 64]: threshold 8192 -> [96, 4096]; 200 -> [32, 192, 64];
 * 1e6 (target 1) -> [393216]; 1e6 with target 2 -> [32, 12288].
 * The product of the result always equals the product of `shape`.
 */
import { checkWith } from '../validate.js';

/** The shape a parameter is preconditioned in: size-1 dims dropped, neighbouring dims merged while their product stays ≤ threshold (see the module comment for the exact rule); the product of the result equals the product of `shape`. */
export function mergeSmallDims(shape: readonly number[], threshold: number, target = 1): number[] {
  checkWith('mergeSmallDims', 'threshold', threshold, (v) => v >= 1, 'a number >= 1 (Infinity allowed)');
  checkWith('mergeSmallDims', 'target', target, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  shape.forEach((d, i) =>
    checkWith('mergeSmallDims', `shape[${i}]`, d, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'),
  );
  if (shape.some((d) => d === 0)) return [0];
  const dims = shape.filter((d) => d !== 1);
  if (dims.length === 0) return [1];
  const kept: number[] = [];
  let current = dims[dims.length - 1];
  for (let i = dims.length - 2; i >= 0; i--) {
    const stillToVisit = i + 1;
    const merged = current * dims[i];
    if (kept.length + 1 + stillToVisit > target && merged <= threshold) {
      current = merged;
    } else {
      kept.push(current);
      current = dims[i];
    }
  }
  kept.push(current);
  return kept.reverse();
}
