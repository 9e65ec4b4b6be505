// Back-transformation Z <- Q Z with Q = H_0 H_1 ... H_{n-3} from tridiagonalize, applied
// in blocks of NB reflectors in the compact WY form (Schreiber and Van Loan):
//   H_k0 ... H_{k0+b-1} = I - V T V^T,  T upper triangular,
//   T[c][c] = tau_c,  T[0:c, c] = -tau_c T[0:c, 0:c] (V[:, 0:c]^T v_c),
// so each block costs two GEMMs, W = V^T Z and Z <- Z - V (T W), plus the upper triangle of
// S = V^T V (for T) and the triangular product T W. Blocks are applied last to first,
// Z <- H_block Z. NB = 32 measured faster than 64 (CPU time, interleaved: 0.92x at n = 512,
// 0.89x at 256, equal at 1024), 16, 24, 48 and 128. Up to n = UNBLOCKED_MAX the same is
// done with blocks of 4 and unpacked register-blocked loops, which is 2-4x faster there.

import { gemm, gemmUpper } from './gemm';

export const NB: i32 = 32;
/** Up to this order the reflectors are applied in groups of 4 without packing (see below). */
export const UNBLOCKED_MAX: i32 = 192;

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
  if (n <= UNBLOCKED_MAX) {
    applyReflectorsGrouped(n, a, tau, z, ncols, scratch);
    return;
  }
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
    // S = V^T V (its upper triangle is all T needs), then T
    gemmUpper(b, rows, 1.0, vt, rows, false, vt, rows, true, 0.0, sm, b);
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
    triangularTimes(b, ncols, tm, w);
    // Z[r0:, :] -= V W
    gemm(rows, ncols, b, -1.0, vt, rows, true, w, ncols, false, 1.0, zr, ncols);
  }
}

// W <- T W in place, T b x b upper triangular, W b x ncols: output rows in groups of 4
// (rows i..i+3 read only rows l >= i, which are still unchanged), 4 columns at a time in
// eight f64x2 accumulators, so each W row chunk loaded serves four rows of the result.
function triangularTimes(b: i32, ncols: i32, tm: usize, w: usize): void {
  const ld = <usize>ncols << 3;
  let i = 0;
  for (; i + 3 < b; i += 4) {
    const t0 = tm + ((<usize>i * b) << 3), t1 = t0 + (<usize>b << 3), t2 = t1 + (<usize>b << 3), t3 = t2 + (<usize>b << 3);
    let j = 0;
    for (; j + 3 < ncols; j += 4) {
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      let pw = w + <usize>i * ld + (<usize>j << 3);
      for (let l = i; l < b; l++) {
        const x0 = v128.load(pw), x1 = v128.load(pw, 16);
        const lo = <usize>l << 3;
        // T is upper triangular: entries left of the diagonal are zero (T was zero-filled)
        let s = v128.load64_splat(t0 + lo);
        a00 = f64x2.add(a00, f64x2.mul(s, x0)); a01 = f64x2.add(a01, f64x2.mul(s, x1));
        s = v128.load64_splat(t1 + lo);
        a10 = f64x2.add(a10, f64x2.mul(s, x0)); a11 = f64x2.add(a11, f64x2.mul(s, x1));
        s = v128.load64_splat(t2 + lo);
        a20 = f64x2.add(a20, f64x2.mul(s, x0)); a21 = f64x2.add(a21, f64x2.mul(s, x1));
        s = v128.load64_splat(t3 + lo);
        a30 = f64x2.add(a30, f64x2.mul(s, x0)); a31 = f64x2.add(a31, f64x2.mul(s, x1));
        pw += ld;
      }
      const o = <usize>i * ld + (<usize>j << 3);
      v128.store(w + o, a00); v128.store(w + o, a01, 16);
      v128.store(w + o + ld, a10); v128.store(w + o + ld, a11, 16);
      v128.store(w + o + 2 * ld, a20); v128.store(w + o + 2 * ld, a21, 16);
      v128.store(w + o + 3 * ld, a30); v128.store(w + o + 3 * ld, a31, 16);
    }
    for (; j < ncols; j++) triangularColumn(b, ncols, tm, w, i, i + 4, j);
  }
  for (let j = 0; j < ncols; j++) triangularColumn(b, ncols, tm, w, i, b, j);
}

