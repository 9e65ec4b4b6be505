/**
 * Cost models for block assignment: how much work (or memory) one block puts on the rank
 * that owns it. A cost model maps a block's shape to a finite number >= 0.
 *
 * - `bytesCost` (the default, as in the reference's data-parallel distributor): the bytes
 *   of the block's buffer rounded up to the alignment,
 *     cost(d_1..d_k) = ceil(bytesPerElement * prod_i d_i / alignment) * alignment.
 * - `polynomialCost`: a polynomial in the block dims, for when the O(d^3) root
 *   computation dominates rather than memory,
 *     cost(d_1..d_k) = elementCoefficient * prod_i d_i + sum_i sum_j coefficients[j] * d_i^j.
 */
import { checkKnownOptions, checkNumber, invalidType } from '@shampoo-ts/core/authoring';

/** Maps a block shape to its cost (finite, >= 0). */
export type CostModel = (blockShape: readonly number[]) => number;

const OWNER_BYTES = 'bytesCost';
const OWNER_POLY = 'polynomialCost';

/** Number of elements of a block: prod_i d_i (1 for a 0-d block). */
export function blockElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(owner: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) invalidType(owner, 'blockShape', shape, 'an array of dims');
  shape.forEach((d, i) => checkNumber(owner, `blockShape[${i}]`, d, { min: 0, integer: true }));
}

/**
 * Bytes of a block rounded up to `alignment`:
 * ceil(bytesPerElement * prod_i d_i / alignment) * alignment.
 * Defaults: 4 bytes per element (float32), alignment 64.
 */
export function bytesCost(options: { bytesPerElement?: number; alignment?: number } = {}): CostModel {
  checkKnownOptions(OWNER_BYTES, options, ['bytesPerElement', 'alignment']);
  const bytesPerElement = checkNumber(OWNER_BYTES, 'bytesPerElement', options.bytesPerElement ?? 4, { min: 1, integer: true });
  const alignment = checkNumber(OWNER_BYTES, 'alignment', options.alignment ?? 64, { min: 1, integer: true });
  return (shape) => {
    checkShape(OWNER_BYTES, shape);
    return Math.ceil((bytesPerElement * blockElements(shape)) / alignment) * alignment;
  };
}

/**
 * A polynomial in the block dims:
 * cost = elementCoefficient * prod_i d_i + sum_i sum_j coefficients[j] * d_i^j.
 * For example `polynomialCost([0, 0, 0, 1])` is sum_i d_i^3, the flops of one
 * eigendecomposition per factor; all coefficients must be >= 0.
 */
export function polynomialCost(coefficients: readonly number[], options: { elementCoefficient?: number } = {}): CostModel {
  checkKnownOptions(OWNER_POLY, options, ['elementCoefficient']);
  if (!Array.isArray(coefficients) || coefficients.length === 0) invalidType(OWNER_POLY, 'coefficients', coefficients, 'a non-empty array of finite numbers >= 0');
  const cs = coefficients.map((c, j) => checkNumber(OWNER_POLY, `coefficients[${j}]`, c, { min: 0 }));
  const elementCoefficient = checkNumber(OWNER_POLY, 'elementCoefficient', options.elementCoefficient ?? 0, { min: 0 });
  return (shape) => {
    checkShape(OWNER_POLY, shape);
    let cost = elementCoefficient === 0 ? 0 : elementCoefficient * blockElements(shape);
    for (const d of shape) {
      let power = 1;
      for (const c of cs) {
        cost += c * power;
        power *= d;
      }
    }
    return cost;
  };
}
