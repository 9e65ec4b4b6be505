// Implicit QL with Wilkinson shifts for a small symmetric tridiagonal matrix (the leaves
// of divide and conquer), accumulating the rotations into an eigenvector block.
//
// For the active block [l, m] the shift is the eigenvalue of the leading 2x2 closer to
// d[l]; one QL sweep chases the bulge from the bottom (i = m-1) up to l with Givens
// rotations G_i acting on rows/columns (i, i+1): T <- G^T T G, Z <- Z G. Z is kept
// transposed (row j = eigenvector j), so each rotation combines two contiguous rows with
// f64x2. An off-diagonal e[i] is treated as zero when |e[i]| <= eps (|d[i]| + |d[i+1]|).

const EPS: f64 = 2.220446049250313e-16;
const MAX_SWEEPS_PER_VALUE: i32 = 60;

// @ts-ignore: decorator
@inline
function hypot(x: f64, y: f64): f64 {
  const ax = Math.abs(x), ay = Math.abs(y);
  const big = max(ax, ay), small = min(ax, ay);
  if (big == 0) return 0;
  const r = small / big;
  return big * Math.sqrt(1 + r * r);
}

/**
 * Eigen-decomposes the m x m tridiagonal (d[0..m-1], e[0..m-2]) in place: d receives the
 * eigenvalues (ascending), the m x m block at z (leading dimension ldz) the eigenvectors
 * as ROWS (z[j][i] is component i of eigenvector j). `e` must have room for m entries
 * (e[m-1] is scratch). Returns the number of eigenvalues that did not converge within the
 * sweep budget (0 on success).
 */
export function tridiagonalQL(m: i32, d: usize, e: usize, z: usize, ldz: i32): i32 {
  for (let i = 0; i < m; i++) {
    const row = z + ((<usize>i * ldz) << 3);
    for (let j = 0; j < m; j++) store<f64>(row + (<usize>j << 3), i == j ? 1.0 : 0.0);
  }
  if (m == 0) return 0;
  store<f64>(e + (<usize>(m - 1) << 3), 0);
  let failed = 0;
  for (let l = 0; l < m; l++) {
    let sweeps = 0;
    while (true) {
      let mm = l;
      for (; mm < m - 1; mm++) {
        const dd = Math.abs(dv(d, mm)) + Math.abs(dv(d, mm + 1));
        if (Math.abs(dv(e, mm)) <= EPS * dd) break;
      }
      if (mm == l) break;
      if (sweeps++ == MAX_SWEEPS_PER_VALUE) {
        failed++;
        break;
      }
      let g = (dv(d, l + 1) - dv(d, l)) / (2 * dv(e, l));
      let r = hypot(g, 1);
      g = dv(d, mm) - dv(d, l) + dv(e, l) / (g + (g >= 0 ? r : -r));
      let s: f64 = 1, c: f64 = 1, p: f64 = 0;
      let i = mm - 1;
      let early = false;
      for (; i >= l; i--) {
        const f = s * dv(e, i);
        const b = c * dv(e, i);
        r = hypot(f, g);
        sv(e, i + 1, r);
        if (r == 0) {
          sv(d, i + 1, dv(d, i + 1) - p);
          sv(e, mm, 0);
          early = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = dv(d, i + 1) - p;
        r = (dv(d, i) - g) * s + 2 * c * b;
        p = s * r;
        sv(d, i + 1, g + p);
        g = c * r - b;
        rotateRows(z + ((<usize>i * ldz) << 3), z + ((<usize>(i + 1) * ldz) << 3), m, c, s);
      }
      if (early) continue;
      sv(d, l, dv(d, l) - p);
      sv(e, l, g);
      sv(e, mm, 0);
    }
  }
  sortAscendingWithRows(m, d, z, ldz);
  return failed;
}

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

// [x, y] <- [c x - s y, s x + c y] on two rows of length m
function rotateRows(x: usize, y: usize, m: i32, c: f64, s: f64): void {
  const vc = f64x2.splat(c), vs = f64x2.splat(s);
  let k = 0;
  for (; k + 1 < m; k += 2) {
    const o = <usize>k << 3;
    const a = v128.load(x + o), b = v128.load(y + o);
    v128.store(x + o, f64x2.sub(f64x2.mul(vc, a), f64x2.mul(vs, b)));
    v128.store(y + o, f64x2.add(f64x2.mul(vs, a), f64x2.mul(vc, b)));
  }
  if (k < m) {
    const o = <usize>k << 3;
    const a = load<f64>(x + o), b = load<f64>(y + o);
    store<f64>(x + o, c * a - s * b);
    store<f64>(y + o, s * a + c * b);
  }
}

// Selection sort of d with the matching rows of the m x m block z (m is small).
function sortAscendingWithRows(m: i32, d: usize, z: usize, ldz: i32): void {
  for (let i = 0; i < m - 1; i++) {
    let best = i;
    for (let j = i + 1; j < m; j++) if (dv(d, j) < dv(d, best)) best = j;
    if (best == i) continue;
    const t = dv(d, i);
    sv(d, i, dv(d, best));
    sv(d, best, t);
    const ri = z + ((<usize>i * ldz) << 3), rb = z + ((<usize>best * ldz) << 3);
    for (let k = 0; k < m; k++) {
      const a = dv(ri, k);
      sv(ri, k, dv(rb, k));
      sv(rb, k, a);
    }
  }
}
