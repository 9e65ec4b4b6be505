import { gemmTransposed } from './gemm.js';

const BLOCK = 32;

/**
 * Forms Q = P_{n-1} ... P_3 P_2 from the Householder reflectors of `tridiagonalize`:
 * P_i = I - u_i u_i^T / h_i with u_i stored in row i of `w` (entries 0..i-1) and h_i in
 * hs[i] (0 means P_i = I).
 *
 * The reflectors are applied to the identity from the left in increasing order, BLOCK at a
 * time in compact WY form: for P_{i0}, ..., P_{i1-1},
 *   P_{i1-1} ... P_{i0} = I - Y T^T Y^T,   Y = [u_{i0} ... u_{i1-1}],
 *   T upper triangular: T_jj = 1/h_j,  T[0..j-1, j] = -T_jj T[0..j-1, 0..j-1] Y[:, 0..j-1]^T u_j,
 * so that M <- M - Y (T^T (Y^T M)) costs two products through the dot-product kernel. Only
 * the leading (i1 - 1) x (i1 - 1) block of M changes (M is block-diagonal with the identity
 * below it). 4n^3/3 flops, most of them at the kernel's speed.
 */
export function accumulateReflectors(w: Float64Array, hs: Float64Array, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const t = new Float64Array(BLOCK * BLOCK);
  const yt = new Float64Array(BLOCK * n); // rows: u_{i0+r} padded with zeros to length sz
  const scratch = new Float64Array(BLOCK);
  for (let i0 = 2; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, n);
    const nb = i1 - i0;
    const sz = i1 - 1; // rows/columns 0..sz-1 of M change
    // Y^T (nb x sz) and T
    yt.fill(0, 0, nb * sz);
    t.fill(0);
    for (let r = 0; r < nb; r++) {
      const i = i0 + r;
      const h = hs[i];
      const row = i * n;
      const yr = r * sz;
      if (h !== 0) for (let k = 0; k < i; k++) yt[yr + k] = w[row + k];
      const tau = h === 0 ? 0 : 1 / h;
      // scratch[c] = Y[:, c]^T u_r for c < r
      for (let c = 0; c < r; c++) {
        let s = 0;
        const yc = c * sz;
        for (let k = 0; k < i; k++) s += yt[yc + k] * yt[yr + k];
        scratch[c] = s;
      }
      for (let c = 0; c < r; c++) {
        let s = 0;
        for (let d = c; d < r; d++) s += t[c * BLOCK + d] * scratch[d];
        t[c * BLOCK + r] = -tau * s;
      }
      t[r * BLOCK + r] = tau;
    }
    // M^T block (sz x sz), W = Y^T M = Yt (M^T)^T : nb x sz
    const mt = new Float64Array(sz * sz);
    for (let j = 0; j < sz; j++) {
      const row = j * n;
      for (let c = 0; c < sz; c++) mt[c * sz + j] = q[row + c];
    }
    const wm = new Float64Array(nb * sz);
    gemmTransposed(yt, mt, wm, nb, sz, sz, 1, 0, false);
    // Z = T^T W (nb x sz), stored transposed (sz x nb) for the next product
    const zt = new Float64Array(sz * nb);
    for (let r = 0; r < nb; r++) {
      for (let c = 0; c < sz; c++) {
        let s = 0;
        for (let d = 0; d <= r; d++) s += t[d * BLOCK + r] * wm[d * sz + c];
        zt[c * nb + r] = s;
      }
    }
    // M <- M - Y Z: (Y Z)[j][c] = sum_r Yt[r][j] Z[r][c] = (Y)(Zt)^T with Y = Yt^T (sz x nb)
    const y = new Float64Array(sz * nb);
    for (let r = 0; r < nb; r++) for (let j = 0; j < sz; j++) y[j * nb + r] = yt[r * sz + j];
    const update = new Float64Array(sz * sz);
    gemmTransposed(y, zt, update, sz, nb, sz, 1, 0, false);
    for (let j = 0; j < sz; j++) {
      const row = j * n;
      const ur = j * sz;
      for (let c = 0; c < sz; c++) q[row + c] -= update[ur + c];
    }
  }
  return q;
}
