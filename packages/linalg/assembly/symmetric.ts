// Products known to be symmetric, C = alpha op(X) op(Y)^T + beta C (m x m): Q diag(w) Q^T
// (X = Q diag(w), Y = Q) and the rank-k updates G G^T, G^T G (X = Y = G). Only the blocks
// on or above the diagonal are multiplied (block rows of MB against the columns from the
// block's diagonal on), about half of the 2 m^2 k flops, and the lower triangle is then
// copied from the upper one, so C is exactly symmetric.

import { gemm } from './gemm';

const MB: i32 = 64;

/**
 * C = alpha op(X) op(Y)^T + beta C, C m x m row-major (ldc), op(X) = X (m x k, ldx) or,
 * when `trans`, X^T with X stored k x m; the same for Y. beta == 0 ignores C's contents.
 */
export function symmetricProduct(
  m: i32, k: i32, alpha: f64,
  x: usize, ldx: i32, y: usize, ldy: i32, trans: bool,
  beta: f64, c: usize, ldc: i32,
): void {
  for (let i0 = 0; i0 < m; i0 += MB) {
    const mb = min(MB, m - i0);
    const xa = trans ? x + (<usize>i0 << 3) : x + ((<usize>i0 * ldx) << 3);
    const yb = trans ? y + (<usize>i0 << 3) : y + ((<usize>i0 * ldy) << 3);
    gemm(mb, m - i0, k, alpha, xa, ldx, trans, yb, ldy, !trans, beta, c + ((<usize>i0 * ldc + i0) << 3), ldc);
  }
  for (let i = 1; i < m; i++) {
    for (let j = 0; j < i; j++) {
      store<f64>(c + ((<usize>i * ldc + j) << 3), load<f64>(c + ((<usize>j * ldc + i) << 3)));
    }
  }
}

/** X = Q diag(w): scales column j of the n x n matrix at q by w[j], into x. */
export function scaleColumns(n: i32, q: usize, w: usize, x: usize): void {
  for (let i = 0; i < n; i++) {
    const src = q + ((<usize>i * n) << 3);
    const dst = x + ((<usize>i * n) << 3);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = <usize>j << 3;
      v128.store(dst + o, f64x2.mul(v128.load(src + o), v128.load(w + o)));
    }
    if (j < n) store<f64>(dst + (<usize>j << 3), load<f64>(src + (<usize>j << 3)) * load<f64>(w + (<usize>j << 3)));
  }
}