// rows [i0, i1) of column j of T W (ascending rows: each reads only rows >= itself)
function triangularColumn(b: i32, ncols: i32, tm: usize, w: usize, i0: i32, i1: i32, j: i32): void {
  for (let r = i0; r < i1; r++) {
    let s: f64 = 0;
    for (let l = r; l < b; l++) s += load<f64>(tm + ((<usize>r * b + l) << 3)) * load<f64>(w + ((<usize>l * ncols + j) << 3));
    store<f64>(w + ((<usize>r * ncols + j) << 3), s);
  }
}

// Small orders: groups of G = 4 reflectors, H_k0 .. H_k0+3 = I - V T V^T (same T as
// above), applied with register-blocked loops instead of packed GEMMs (whose packing
// costs more than it saves at these sizes): W = V^T Z with the 4 x 4 block of W in eight
// f64x2 registers over all rows, W <- T W, then Z -= V W row by row.
const G: i32 = 4;

function applyReflectorsGrouped(n: i32, a: usize, tau: usize, z: usize, ncols: i32, scratch: usize): void {
  const nref = n - 2;
  const vg = scratch; // rows x G, row-major: vg[i][c] = v_{k0+c}[r0 + i]
  const w = vg + ((<usize>n * G) << 3); // G x ncols
  const tm = w + ((<usize>G * ncols) << 3); // G x G
  let k0 = ((nref - 1) / G) * G;
  for (; k0 >= 0; k0 -= G) {
    const b = min(G, nref - k0);
    const r0 = k0 + 1;
    const rows = n - r0;
    for (let i = 0; i < rows; i++) {
      const gi = r0 + i;
      for (let c = 0; c < G; c++) {
        const k = k0 + c;
        const v: f64 = c >= b || gi <= k ? 0.0 : gi == k + 1 ? 1.0 : load<f64>(a + ((<usize>k * n + gi) << 3));
        store<f64>(vg + ((<usize>(i * G + c)) << 3), v);
      }
    }
    // T (G x G, zero beyond b): T[c][c] = tau_c, T[0:c, c] = -tau_c T[0:c, 0:c] (V^T v_c)
    for (let c = 0; c < G; c++) {
      for (let i = 0; i < G; i++) store<f64>(tm + ((<usize>(i * G + c)) << 3), 0.0);
      if (c >= b) continue;
      const tc = load<f64>(tau + (<usize>(k0 + c) << 3));
      store<f64>(tm + ((<usize>(c * G + c)) << 3), tc);
      for (let i = 0; i < c; i++) {
        let acc: f64 = 0;
        for (let l = i; l < c; l++) {
          let dot: f64 = 0;
          for (let r = 0; r < rows; r++) dot += load<f64>(vg + ((<usize>(r * G + l)) << 3)) * load<f64>(vg + ((<usize>(r * G + c)) << 3));
          acc += load<f64>(tm + ((<usize>(i * G + l)) << 3)) * dot;
        }
        store<f64>(tm + ((<usize>(i * G + c)) << 3), -tc * acc);
      }
    }
    const zr = z + ((<usize>r0 * ncols) << 3);
    groupProject(rows, ncols, vg, zr, w);
    // W <- T W (upper triangular, rows ascending read only rows >= themselves)
    for (let i = 0; i < G; i++) {
      const wi = w + ((<usize>(i * ncols)) << 3);
      for (let j = 0; j < ncols; j++) {
        let s: f64 = 0;
        for (let l = i; l < G; l++) s += load<f64>(tm + ((<usize>(i * G + l)) << 3)) * load<f64>(w + ((<usize>(l * ncols + j)) << 3));
        store<f64>(wi + (<usize>j << 3), s);
      }
    }
    groupUpdate(rows, ncols, vg, zr, w);
  }
}

