// Symmetric eigendecomposition A = V diag(lambda) V^T of a dense float64 matrix:
// Householder tridiagonalisation (tridiag.ts), divide and conquer on the tridiagonal
// (dc.ts), back-transformation of its eigenvectors (backtransform.ts) - the scheme of
// LAPACK's dsyevd. A is first scaled by a power of two so that max |a_ij| lies in
// [1, 2): exact, and it keeps every square and product far from overflow and underflow.
//
// Only (A + A^T)/2 is decomposed, so a slightly asymmetric A is accepted as is.
// Memory: the caller writes A (n x n, row-major) at `base` and calls eigRun(n, base); the
// workspace is eigWorkBytes(n) bytes from `base`. On return the eigenvalues (ascending)
// are at base + eigValuesOffset(n) and the eigenvectors (row-major, column j belongs to
// eigenvalue j) at base + eigVectorsOffset(n).

import { gemmScratchBytes, gemmSetScratch } from './gemm';
import { tridiagonalize } from './tridiag';
import { dcScratchDoubles, dcSolveTridiagonal } from './dc';
import { applyReflectors, backScratchDoubles } from './backtransform';

// @ts-ignore: decorator
@inline
function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

function nn8(n: i32): usize {
  return (<usize>n * n) << 3;
}

/** Offset of the eigenvector matrix Z (n x n). */
export function eigVectorsOffset(n: i32): usize {
  return align16(nn8(n));
}
/** Offset of the eigenvalues (n doubles; the diagonal of T during the computation). */
export function eigValuesOffset(n: i32): usize {
  return eigVectorsOffset(n) + align16(nn8(n));
}
function offE(n: i32): usize {
  return eigValuesOffset(n) + align16(<usize>n << 3);
}
function offTau(n: i32): usize {
  return offE(n) + align16(<usize>n << 3);
}
function offScratch(n: i32): usize {
  return offTau(n) + align16(<usize>n << 3);
}
function scratchBytes(n: i32): usize {
  const dc = dcScratchDoubles(n) << 3;
  const back = backScratchDoubles(n) << 3;
  const tri = <usize>(5 * n) << 3;
  return align16(max(dc, max(back, tri)));
}
function offGemm(n: i32): usize {
  return offScratch(n) + scratchBytes(n);
}

/** Bytes of workspace eigRun(n, base) uses from base. */
export function eigWorkBytes(n: i32): usize {
  return offGemm(n) + gemmScratchBytes();
}

// The power of two eigReduce scaled A by (eigBackTransform undoes it on the eigenvalues).
let scale: f64 = 1;

/**
 * Eigendecomposition of the symmetric matrix at `base` (see the header). Returns the
 * number of sub-problems that did not converge (0 on success; the result is then still
 * filled in, but less accurate).
 */
export function eigRun(n: i32, base: usize): i32 {
  if (n <= 0) return 0;
  eigReduce(n, base);
  const failures = eigSolve(n, base);
  eigBackTransform(n, base);
  return failures;
}

/**
 * Phase 1: symmetrise and scale A by a power of two, then tridiagonalise it
 * (Q^T A Q = T: d, e, tau and the reflectors in A's rows). Phases are exported
 * separately only for profiling (profile.ts); eigRun runs all three.
 */
export function eigReduce(n: i32, base: usize): void {
  gemmSetScratch(base + offGemm(n));
  const a = base;
  // the upper triangle becomes that of (A + A^T) / 2 (only it is read from here on);
  // then scale by a power of two
  let amax: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = a + ((<usize>i * n) << 3);
    amax = max(amax, Math.abs(load<f64>(row + (<usize>i << 3))));
    for (let j = i + 1; j < n; j++) {
      const p = row + (<usize>j << 3);
      const x = 0.5 * (load<f64>(p) + load<f64>(a + ((<usize>j * n + i) << 3)));
      store<f64>(p, x);
      amax = max(amax, Math.abs(x));
    }
  }
  const total = <usize>n * n;
  scale = 1;
  if (amax > 0) {
    scale = Math.pow(2, -Math.floor(Math.log2(amax)));
    if (scale != 1) for (let i: usize = 0; i < total; i++) store<f64>(a + (i << 3), load<f64>(a + (i << 3)) * scale);
  }
  const e = base + offE(n);
  tridiagonalize(n, a, base + eigValuesOffset(n), e, base + offTau(n), base + offScratch(n));
  store<f64>(e + (<usize>(n - 1) << 3), 0);
}

/** Phase 2: T = Z diag(d) Z^T by divide and conquer; returns the failures. */
export function eigSolve(n: i32, base: usize): i32 {
  gemmSetScratch(base + offGemm(n));
  return dcSolveTridiagonal(n, base + eigValuesOffset(n), base + offE(n), base + eigVectorsOffset(n), base + offScratch(n));
}

/** Phase 3: V = Q Z, and the eigenvalues scaled back. */
export function eigBackTransform(n: i32, base: usize): void {
  gemmSetScratch(base + offGemm(n));
  applyReflectors(n, base, base + offTau(n), base + eigVectorsOffset(n), n, base + offScratch(n));
  if (scale != 1) {
    const d = base + eigValuesOffset(n);
    const inv = 1 / scale;
    for (let i = 0; i < n; i++) store<f64>(d + (<usize>i << 3), load<f64>(d + (<usize>i << 3)) * inv);
  }
}
