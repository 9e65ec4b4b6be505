// Householder reduction of a symmetric matrix to tridiagonal form, Q^T A Q = T.
//
// Step k builds H_k = I - tau_k v_k v_k^T (v_k[k+1] = 1, zero above) that zeroes row k of
// A beyond the superdiagonal, and applies it to the trailing block A22 from both sides:
//   p = tau A22 v,   w = p - (tau/2)(p.v) v,   A22 <- A22 - v w^T - w v^T.
// The update of step k and the matrix-vector product of step k+1 are done in one sweep
// over the trailing block (rows i >= k+2), after row k+1 alone has been updated and
// v_{k+1} built from it, so the block is read and written once per step instead of
// twice. Only the upper triangle is used (row-major, so every inner loop is a contiguous
// f64x2 loop): 4n^3/3 flops in all, as for LAPACK's dsytrd.
//
// On return: d[0..n-1] the diagonal of T, e[0..n-2] its off-diagonal, tau[0..n-2], and
// row k of A holds v_k in columns k+2..n-1 (the implicit 1 at k+1 is not stored).

// @ts-ignore: decorator
@inline
function at(a: usize, n: i32, i: i32, j: i32): usize {
  return a + ((<usize>i * n + j) << 3);
}

// Builds v_k from row k (in place in row k, columns k+2..n-1) into vbuf[k+1..n-1],
// returning tau and writing e[k].
function householder(a: usize, n: i32, k: i32, vbuf: usize, e: usize): f64 {
  const row = at(a, n, k, 0);
  const alpha = load<f64>(row + (<usize>(k + 1) << 3));
  let sigma: f64 = 0;
  for (let j = k + 2; j < n; j++) {
    const x = load<f64>(row + (<usize>j << 3));
    sigma += x * x;
  }
  store<f64>(vbuf + (<usize>(k + 1) << 3), 1.0);
  if (sigma == 0) {
    store<f64>(e + (<usize>k << 3), alpha);
    for (let j = k + 2; j < n; j++) store<f64>(vbuf + (<usize>j << 3), 0);
    return 0;
  }
  const mu = Math.sqrt(alpha * alpha + sigma);
  const beta = alpha <= 0 ? mu : -mu;
  const tau = (beta - alpha) / beta;
  const scale = 1.0 / (alpha - beta);
  for (let j = k + 2; j < n; j++) {
    const p = row + (<usize>j << 3);
    const v = load<f64>(p) * scale;
    store<f64>(p, v);
    store<f64>(vbuf + (<usize>j << 3), v);
  }
  store<f64>(e + (<usize>k << 3), beta);
  return tau;
}

// One sweep over the upper triangle of the trailing block [r0, n) x [r0, n):
//   A[i,j] -= v[i] w[j] + w[i] v[j]          (j >= i; v = vold, w = wold)
//   p = A vn, with A symmetric: row i adds A[i,j] vn[j] to p[i] and A[i,j] vn[i] to p[j]
// (each off-diagonal entry is read once and used twice). Two rows at a time so that the
// column vectors are loaded once for both. A skipped update passes w = 0, a skipped
// product vn = 0 (the flops are the same; only the first step has no update).
function sweepUpper(a: usize, n: i32, r0: i32, vold: usize, wold: usize, vn: usize, p: usize): void {
  for (let i = r0; i < n; i++) store<f64>(p + (<usize>i << 3), 0);
  let i = r0;
  for (; i + 1 < n; i += 2) {
    const row0 = at(a, n, i, 0);
    const row1 = row0 + (<usize>n << 3);
    const o0 = <usize>i << 3, o1 = o0 + 8;
    const v0 = load<f64>(vold + o0), w0 = load<f64>(wold + o0), n0 = load<f64>(vn + o0);
    const v1 = load<f64>(vold + o1), w1 = load<f64>(wold + o1), n1 = load<f64>(vn + o1);
    // the 2x2 corner
    const a00 = load<f64>(row0 + o0) - 2 * v0 * w0;
    const a01 = load<f64>(row0 + o1) - (v0 * w1 + w0 * v1);
    const a11 = load<f64>(row1 + o1) - 2 * v1 * w1;
    store<f64>(row0 + o0, a00);
    store<f64>(row0 + o1, a01);
    store<f64>(row1 + o1, a11);
    let s0 = a00 * n0 + a01 * n1;
    let s1 = a01 * n0 + a11 * n1;
    // columns i+2 .. n-1, shared by both rows
    const vi0 = f64x2.splat(v0), wi0 = f64x2.splat(w0), ni0 = f64x2.splat(n0);
    const vi1 = f64x2.splat(v1), wi1 = f64x2.splat(w1), ni1 = f64x2.splat(n1);
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    let j = i + 2;
    for (; j + 1 < n; j += 2) {
      const o = <usize>j << 3;
      const vj = v128.load(vold + o), wj = v128.load(wold + o), nj = v128.load(vn + o);
      const x0 = f64x2.sub(v128.load(row0 + o), f64x2.add(f64x2.mul(vi0, wj), f64x2.mul(wi0, vj)));
      const x1 = f64x2.sub(v128.load(row1 + o), f64x2.add(f64x2.mul(vi1, wj), f64x2.mul(wi1, vj)));
      v128.store(row0 + o, x0);
      v128.store(row1 + o, x1);
      acc0 = f64x2.add(acc0, f64x2.mul(x0, nj));
      acc1 = f64x2.add(acc1, f64x2.mul(x1, nj));
      v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.add(f64x2.mul(x0, ni0), f64x2.mul(x1, ni1))));
    }
    s0 += f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    s1 += f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    if (j < n) {
      const o = <usize>j << 3;
      const vj = load<f64>(vold + o), wj = load<f64>(wold + o), nj = load<f64>(vn + o);
      const x0 = load<f64>(row0 + o) - (v0 * wj + w0 * vj);
      const x1 = load<f64>(row1 + o) - (v1 * wj + w1 * vj);
      store<f64>(row0 + o, x0);
      store<f64>(row1 + o, x1);
      s0 += x0 * nj;
      s1 += x1 * nj;
      store<f64>(p + o, load<f64>(p + o) + x0 * n0 + x1 * n1);
    }
    store<f64>(p + o0, load<f64>(p + o0) + s0);
    store<f64>(p + o1, load<f64>(p + o1) + s1);
  }
  if (i < n) {
    const o = <usize>i << 3;
    const d = at(a, n, i, i);
    const x = load<f64>(d) - 2 * load<f64>(vold + o) * load<f64>(wold + o);
    store<f64>(d, x);
    store<f64>(p + o, load<f64>(p + o) + x * load<f64>(vn + o));
  }
}

