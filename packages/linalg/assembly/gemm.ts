// Packed, cache-blocked float64 GEMM with a 4x4 f64x2 register micro-kernel.
//
//   C = beta * C + alpha * op(A) * op(B),   op(X) = X or X^T,
//
// every matrix row-major with its own leading dimension (in elements). op(A) is m x k,
// op(B) is k x n, C is m x n. The loops follow Goto's scheme: a KC x NC panel of op(B)
// is packed into 4-column strips (kept in L2), an MC x KC block of op(A) into 4-row strips,
// and the micro-kernel multiplies one 4-row strip by one 4-column strip with the 4x4
// result held in eight f64x2 registers.

const MR: i32 = 4;
const NR: i32 = 4;
export const GEMM_MC: i32 = 128;
export const GEMM_KC: i32 = 256;
export const GEMM_NC: i32 = 1024;

/** Bytes of scratch `gemm` needs for its packed panels. */
export function gemmScratchBytes(): usize {
  return (<usize>(GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC + 16) << 3);
}

let packA: usize = 0;
let packB: usize = 0;
let edge: usize = 0;

/** Points the packing buffers at `ptr` (gemmScratchBytes() bytes, 16-byte aligned). */
export function gemmSetScratch(ptr: usize): void {
  packA = ptr;
  packB = ptr + (<usize>(GEMM_MC * GEMM_KC) << 3);
  edge = packB + (<usize>(GEMM_KC * GEMM_NC) << 3);
}

// Pack rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into 4-row strips, zero padded:
// strip s holds, for p = 0..kc-1, the 4 values op(A)[i0+4s+r][p0+p], r = 0..3.
function packOpA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32): void {
  let dst = packA;
  for (let s = 0; s < mc; s += MR) {
    const rows = min(MR, mc - s);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        let v: f64 = 0;
        if (r < rows) {
          const i = i0 + s + r;
          const q = p0 + p;
          v = transA ? load<f64>(a + ((<usize>q * lda + i) << 3)) : load<f64>(a + ((<usize>i * lda + q) << 3));
        }
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

// Pack rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) into 4-column strips, zero padded.
function packOpB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32): void {
  let dst = packB;
  for (let s = 0; s < nc; s += NR) {
    const cols = min(NR, nc - s);
    if (!transB && cols == NR) {
      let src = b + ((<usize>p0 * ldb + j0 + s) << 3);
      const step = <usize>ldb << 3;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += step;
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < NR; c++) {
        let v: f64 = 0;
        if (c < cols) {
          const j = j0 + s + c;
          const q = p0 + p;
          v = transB ? load<f64>(b + ((<usize>j * ldb + q) << 3)) : load<f64>(b + ((<usize>q * ldb + j) << 3));
        }
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

// acc = Apack strip (kc x 4) times Bpack strip (kc x 4), then
// C[4x4] = alpha*acc + (beta == 0 ? 0 : beta*C). A partial tile (mr < 4 or nr < 4) is
// staged through the `edge` buffer so that only rows < mr and cols < nr are touched.
// @ts-ignore: decorator
@inline
function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f64, beta: f64): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load64_splat(pa);
    c00 = f64x2.add(c00, f64x2.mul(av, b0));
    c01 = f64x2.add(c01, f64x2.mul(av, b1));
    av = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(av, b0));
    c11 = f64x2.add(c11, f64x2.mul(av, b1));
    av = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(av, b0));
    c21 = f64x2.add(c21, f64x2.mul(av, b1));
    av = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(av, b0));
    c31 = f64x2.add(c31, f64x2.mul(av, b1));
    pa += 32;
    pb += 32;
  }
  const full = mr == MR && nr == NR;
  const out = full ? c : edge;
  const ldo: usize = full ? <usize>ldc << 3 : 32;
  if (full && beta != 0) {
    const vb = f64x2.splat(beta);
    const va = f64x2.splat(alpha);
    combineRow(out, c00, c01, va, vb);
    combineRow(out + ldo, c10, c11, va, vb);
    combineRow(out + 2 * ldo, c20, c21, va, vb);
    combineRow(out + 3 * ldo, c30, c31, va, vb);
  } else {
    const va = f64x2.splat(alpha);
    v128.store(out, f64x2.mul(c00, va)); v128.store(out, f64x2.mul(c01, va), 16);
    v128.store(out + ldo, f64x2.mul(c10, va)); v128.store(out + ldo, f64x2.mul(c11, va), 16);
    v128.store(out + 2 * ldo, f64x2.mul(c20, va)); v128.store(out + 2 * ldo, f64x2.mul(c21, va), 16);
    v128.store(out + 3 * ldo, f64x2.mul(c30, va)); v128.store(out + 3 * ldo, f64x2.mul(c31, va), 16);
  }
  if (!full) {
    for (let r = 0; r < mr; r++) {
      for (let q = 0; q < nr; q++) {
        const cp = c + ((<usize>r * ldc + q) << 3);
        const add = load<f64>(edge + (<usize>(r * 4 + q) << 3));
        store<f64>(cp, beta == 0 ? add : beta * load<f64>(cp) + add);
      }
    }
  }
}

