/** Orthonormality of the columns of a matrix. */
import { assertMatrix, type NumericArray } from '../matrix/validate.js';

/**
 * ||Q^T Q - I||_F for Q of shape rows x cols (default square): 0 iff the columns are
 * orthonormal. For a computed orthogonal matrix expect a small multiple of n * 2^-52.
 */
export function orthogonalityError(q: NumericArray, rows: number, cols = rows): number {
  assertMatrix('orthogonalityError', 'q', q, rows, cols);
  let sum = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += q[r * cols + i] * q[r * cols + j];
      const d = i === j ? dot - 1 : dot;
      sum += (i === j ? 1 : 2) * d * d;
    }
  }
  return Math.sqrt(sum);
}