// A[i, c0..n-1] -= v[i] w[j] + w[i] v[j]: brings row k+1 up to date before it is reduced.
function updateRow(a: usize, n: i32, i: i32, c0: i32, v: usize, w: usize): void {
  const row = at(a, n, i, 0);
  const vi = load<f64>(v + (<usize>i << 3));
  const wi = load<f64>(w + (<usize>i << 3));
  for (let j = c0; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(row + o, load<f64>(row + o) - (vi * load<f64>(w + o) + wi * load<f64>(v + o)));
  }
}

/**
 * Reduces the symmetric n x n matrix at `a` (row-major; only the upper triangle is read
 * and updated) to tridiagonal form. `work` needs 5n doubles. Outputs d (n), e (n-1),
 * tau (n-1) as described above.
 */
export function tridiagonalize(n: i32, a: usize, d: usize, e: usize, tau: usize, work: usize): void {
  if (n == 0) return;
  const nb = <usize>n << 3;
  // two (v, w) pairs that alternate between "pending update" and "current step", and zeros
  let v0 = work, w0 = work + nb, v1 = work + 2 * nb, w1 = work + 3 * nb;
  const zero = work + 4 * nb;
  memory.fill(work, 0, 5 * nb);
  let pending = false;
  for (let k = 0; k < n - 1; k++) {
    const tk = householder(a, n, k, v1, e);
    store<f64>(tau + (<usize>k << 3), tk);
    store<f64>(d + (<usize>k << 3), load<f64>(at(a, n, k, k)));
    if (k == n - 2) break;
    // Rows k+1.. : apply the pending update of step k-1 and form p = A22 v_k in one sweep.
    const doDot = tk != 0;
    if (pending || doDot) sweepUpper(a, n, k + 1, v0, pending ? w0 : zero, doDot ? v1 : zero, w1);
    if (doDot) {
      // w1 holds p = A22 v; turn it into w = tau p - (tau^2/2)(p.v) v
      let pv: f64 = 0;
      for (let j = k + 1; j < n; j++) pv += load<f64>(w1 + (<usize>j << 3)) * load<f64>(v1 + (<usize>j << 3));
      const half = 0.5 * tk * tk * pv;
      for (let j = k + 1; j < n; j++) {
        const o = <usize>j << 3;
        store<f64>(w1 + o, tk * load<f64>(w1 + o) - half * load<f64>(v1 + o));
      }
      // bring row k+1 fully up to date (its pending part was applied by the sweep)
      updateRow(a, n, k + 1, k + 1, v1, w1);
    }
    // step k's (v, w) becomes the pending update for rows k+2..
    pending = doDot;
    const tv = v0; v0 = v1; v1 = tv;
    const tw = w0; w0 = w1; w1 = tw;
  }
  // last diagonal entry, after the final pending update
  if (n >= 2 && pending) {
    const i = n - 1;
    const vi = load<f64>(v0 + (<usize>i << 3));
    const wi = load<f64>(w0 + (<usize>i << 3));
    const p = at(a, n, i, i);
    store<f64>(p, load<f64>(p) - 2 * vi * wi);
  }
  store<f64>(d + (<usize>(n - 1) << 3), load<f64>(at(a, n, n - 1, n - 1)));
}
