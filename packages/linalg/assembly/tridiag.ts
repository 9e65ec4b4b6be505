// Householder reduction of a symmetric matrix to tridiagonal form, Q^T A Q = T.
//
// Step k builds H_k = I - tau_k v_k v_k^T (v_k[k+1] = 1, zero above) that zeroes row k of
// A beyond the superdiagonal, and applies it to the trailing block A22 from both sides:
//   p = tau A22 v,   w = p - (tau/2)(p.v) v,   A22 <- A22 - v w^T - w v^T.
// The update of step k and the matrix-vector product of step k+1 are done in one sweep
// over the trailing block (rows i >= k+2), after row k+1 alone has been updated and
// v_{k+1} built from it, so the block is read and written once per step instead of
// twice. A is stored in full (both triangles, row-major) so every inner loop is a
// contiguous f64x2 loop.
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

// One sweep over rows i in [r0, n), columns [c0, n):
//   if upd:  A[i,j] -= v[i] w[j] + w[i] v[j]      (v = vold, w = wold)
//   if dot:  p[i] = sum_j A[i,j] * vn[j]          (after the update)
// Two rows at a time so that the column vectors are loaded once for both.
function sweep(
  a: usize, n: i32, r0: i32, c0: i32,
  vold: usize, wold: usize, upd: bool,
  vn: usize, p: usize, dot: bool,
): void {
  const len = n - c0;
  const off = <usize>c0 << 3;
  let i = r0;
  for (; i + 1 < n; i += 2) {
    const row0 = at(a, n, i, 0) + off;
    const row1 = row0 + (<usize>n << 3);
    const vi0 = f64x2.splat(load<f64>(vold + (<usize>i << 3)));
    const wi0 = f64x2.splat(load<f64>(wold + (<usize>i << 3)));
    const vi1 = f64x2.splat(load<f64>(vold + (<usize>(i + 1) << 3)));
    const wi1 = f64x2.splat(load<f64>(wold + (<usize>(i + 1) << 3)));
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    const pv = vold + off, pw = wold + off, pn = vn + off;
    let j = 0;
    if (upd && dot) {
      for (; j + 1 < len; j += 2) {
        const o = <usize>j << 3;
        const vj = v128.load(pv + o), wj = v128.load(pw + o), nj = v128.load(pn + o);
        let x0 = v128.load(row0 + o);
        let x1 = v128.load(row1 + o);
        x0 = f64x2.sub(x0, f64x2.add(f64x2.mul(vi0, wj), f64x2.mul(wi0, vj)));
        x1 = f64x2.sub(x1, f64x2.add(f64x2.mul(vi1, wj), f64x2.mul(wi1, vj)));
        v128.store(row0 + o, x0);
        v128.store(row1 + o, x1);
        acc0 = f64x2.add(acc0, f64x2.mul(x0, nj));
        acc1 = f64x2.add(acc1, f64x2.mul(x1, nj));
      }
    } else if (upd) {
      for (; j + 1 < len; j += 2) {
        const o = <usize>j << 3;
        const vj = v128.load(pv + o), wj = v128.load(pw + o);
        v128.store(row0 + o, f64x2.sub(v128.load(row0 + o), f64x2.add(f64x2.mul(vi0, wj), f64x2.mul(wi0, vj))));
        v128.store(row1 + o, f64x2.sub(v128.load(row1 + o), f64x2.add(f64x2.mul(vi1, wj), f64x2.mul(wi1, vj))));
      }
    } else if (dot) {
      for (; j + 1 < len; j += 2) {
        const o = <usize>j << 3;
        const nj = v128.load(pn + o);
        acc0 = f64x2.add(acc0, f64x2.mul(v128.load(row0 + o), nj));
        acc1 = f64x2.add(acc1, f64x2.mul(v128.load(row1 + o), nj));
      }
    }
    let s0 = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
    let s1 = f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    for (; j < len; j++) {
      const o = <usize>j << 3;
      let x0 = load<f64>(row0 + o);
      let x1 = load<f64>(row1 + o);
      if (upd) {
        const vj = load<f64>(pv + o), wj = load<f64>(pw + o);
        x0 -= f64x2.extract_lane(vi0, 0) * wj + f64x2.extract_lane(wi0, 0) * vj;
        x1 -= f64x2.extract_lane(vi1, 0) * wj + f64x2.extract_lane(wi1, 0) * vj;
        store<f64>(row0 + o, x0);
        store<f64>(row1 + o, x1);
      }
      const nj = load<f64>(pn + o);
      s0 += x0 * nj;
      s1 += x1 * nj;
    }
    if (dot) {
      store<f64>(p + (<usize>i << 3), s0);
      store<f64>(p + (<usize>(i + 1) << 3), s1);
    }
  }
  if (i < n) updateAndDotRow(a, n, i, c0, vold, wold, upd, vn, p, dot);
}

// The single-row version of `sweep`, also used to bring row k+1 up to date.
function updateAndDotRow(
  a: usize, n: i32, i: i32, c0: i32,
  vold: usize, wold: usize, upd: bool,
  vn: usize, p: usize, dot: bool,
): void {
  const row = at(a, n, i, 0);
  const vi = load<f64>(vold + (<usize>i << 3));
  const wi = load<f64>(wold + (<usize>i << 3));
  let s: f64 = 0;
  for (let j = c0; j < n; j++) {
    const o = <usize>j << 3;
    let x = load<f64>(row + o);
    if (upd) {
      x -= vi * load<f64>(wold + o) + wi * load<f64>(vold + o);
      store<f64>(row + o, x);
    }
    if (dot) s += x * load<f64>(vn + o);
  }
  if (dot) store<f64>(p + (<usize>i << 3), s);
}

/**
 * Reduces the symmetric n x n matrix at `a` (full storage, row-major) to tridiagonal form.
 * `work` needs 4n doubles. Outputs d (n), e (n-1), tau (n-1) as described above.
 */
export function tridiagonalize(n: i32, a: usize, d: usize, e: usize, tau: usize, work: usize): void {
  if (n == 0) return;
  const nb = <usize>n << 3;
  // two (v, w) pairs that alternate between "pending update" and "current step"
  let v0 = work, w0 = work + nb, v1 = work + 2 * nb, w1 = work + 3 * nb;
  let pending = false;
  for (let k = 0; k < n - 1; k++) {
    const tk = householder(a, n, k, v1, e);
    store<f64>(tau + (<usize>k << 3), tk);
    store<f64>(d + (<usize>k << 3), load<f64>(at(a, n, k, k)));
    if (k == n - 2) break;
    // Rows k+1.. : apply the pending update of step k-1 and form p = A22 v_k in one sweep.
    const doDot = tk != 0;
    if (pending || doDot) sweep(a, n, k + 1, k + 1, v0, w0, pending, v1, w1, doDot);
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
      updateAndDotRow(a, n, k + 1, k + 1, v1, w1, true, v1, w1, false);
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
