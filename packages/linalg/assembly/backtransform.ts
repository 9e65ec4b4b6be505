// Back-transformation Z <- Q Z with Q = H_0 H_1 ... H_{n-3} from tridiagonalize, applied
// in blocks of NB reflectors in the compact WY form (Schreiber and Van Loan):
//   H_k0 ... H_{k0+b-1} = I - V T V^T,  T upper triangular,
//   T[c][c] = tau_c,  T[0:c, c] = -tau_c T[0:c, 0:c] (V[:, 0:c]^T v_c),
// so each block costs three GEMMs: S = V^T V (for T), W = V^T Z, Z <- Z - V (T W).
// Blocks are applied last to first, Z <- H_block Z.

import { gemm } from './gemm';

export const NB: i32 = 64;

/** Doubles of scratch `applyReflectors` needs: NB (2n + 2 NB). */
export function backScratchDoubles(n: i32): usize {
  return <usize>NB * (2 * <usize>n + 2 * NB);
}

/**
 * Z <- H_0 ... H_{n-3} Z, where row k of `a` (n x n) holds v_k beyond column k+1 and
 * tau[k] its factor; z is n x ncols, row-major. `scratch` holds backScratchDoubles(n).
 */
export function applyReflectors(n: i32, a: usize, tau: usize, z: usize, ncols: i32, scratch: usize): void {
  const nref = n - 2;
  if (nref <= 0) return;
  const vt = scratch; // NB x n
  const w = vt + ((<usize>NB * n) << 3); // NB x ncols (ncols <= n)
  const sm = w + ((<usize>NB * n) << 3); // NB x NB
  const tm = sm + ((<usize>NB * NB) << 3); // NB x NB
  let k0 = ((nref - 1) / NB) * NB;
  for (; k0 >= 0; k0 -= NB) {
    const b = min(NB, nref - k0);
    const r0 = k0 + 1;
    const rows = n - r0;
    // V^T: row c is v_{k0+c} on rows r0..n-1
    for (let c = 0; c < b; c++) {
      const k = k0 + c;
      const dst = vt + ((<usize>c * rows) << 3);
      const src = a + ((<usize>k * n + r0) << 3);
      for (let i = 0; i < rows; i++) {
        const gi = r0 + i;
        store<f64>(dst + (<usize>i << 3), gi <= k ? 0.0 : gi == k + 1 ? 1.0 : load<f64>(src + (<usize>i << 3)));
      }
    }
    // S = V^T V, then T
    gemm(b, b, rows, 1.0, vt, rows, false, vt, rows, true, 0.0, sm, b);
    for (let c = 0; c < b; c++) {
      const tc = load<f64>(tau + (<usize>(k0 + c) << 3));
      for (let i = 0; i < b; i++) store<f64>(tm + ((<usize>i * b + c) << 3), 0.0);
      store<f64>(tm + ((<usize>c * b + c) << 3), tc);
      for (let i = 0; i < c; i++) {
        let acc: f64 = 0;
        for (let l = i; l < c; l++) acc += load<f64>(tm + ((<usize>i * b + l) << 3)) * load<f64>(sm + ((<usize>l * b + c) << 3));
        store<f64>(tm + ((<usize>i * b + c) << 3), -tc * acc);
      }
    }
    const zr = z + ((<usize>r0 * ncols) << 3);
    // W = V^T Z[r0:, :]
    gemm(b, ncols, rows, 1.0, vt, rows, false, zr, ncols, false, 0.0, w, ncols);
    // W <- T W (upper triangular, in place: row i only reads rows l >= i)
    for (let i = 0; i < b; i++) {
      const wi = w + ((<usize>i * ncols) << 3);
      const tii = load<f64>(tm + ((<usize>i * b + i) << 3));
      for (let j = 0; j < ncols; j++) store<f64>(wi + (<usize>j << 3), tii * load<f64>(wi + (<usize>j << 3)));
      for (let l = i + 1; l < b; l++) {
        const t = load<f64>(tm + ((<usize>i * b + l) << 3));
        if (t == 0) continue;
        const wl = w + ((<usize>l * ncols) << 3);
        const vt2 = f64x2.splat(t);
        let j = 0;
        for (; j + 1 < ncols; j += 2) {
          const o = <usize>j << 3;
          v128.store(wi + o, f64x2.add(v128.load(wi + o), f64x2.mul(vt2, v128.load(wl + o))));
        }
        for (; j < ncols; j++) {
          const o = <usize>j << 3;
          store<f64>(wi + o, load<f64>(wi + o) + t * load<f64>(wl + o));
        }
      }
    }
    // Z[r0:, :] -= V W
    gemm(rows, ncols, b, -1.0, vt, rows, true, w, ncols, false, 1.0, zr, ncols);
  }
}