// p[0..3] = alpha*x + beta*p[0..3]
// @ts-ignore: decorator
@inline
function combineRow(p: usize, x0: v128, x1: v128, va: v128, vb: v128): void {
  v128.store(p, f64x2.add(f64x2.mul(x0, va), f64x2.mul(v128.load(p), vb)));
  v128.store(p, f64x2.add(f64x2.mul(x1, va), f64x2.mul(v128.load(p, 16), vb)), 16);
}

/**
 * C = beta*C + alpha*op(A)*op(B). op(A) is m x k (A stored k x m when transA), op(B) is
 * k x n (B stored n x k when transB). C must not overlap A or B. beta == 0 ignores C's
 * old contents (NaN included).
 */
export function gemm(
  m: i32, n: i32, k: i32, alpha: f64,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  beta: f64, c: usize, ldc: i32,
): void {
  gemmTiles(m, n, k, alpha, a, lda, transA, b, ldb, transB, beta, c, ldc, false);
}

/**
 * The same product restricted to the upper triangle of a square C (m == n): only the 4 x 4
 * tiles that hold an entry c_ij with j >= i are multiplied, at most m (m + 4) k / 2
 * multiply-adds instead of m^2 k. Entries below the diagonal inside a diagonal tile are
 * written too (with their true values); the other entries below it are left alone.
 */
export function gemmUpper(
  m: i32, k: i32, alpha: f64,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  beta: f64, c: usize, ldc: i32,
): void {
  gemmTiles(m, m, k, alpha, a, lda, transA, b, ldb, transB, beta, c, ldc, true);
}

function gemmTiles(
  m: i32, n: i32, k: i32, alpha: f64,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  beta: f64, c: usize, ldc: i32, upper: bool,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scaleRows(m, n, beta, c, ldc);
    return;
  }
  for (let j0 = 0; j0 < n; j0 += GEMM_NC) {
    const nc = min(GEMM_NC, n - j0);
    // upper: rows beyond the panel's last column hold nothing to compute
    const mEnd = upper ? min(m, j0 + nc) : m;
    for (let p0 = 0; p0 < k; p0 += GEMM_KC) {
      const kc = min(GEMM_KC, k - p0);
      // the first k-panel applies beta; later panels accumulate
      const bp: f64 = p0 == 0 ? beta : 1;
      packOpB(b, ldb, transB, p0, kc, j0, nc);
      for (let i0 = 0; i0 < mEnd; i0 += GEMM_MC) {
        const mc = min(GEMM_MC, mEnd - i0);
        packOpA(a, lda, transA, i0, mc, p0, kc);
        // upper: the strips from the block's first row on (earlier ones are below it)
        const js0 = upper ? max(0, ((i0 - j0) / NR) * NR) : 0;
        for (let js = js0; js < nc; js += NR) {
          const nr = min(NR, nc - js);
          const pb = packB + (<usize>(js * kc) << 3);
          // upper: rows up to this strip's last column
          const isEnd = upper ? min(mc, j0 + js + nr - i0) : mc;
          for (let is = 0; is < isEnd; is += MR) {
            const mr = min(MR, mc - is);
            const pa = packA + (<usize>(is * kc) << 3);
            const ct = c + ((<usize>(i0 + is) * ldc + j0 + js) << 3);
            microKernel(kc, pa, pb, ct, ldc, mr, nr, alpha, bp);
          }
        }
      }
    }
  }
}

/** C = beta * C over an m x n block (beta == 0 writes zeros). */
export function scaleRows(m: i32, n: i32, beta: f64, c: usize, ldc: i32): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    const row = c + ((<usize>i * ldc) << 3);
    for (let j = 0; j < n; j++) {
      const p = row + (<usize>j << 3);
      store<f64>(p, beta == 0 ? 0 : beta * load<f64>(p));
    }
  }
}
