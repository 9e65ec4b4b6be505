// Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem T = Z diag(d) Z^T.
//
// Split T at m = N/2 through its coupling beta = e[m-1]:
//   T = diag(T1', T2') + |beta| u u^T,  u = e_{m-1} + sign(beta) e_m,
// where T1', T2' are T1, T2 with |beta| taken off their touching diagonal entries. With
// T1' = Q1 D1 Q1^T and T2' = Q2 D2 Q2^T (recursively; leaves of at most LEAF rows by
// implicit QL), T = Q (D + rho z z^T) Q^T, Q = diag(Q1, Q2), z = Q^T u / sqrt 2,
// rho = 2 |beta|. The rank-one problem is solved as follows (the scheme of LAPACK's
// dlaed1-3, written here from the mathematics):
// - Deflation: a weight rho |z_i| <= tol = 8 eps max(|d|, |z|) makes (d_i, q_i) an
//   eigenpair; two poles closer than tol / |c s| are merged by a Givens rotation that
//   zeroes one weight (its column of Q is rotated with the other).
// - The remaining k poles give k roots of the secular equation (secular.ts).
// - Eigenvectors by the Gu-Eisenstat recomputation of z: zhat_i^2 = prod_j (lambda_j - d_i)
//   / prod_{j != i} (d_j - d_i), u_j = (zhat_i / (d_i - lambda_j))_i / norm. They are
//   numerically orthogonal even for clustered roots, because zhat is exact for the
//   computed roots.
// - Z = Q U by two GEMMs that skip the zero blocks of diag(Q1, Q2): columns of Q are
//   sorted into "top only" (type 1), "mixed by a deflation rotation" (type 2) and
//   "bottom only" (type 3), so the top rows only need types 1-2 and the bottom rows 2-3.

import { gemm } from './gemm';
import { tridiagonalQL } from './ql';
import { solveSecularRoot, secularOrigin, secularTau } from './secular';

export const LEAF: i32 = 32;
const EPS: f64 = 2.220446049250313e-16;

// Context set by dcSolveTridiagonal
let gd: usize = 0; // diagonal (n)
let ge: usize = 0; // off-diagonal (n)
let gz: usize = 0; // eigenvector matrix, n x n, row-major
let gn: i32 = 0; // leading dimension of gz
let gW1: usize = 0; // n^2 doubles: gathered columns of Q
let gU: usize = 0; // n^2 doubles: eigenvectors of the rank-one problem
let gT: usize = 0; // n^2 doubles: merged eigenvectors before sorting
let gVec: usize = 0; // 16 n doubles of small vectors
let gFailures: i32 = 0;

/** Deflated eigenvalues counted over all merges of the last solve (a diagnostic). */
export let dcDeflated: i32 = 0;