// w (G x ncols) = vg^T z, vg rows x G, z rows x ncols
function groupProject(rows: i32, ncols: i32, vg: usize, z: usize, w: usize): void {
  const ld = <usize>ncols << 3;
  let j = 0;
  for (; j + 3 < ncols; j += 4) {
    let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
    let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
    let pz = z + (<usize>j << 3);
    let pv = vg;
    for (let i = 0; i < rows; i++) {
      const z0 = v128.load(pz), z1 = v128.load(pz, 16);
      let s = v128.load64_splat(pv);
      a00 = f64x2.add(a00, f64x2.mul(s, z0)); a01 = f64x2.add(a01, f64x2.mul(s, z1));
      s = v128.load64_splat(pv, 8);
      a10 = f64x2.add(a10, f64x2.mul(s, z0)); a11 = f64x2.add(a11, f64x2.mul(s, z1));
      s = v128.load64_splat(pv, 16);
      a20 = f64x2.add(a20, f64x2.mul(s, z0)); a21 = f64x2.add(a21, f64x2.mul(s, z1));
      s = v128.load64_splat(pv, 24);
      a30 = f64x2.add(a30, f64x2.mul(s, z0)); a31 = f64x2.add(a31, f64x2.mul(s, z1));
      pz += ld;
      pv += 32;
    }
    const o = <usize>j << 3;
    v128.store(w + o, a00); v128.store(w + o, a01, 16);
    v128.store(w + ld + o, a10); v128.store(w + ld + o, a11, 16);
    v128.store(w + 2 * ld + o, a20); v128.store(w + 2 * ld + o, a21, 16);
    v128.store(w + 3 * ld + o, a30); v128.store(w + 3 * ld + o, a31, 16);
  }
  for (; j < ncols; j++) {
    for (let c = 0; c < G; c++) {
      let s: f64 = 0;
      for (let i = 0; i < rows; i++) s += load<f64>(vg + ((<usize>(i * G + c)) << 3)) * load<f64>(z + ((<usize>i * ncols + j) << 3));
      store<f64>(w + ((<usize>c * ncols + j) << 3), s);
    }
  }
}

// z (rows x ncols) -= vg (rows x G) w (G x ncols)
function groupUpdate(rows: i32, ncols: i32, vg: usize, z: usize, w: usize): void {
  const ld = <usize>ncols << 3;
  let j = 0;
  for (; j + 3 < ncols; j += 4) {
    const o = <usize>j << 3;
    const w00 = v128.load(w + o), w01 = v128.load(w + o, 16);
    const w10 = v128.load(w + ld + o), w11 = v128.load(w + ld + o, 16);
    const w20 = v128.load(w + 2 * ld + o), w21 = v128.load(w + 2 * ld + o, 16);
    const w30 = v128.load(w + 3 * ld + o), w31 = v128.load(w + 3 * ld + o, 16);
    let pz = z + o;
    let pv = vg;
    for (let i = 0; i < rows; i++) {
      const s0 = v128.load64_splat(pv), s1 = v128.load64_splat(pv, 8);
      const s2 = v128.load64_splat(pv, 16), s3 = v128.load64_splat(pv, 24);
      const d0 = f64x2.add(f64x2.add(f64x2.mul(s0, w00), f64x2.mul(s1, w10)), f64x2.add(f64x2.mul(s2, w20), f64x2.mul(s3, w30)));
      const d1 = f64x2.add(f64x2.add(f64x2.mul(s0, w01), f64x2.mul(s1, w11)), f64x2.add(f64x2.mul(s2, w21), f64x2.mul(s3, w31)));
      v128.store(pz, f64x2.sub(v128.load(pz), d0));
      v128.store(pz, f64x2.sub(v128.load(pz, 16), d1), 16);
      pz += ld;
      pv += 32;
    }
  }
  for (; j < ncols; j++) {
    for (let i = 0; i < rows; i++) {
      let s: f64 = 0;
      for (let c = 0; c < G; c++) s += load<f64>(vg + ((<usize>(i * G + c)) << 3)) * load<f64>(w + ((<usize>c * ncols + j) << 3));
      const p = z + ((<usize>i * ncols + j) << 3);
      store<f64>(p, load<f64>(p) - s);
    }
  }
}
