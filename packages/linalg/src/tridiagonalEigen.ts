/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL algorithm with Wilkinson
 * shifts, with every rotation also applied to the columns of a matrix Z (so that if Z = Q on
 * entry, Z = V on exit: the eigenvectors of Q T Q^T, column i belonging to d[i]).
 *
 * For the unreduced block [l, m] (couplings e_l..e_{m-1} all non-negligible) one step takes
 * the shift mu = the eigenvalue of the leading 2 x 2 block [[d_l, e_l], [e_l, d_{l+1}]] closer
 * to d_l, then chases the bulge from the bottom (m) to the top (l) with Givens rotations
 * G_i in the (i, i+1) plane, i = m-1, ..., l; this is an orthogonal similarity
 * T <- G^T T G, so T's eigenvalues are preserved while e_l converges to 0 (cubically, for
 * the Wilkinson shift). A coupling counts as zero when |e_i| <= 2^-52 (|d_i| + |d_{i+1}|)
 * (relative to its neighbours, which keeps small eigenvalues of graded matrices accurate)
 * or |e_i| <= 2^-104 ||T|| (negligible in norm: this bounds the dynamic range inside a block
 * by 2^104, so no product of block entries underflows and every step makes progress).
 *
 * The rotations of one step are recorded first and then applied to Z row by row: along a
 * row, rotation i mixes entries i and i+1, so the whole chain runs as one backward pass
 * with the running entry in a register (one load, one store, 6 flops per entry and
 * rotation, contiguous memory).
 *
 * Internal and unchecked. `d` (length n) and `e` (length n, e[i] = T[i][i-1], e[0] unused)
 * are overwritten: d ends as the (unsorted) eigenvalues. Throws only if some eigenvalue
 * needs more than 60 steps, which the Wilkinson shift's global convergence rules out for
 * finite input.
 */
const EPS = 2 ** -52;
const MAX_STEPS_PER_EIGENVALUE = 60;

export function tridiagonalQl(d: Float64Array, e: Float64Array, z: Float64Array, n: number): void {
  // Re-index the couplings: c[i] couples i and i+1, c[n-1] = 0.
  const c = new Float64Array(n);
  for (let i = 1; i < n; i++) c[i - 1] = e[i];
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(c[i]) + (i > 0 ? Math.abs(c[i - 1]) : 0));
  const floor = EPS * EPS * norm;
  const cosines = new Float64Array(n);
  const sines = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    let steps = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const ce = Math.abs(c[m]);
        if (ce <= EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])) || ce <= floor) break;
      }
      if (m === l) break;
      if (++steps > MAX_STEPS_PER_EIGENVALUE) {
        throw new Error(`symmetricEigen: the QL iteration did not converge for eigenvalue ${l} of ${n}`);
      }
      const last = qlStep(d, c, cosines, sines, l, m);
      if (last < m) rotateColumns(z, n, cosines, sines, last, m);
    }
    c[l] = 0;
  }
  for (let i = 1; i < n; i++) e[i] = 0;
}

/**
 * One implicit shifted QL step on the unreduced block [l, m]. Records rotation i's cosine
 * and sine; returns the smallest i rotated (l, or more if the bulge vanished early).
 */
function qlStep(
  d: Float64Array,
  c: Float64Array,
  cosines: Float64Array,
  sines: Float64Array,
  l: number,
  m: number,
): number {
  // Wilkinson shift from the top 2 x 2 block; g starts as d_m - mu.
  let g = (d[l + 1] - d[l]) / (2 * c[l]);
  let r = Math.hypot(g, 1);
  g = d[m] - d[l] + c[l] / (g + (g >= 0 ? r : -r));
  let s = 1;
  let cs = 1;
  let p = 0;
  for (let i = m - 1; i >= l; i--) {
    const f = s * c[i];
    const b = cs * c[i];
    r = Math.hypot(f, g);
    c[i + 1] = r;
    if (r === 0) {
      // The bulge vanished: the block splits at i + 1; undo the pending shift and stop.
      d[i + 1] -= p;
      c[m] = 0;
      return i + 1;
    }
    s = f / r;
    cs = g / r;
    g = d[i + 1] - p;
    r = (d[i] - g) * s + 2 * cs * b;
    p = s * r;
    d[i + 1] = g + p;
    g = cs * r - b;
    cosines[i] = cs;
    sines[i] = s;
  }
  d[l] -= p;
  c[l] = g;
  c[m] = 0;
  return l;
}

/**
 * Applies rotations i = m-1 down to `last` to the columns of z: for each row,
 * (z_i, z_{i+1}) <- (c z_i - s z_{i+1}, s z_i + c z_{i+1}), in that order. Four rows run
 * interleaved so that their four dependency chains (through the running entry) overlap.
 */
function rotateColumns(
  z: Float64Array,
  n: number,
  cosines: Float64Array,
  sines: Float64Array,
  last: number,
  m: number,
): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const r0 = k * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let t0 = z[r0 + m];
    let t1 = z[r1 + m];
    let t2 = z[r2 + m];
    let t3 = z[r3 + m];
    for (let i = m - 1; i >= last; i--) {
      const cs = cosines[i];
      const s = sines[i];
      const x0 = z[r0 + i];
      const x1 = z[r1 + i];
      const x2 = z[r2 + i];
      const x3 = z[r3 + i];
      z[r0 + i + 1] = s * x0 + cs * t0;
      z[r1 + i + 1] = s * x1 + cs * t1;
      z[r2 + i + 1] = s * x2 + cs * t2;
      z[r3 + i + 1] = s * x3 + cs * t3;
      t0 = cs * x0 - s * t0;
      t1 = cs * x1 - s * t1;
      t2 = cs * x2 - s * t2;
      t3 = cs * x3 - s * t3;
    }
    z[r0 + last] = t0;
    z[r1 + last] = t1;
    z[r2 + last] = t2;
    z[r3 + last] = t3;
  }
  for (; k < n; k++) {
    const row = k * n;
    let t = z[row + m];
    for (let i = m - 1; i >= last; i--) {
      const x = z[row + i];
      const cs = cosines[i];
      const s = sines[i];
      z[row + i + 1] = s * x + cs * t;
      t = cs * x - s * t;
    }
    z[row + last] = t;
  }
}