// @ts-ignore: decorator
@inline
function dv(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline
function sv(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
// @ts-ignore: decorator
@inline
function iv(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline
function si(p: usize, i: i32, x: i32): void {
  store<i32>(p + (<usize>i << 2), x);
}
// address of Z[r][c]
// @ts-ignore: decorator
@inline
function zat(r: i32, c: i32): usize {
  return gz + ((<usize>r * gn + c) << 3);
}

/** Doubles of scratch the solver needs besides d, e and Z: 3 n^2 + 16 n. */
export function dcScratchDoubles(n: i32): usize {
  return 3 * <usize>n * n + 16 * <usize>n;
}

/**
 * Eigen-decomposes the n x n symmetric tridiagonal (d, e) (e has n entries, e[n-1]
 * unused): d receives the eigenvalues ascending, z (n x n, row-major) the eigenvectors
 * as columns. `scratch` holds dcScratchDoubles(n) doubles (16-byte aligned). Returns the
 * number of leaf eigenvalues that did not converge (0 on success).
 */
export function dcSolveTridiagonal(n: i32, d: usize, e: usize, z: usize, scratch: usize): i32 {
  gd = d;
  ge = e;
  gz = z;
  gn = n;
  const nn = <usize>n * n;
  gW1 = scratch;
  gU = scratch + (nn << 3);
  gT = scratch + (2 * nn << 3);
  gVec = scratch + (3 * nn << 3);
  gFailures = 0;
  dcDeflated = 0;
  memory.fill(z, 0, nn << 3);
  solve(0, n);
  return gFailures;
}

function solve(s: i32, N: i32): void {
  if (N <= LEAF) {
    leaf(s, N);
    return;
  }
  const n1 = N >> 1;
  const beta = dv(ge, s + n1 - 1);
  const ab = Math.abs(beta);
  sv(gd, s + n1 - 1, dv(gd, s + n1 - 1) - ab);
  sv(gd, s + n1, dv(gd, s + n1) - ab);
  solve(s, n1);
  solve(s + n1, N - n1);
  merge(s, n1, N - n1, beta);
}

// A leaf: implicit QL on an m x m block solved in a contiguous scratch block (the
// rotations then stay in L1 instead of striding through Z), then copied into Z.
function leaf(s: i32, m: i32): void {
  const dl = gVec;
  const el = gVec + (<usize>m << 3);
  const blk = gU;
  for (let i = 0; i < m; i++) {
    sv(dl, i, dv(gd, s + i));
    sv(el, i, i < m - 1 ? dv(ge, s + i) : 0);
  }
  gFailures += tridiagonalQL(m, dl, el, blk, m);
  // blk holds the eigenvectors as rows: Z[s + i][s + j] = blk[j][i]
  for (let i = 0; i < m; i++) {
    sv(gd, s + i, dv(dl, i));
    const zr = zat(s + i, s);
    for (let j = 0; j < m; j++) sv(zr, j, dv(blk + ((<usize>j * m) << 3), i));
  }
}

// Rotates columns p and q of the Z block rows [s, s+N): [x, y] <- [c x + s y, c y - s x].
function rotateColumns(s: i32, N: i32, p: i32, q: i32, c: f64, sn: f64): void {
  for (let r = 0; r < N; r++) {
    const px = zat(s + r, s + p);
    const py = zat(s + r, s + q);
    const x = load<f64>(px), y = load<f64>(py);
    store<f64>(px, c * x + sn * y);
    store<f64>(py, c * y - sn * x);
  }
}

function merge(s: i32, n1: i32, n2: i32, beta: f64): void {
  const N = n1 + n2;
  const nb = <usize>N << 3;
  // small vectors
  const D = gVec;
  const zv = D + nb;
  const DL = zv + nb;
  const zl = DL + nb;
  const taus = zl + nb;
  const delta = taus + nb;
  const vals = delta + nb;
  const ib = <usize>N << 2;
  const ibase = vals + nb;
  const perm = ibase;
  const ctype = perm + ib;
  const nondefl = ctype + ib;
  const defl = nondefl + ib;
  const origins = defl + ib;
  const order = origins + ib;
  const sidx = order + ib;
  const dorig = sidx + ib; // N doubles (16 N doubles of vector scratch in all; 11.5 N used)

  for (let i = 0; i < N; i++) sv(D, i, dv(gd, s + i));
  const sgn: f64 = beta < 0 ? -1 : 1;
  for (let i = 0; i < n1; i++) sv(zv, i, load<f64>(zat(s + n1 - 1, s + i)) * Math.SQRT1_2);
  for (let i = 0; i < n2; i++) sv(zv, n1 + i, sgn * load<f64>(zat(s + n1, s + n1 + i)) * Math.SQRT1_2);
  const rho = 2 * Math.abs(beta);

  // merge the two ascending halves into one ascending order
  {
    let a = 0, b = n1, t = 0;
    while (a < n1 && b < N) si(perm, t++, dv(D, b) < dv(D, a) ? b++ : a++);
    while (a < n1) si(perm, t++, a++);
    while (b < N) si(perm, t++, b++);
  }
  let dmax: f64 = 0, zmax: f64 = 0;
  for (let i = 0; i < N; i++) {
    dmax = max(dmax, Math.abs(dv(D, i)));
    zmax = max(zmax, Math.abs(dv(zv, i)));
    si(ctype, i, i < n1 ? 1 : 3);
  }
  const tol = 8 * EPS * max(dmax, zmax);

  // deflation, in ascending order of the poles
  let k = 0;
  let nd = 0;
  if (rho * zmax <= tol) {
    for (let t = 0; t < N; t++) si(defl, nd++, iv(perm, t));
  } else {
    let pj = -1;
    for (let t = 0; t < N; t++) {
      const j = iv(perm, t);
      if (rho * Math.abs(dv(zv, j)) <= tol) {
        si(defl, nd++, j);
        continue;
      }
      if (pj < 0) {
        pj = j;
        continue;
      }
      let sn = dv(zv, pj);
      let c = dv(zv, j);
      const r = Math.hypot(c, sn);
      const gap = dv(D, j) - dv(D, pj);
      c /= r;
      sn = -sn / r;
      if (Math.abs(gap * c * sn) <= tol) {
        // rotate pj into j: z[pj] becomes 0, z[j] becomes r
        sv(zv, j, r);
        sv(zv, pj, 0);
        if (iv(ctype, pj) != iv(ctype, j)) si(ctype, j, 2);
        rotateColumns(s, N, pj, j, c, sn);
        const dp = dv(D, pj), dj = dv(D, j);
        sv(D, pj, dp * c * c + dj * sn * sn);
        sv(D, j, dp * sn * sn + dj * c * c);
        si(defl, nd++, pj);
      } else {
        si(nondefl, k++, pj);
      }
      pj = j;
    }
    if (pj >= 0) si(nondefl, k++, pj);
  }
  dcDeflated += nd;

  // secular equation on the non-deflated poles
  for (let t = 0; t < k; t++) {
    const i = iv(nondefl, t);
    sv(DL, t, dv(D, i));
    sv(zl, t, dv(zv, i));
  }
  for (let j = 0; j < k; j++) {
    if (!solveSecularRoot(k, DL, zl, rho, j, delta)) gFailures++;
    si(origins, j, secularOrigin);
    sv(taus, j, secularTau);
    sv(vals, j, dv(DL, secularOrigin) + secularTau);
  }

  // order of the non-deflated columns by type: 1, then 2, then 3
  let k1 = 0, k2 = 0;
  {
    let u = 0;
    for (let ty = 1; ty <= 3; ty++) {
      for (let t = 0; t < k; t++) {
        if (iv(ctype, iv(nondefl, t)) != ty) continue;
        si(order, u++, t);
        if (ty == 1) k1++;
        else if (ty == 2) k2++;
      }
    }
  }

  // U (k x k, rows in `order`): U[u][j] = zhat_i / (DL_i - lambda_j), i = order[u], with
  // DL_i - lambda_j = (DL_i - DL_origin(j)) - tau_j; the origins are gathered once.
  for (let j = 0; j < k; j++) sv(dorig, j, dv(DL, iv(origins, j)));
  for (let u = 0; u < k; u++) {
    const i = iv(order, u);
    const row = gU + ((<usize>u * k) << 3);
    const di = dv(DL, i);
    differenceRow(row, k, di, dorig, taus);
    // zhat_i^2 = -(DL_i - lambda_i) prod_{j != i} (DL_i - lambda_j) / (DL_i - DL_j)
    const w = dv(row, i) * ratioProduct(row, DL, di, 0, i) * ratioProduct(row, DL, di, i + 1, k);
    const zh = Math.sqrt(Math.abs(w));
    reciprocalRow(row, k, dv(zl, i) >= 0 ? zh : -zh);
  }
  // normalise the columns of U
  const norms = delta;
  memory.fill(norms, 0, <usize>k << 3);
  for (let u = 0; u < k; u++) accumulateSquares(norms, gU + ((<usize>u * k) << 3), k);
  for (let j = 0; j < k; j++) sv(norms, j, 1.0 / Math.sqrt(dv(norms, j)));
  for (let u = 0; u < k; u++) multiplyRow(gU + ((<usize>u * k) << 3), norms, k);

  // gather Q's non-deflated columns (top rows: types 1-2, bottom rows: types 2-3)
  const kt = k1 + k2;
  const kb = k - k1;
  const qtop = gW1;
  const qbot = gW1 + ((<usize>n1 * kt) << 3);
  for (let r = 0; r < n1; r++) {
    const dst = qtop + ((<usize>r * kt) << 3);
    for (let u = 0; u < kt; u++) sv(dst, u, load<f64>(zat(s + r, s + iv(nondefl, iv(order, u)))));
  }
  for (let r = 0; r < n2; r++) {
    const dst = qbot + ((<usize>r * kb) << 3);
    for (let u = 0; u < kb; u++) sv(dst, u, load<f64>(zat(s + n1 + r, s + iv(nondefl, iv(order, k1 + u)))));
  }
  // T[:, 0:k] = Q U (two block products), T[:, k:N] = deflated columns of Q
  if (k > 0) {
    gemm(n1, k, kt, 1.0, qtop, kt, false, gU, k, false, 0.0, gT, N);
    gemm(n2, k, kb, 1.0, qbot, kb, false, gU + ((<usize>k1 * k) << 3), k, false, 0.0, gT + ((<usize>n1 * N) << 3), N);
  }
  for (let t = 0; t < nd; t++) {
    const c = iv(defl, t);
    sv(vals, k + t, dv(D, c));
    for (let r = 0; r < N; r++) store<f64>(gT + ((<usize>r * N + k + t) << 3), load<f64>(zat(s + r, s + c)));
  }

  // sort: the k roots are ascending; insertion-sort the deflated tail, then merge
  for (let t = 0; t < N; t++) si(perm, t, t);
  for (let t = k + 1; t < N; t++) {
    const x = iv(perm, t);
    const vx = dv(vals, x);
    let u = t - 1;
    while (u >= k && dv(vals, iv(perm, u)) > vx) {
      si(perm, u + 1, iv(perm, u));
      u--;
    }
    si(perm, u + 1, x);
  }
  {
    let a = 0, b = k, t = 0;
    while (a < k && b < N) si(sidx, t++, dv(vals, iv(perm, b)) < dv(vals, iv(perm, a)) ? iv(perm, b++) : iv(perm, a++));
    while (a < k) si(sidx, t++, iv(perm, a++));
    while (b < N) si(sidx, t++, iv(perm, b++));
  }
  for (let t = 0; t < N; t++) sv(gd, s + t, dv(vals, iv(sidx, t)));
  for (let r = 0; r < N; r++) {
    const src = gT + ((<usize>r * N) << 3);
    for (let t = 0; t < N; t++) store<f64>(zat(s + r, s + t), dv(src, iv(sidx, t)));
  }
}

// row[j] = (di - dorig[j]) - taus[j], j < k
function differenceRow(row: usize, k: i32, di: f64, dorig: usize, taus: usize): void {
  const vd = f64x2.splat(di);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const o = <usize>j << 3;
    v128.store(row + o, f64x2.sub(f64x2.sub(vd, v128.load(dorig + o)), v128.load(taus + o)));
  }
  if (j < k) sv(row, j, (di - dv(dorig, j)) - dv(taus, j));
}

// prod_{j in [j0, j1)} row[j] / (di - DL[j])
function ratioProduct(row: usize, DL: usize, di: f64, j0: i32, j1: i32): f64 {
  const vd = f64x2.splat(di);
  let acc = f64x2.splat(1);
  let j = j0;
  for (; j + 1 < j1; j += 2) {
    const o = <usize>j << 3;
    acc = f64x2.mul(acc, f64x2.div(v128.load(row + o), f64x2.sub(vd, v128.load(DL + o))));
  }
  let p = f64x2.extract_lane(acc, 0) * f64x2.extract_lane(acc, 1);
  if (j < j1) p *= dv(row, j) / (di - dv(DL, j));
  return p;
}

// row[j] = num / row[j]
function reciprocalRow(row: usize, k: i32, num: f64): void {
  const vn = f64x2.splat(num);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const o = <usize>j << 3;
    v128.store(row + o, f64x2.div(vn, v128.load(row + o)));
  }
  if (j < k) sv(row, j, num / dv(row, j));
}

// acc[j] += row[j]^2
function accumulateSquares(acc: usize, row: usize, k: i32): void {
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const o = <usize>j << 3;
    const x = v128.load(row + o);
    v128.store(acc + o, f64x2.add(v128.load(acc + o), f64x2.mul(x, x)));
  }
  if (j < k) sv(acc, j, dv(acc, j) + dv(row, j) * dv(row, j));
}

// row[j] *= s[j]
function multiplyRow(row: usize, s: usize, k: i32): void {
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const o = <usize>j << 3;
    v128.store(row + o, f64x2.mul(v128.load(row + o), v128.load(s + o)));
  }
  if (j < k) sv(row, j, dv(row, j) * dv(s, j));
}
