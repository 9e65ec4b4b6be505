/**
 * The one dense multiply kernel every other product in this package goes through:
 *
 *   C <- beta * C + alpha * A B^T,   A: m x k, B: n x k, C: m x n, all row-major Float64Array.
 *
 * Written as dot products of rows of A with rows of B, both contiguous, in 4 x 2 register
 * blocks (eight independent accumulators, six loads per eight multiply-adds). On this
 * machine that ran at 4.6-4.7 GFLOP/s for n = 128..512, against about 1.3 GFLOP/s for a
 * naive triple loop (one-off measurements, see docs/linalg.md). Monomorphic: only
 * Float64Array reaches the inner loops.
 *
 * With `upper = true` (m == n and the product known to be symmetric) only the blocks that
 * touch the upper triangle are computed; the caller mirrors the result.
 */
export function gemmTransposed(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  k: number,
  n: number,
  alpha: number,
  beta: number,
  upper: boolean,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    const c0 = i * n;
    let j = upper ? i & ~1 : 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p];
        const y1 = b[b1 + p];
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const x2 = a[a2 + p];
        const x3 = a[a3 + p];
        s00 += x0 * y0; s01 += x0 * y1;
        s10 += x1 * y0; s11 += x1 * y1;
        s20 += x2 * y0; s21 += x2 * y1;
        s30 += x3 * y0; s31 += x3 * y1;
      }
      const o = c0 + j;
      store(c, o, s00, alpha, beta);
      store(c, o + 1, s01, alpha, beta);
      store(c, o + n, s10, alpha, beta);
      store(c, o + n + 1, s11, alpha, beta);
      store(c, o + 2 * n, s20, alpha, beta);
      store(c, o + 2 * n + 1, s21, alpha, beta);
      store(c, o + 3 * n, s30, alpha, beta);
      store(c, o + 3 * n + 1, s31, alpha, beta);
    }
    if (j < n) {
      const b0 = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      const o = c0 + j;
      store(c, o, s0, alpha, beta);
      store(c, o + n, s1, alpha, beta);
      store(c, o + 2 * n, s2, alpha, beta);
      store(c, o + 3 * n, s3, alpha, beta);
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    const c0 = i * n;
    let j = upper ? i & ~1 : 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p];
        s0 += x * b[b0 + p];
        s1 += x * b[b1 + p];
      }
      store(c, c0 + j, s0, alpha, beta);
      store(c, c0 + j + 1, s1, alpha, beta);
    }
    if (j < n) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p] * b[b0 + p];
      store(c, c0 + j, s, alpha, beta);
    }
  }
}

function store(c: Float64Array, index: number, sum: number, alpha: number, beta: number): void {
  c[index] = beta === 0 ? alpha * sum : beta * c[index] + alpha * sum;
}
