import { checkChoice, checkFinite, checkFiniteNumber, checkMatrix } from './check.js';
import { gemmTransposed } from './gemm.js';
import { mirrorUpperToLower, transpose } from './matrixBasics.js';

/** Options of {@link symmetricRankKUpdate}. */
export interface RankKUpdateOptions {
  /** 'left': C is rows x rows and gets G G^T (Shampoo's L); 'right': C is cols x cols and gets G^T G (R). Default 'left'. */
  side?: 'left' | 'right';
  /** Multiplier of the new product. Default 1. */
  alpha?: number;
  /** Multiplier of the old C. Default 1; 0 overwrites C (even if it held NaN). */
  beta?: number;
}

/** The checked arguments of a symmetric rank-k update; d is the order of C (rows for 'left', cols for 'right'). */
export interface CheckedRankKUpdate {
  readonly side: 'left' | 'right';
  readonly alpha: number;
  readonly beta: number;
  readonly d: number;
}

/**
 * Applies the defaults of {@link RankKUpdateOptions} (side 'left', alpha 1, beta 1) and checks
 * the arguments of C <- beta C + alpha G G^T (or G^T G) on behalf of `fn` (internal, shared by
 * the TypeScript and WebAssembly updates): side is 'left' or 'right', alpha and beta finite,
 * G is rows x cols and finite, C is d x d with d = rows ('left') or cols ('right'), and C is
 * finite unless beta = 0 (then its old content is ignored). Throws before anything is written.
 */
export function checkRankKUpdate(
  fn: string,
  c: Float64Array,
  g: Float64Array,
  rows: number,
  cols: number,
  options: RankKUpdateOptions,
): CheckedRankKUpdate {
  const side = options.side ?? 'left';
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 1;
  checkChoice(fn, 'side', side, ['left', 'right'] as const);
  checkFiniteNumber(fn, 'alpha', alpha);
  checkFiniteNumber(fn, 'beta', beta);
  checkMatrix(fn, 'g', g, rows, cols);
  const d = side === 'left' ? rows : cols;
  checkMatrix(fn, 'c', c, d, d);
  checkFinite(fn, 'g', g, cols);
  if (beta !== 0) checkFinite(fn, 'c', c, d);
  return { side, alpha, beta, d };
}

/**
 * Symmetric rank-k update, in place:
 *
 *   side 'left':  C <- beta C + alpha G G^T   (C: rows x rows)
 *   side 'right': C <- beta C + alpha G^T G   (C: cols x cols)
 *
 * for G: rows x cols. Only the upper triangle is computed (each entry a dot product of two
 * contiguous rows of G, or of G^T for 'right'), then mirrored, so the result is exactly
 * symmetric: its lower triangle is the mirror of the upper one, whatever C's lower triangle
 * held before. Returns C. Arguments are checked before C is written.
 */
export function symmetricRankKUpdate(
  c: Float64Array,
  g: Float64Array,
  rows: number,
  cols: number,
  options: RankKUpdateOptions = {},
): Float64Array {
  const { side, alpha, beta, d } = checkRankKUpdate('symmetricRankKUpdate', c, g, rows, cols, options);
  if (side === 'left') {
    gemmTransposed(g, g, c, rows, cols, rows, alpha, beta, true);
  } else {
    const gt = transpose(g, rows, cols);
    gemmTransposed(gt, gt, c, cols, rows, cols, alpha, beta, true);
  }
  mirrorUpperToLower(c, d);
  return c;
}

/**
 * Q diag(w) Q^T for a square n x n Q (unchecked, internal): the upper triangle of
 * (Q diag(w)) Q^T by the dot-product kernel, mirrored. n^3 flops plus O(n^2).
 */
export function congruenceWithDiagonal(q: Float64Array, w: Float64Array, n: number): Float64Array {
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) scaled[row + j] = q[row + j] * w[j];
  }
  const out = new Float64Array(n * n);
  gemmTransposed(scaled, q, out, n, n, n, 1, 0, true);
  mirrorUpperToLower(out, n);
  return out;
}
