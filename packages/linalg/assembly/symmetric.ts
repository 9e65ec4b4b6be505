// Products known to be symmetric, C = alpha op(X) op(Y)^T + beta C (m x m): Q diag(w) Q^T
// (X = Q diag(w), Y = Q) and the rank-k updates G G^T, G^T G (X = Y = G). Only the 4 x 4
// tiles on or above the diagonal are multiplied (gemmUpper: one packed GEMM pass, about half
// of the 2 m^2 k flops), and the lower triangle is then copied from the upper one, so C is
// exactly symmetric.

import { gemmUpper } from './gemm';

const TB: i32 = 32;

/**
 * C = alpha op(X) op(Y)^T + beta C, C m x m row-major (ldc), op(X) = X (m x k, ldx) or,
 * when `trans`, X^T with X stored k x m; the same for Y. beta == 0 ignores C's contents.
 */
export function symmetricProduct(
  m: i32, k: i32, alpha: f64,
  x: usize, ldx: i32, y: usize, ldy: i32, trans: bool,
  beta: f64, c: usize, ldc: i32,
): void {
  gemmUpper(m, k, alpha, x, ldx, trans, y, ldy, !trans, beta, c, ldc);
  mirrorUpper(m, c, ldc);
}

/** c_ij = c_ji for i > j, in TB x TB tiles (the column reads stay in cache). */
function mirrorUpper(m: i32, c: usize, ldc: i32): void {
  for (let i0 = 0; i0 < m; i0 += TB) {
    const i1 = min(m, i0 + TB);
    for (let j0 = 0; j0 <= i0; j0 += TB) {
      for (let i = i0; i < i1; i++) {
        const j1 = min(i, j0 + TB);
        const row = c + ((<usize>i * ldc) << 3);
        for (let j = j0; j < j1; j++) store<f64>(row + (<usize>j << 3), load<f64>(c + ((<usize>j * ldc + i) << 3)));
      }
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
