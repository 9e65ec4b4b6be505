// Roots of the secular equation of a rank-one modified diagonal matrix D + rho z z^T
// (rho > 0, d strictly increasing, z without zeros):
//
//   g(lambda) = 1/rho + sum_i z_i^2 / (d_i - lambda) = 0.
//
// Root j lies in (d_j, d_{j+1}) (the last one in (d_{k-1}, d_{k-1} + rho z^T z]). Each root
// is stored as an offset tau from its nearer pole d_o ("origin"), lambda_j = d_o + tau_j,
// so that the differences d_i - lambda_j = (d_i - d_o) - tau_j used for the eigenvectors
// keep full relative accuracy even when lambda_j is very close to d_o.
//
// Iteration: the "middle way" of R.-C. Li (as in LAPACK's dlaed4): g near the current
// point is modelled by c + s/(d_p - x) + S/(d_q - x) with the two nearest poles p < q,
// matching g and g' (s = (d_p - x)^2 psi', S = (d_q - x)^2 phi' where psi sums the terms
// with i <= p and phi those with i >= q); the model's root is the next iterate. A
// bracket [lo, hi] on tau shrinks with the sign of g, and any step that leaves it is
// replaced by bisection, so the iteration always converges. It stops when |g| is below
// the bound on its rounding error, eps * (8 (|psi| + |phi|) + 2/rho + 3 |tau| (psi' + phi')).

const EPS: f64 = 2.220446049250313e-16;
const MAX_ITER: i32 = 200;

// @ts-ignore: decorator
@inline
function dv(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// Results of the last solve (read by the caller)
export let secularOrigin: i32 = 0;
export let secularTau: f64 = 0;

/**
 * Solves for root j (0-based) of the k-term secular equation with poles d[0..k-1],
 * weights z[0..k-1], rho > 0. `delta` is scratch for k doubles. Sets secularOrigin and
 * secularTau (lambda_j = d[origin] + tau). Returns false if the iteration budget ran out
 * (the bracket midpoint is then used, still inside the correct interval).
 */
export function solveSecularRoot(k: i32, d: usize, z: usize, rho: f64, j: i32, delta: usize): bool {
  if (k == 1) {
    secularOrigin = 0;
    secularTau = rho * dv(z, 0) * dv(z, 0);
    return true;
  }
  const rhoinv = 1.0 / rho;
  let origin: i32;
  let lo: f64, hi: f64, tau: f64;
  let p: i32, q: i32; // the two model poles, p < q, psi over i <= p, phi over i >= q
  if (j < k - 1) {
    const gap = dv(d, j + 1) - dv(d, j);
    const mid = 0.5 * gap;
    // g at the midpoint, from pole j; cOther leaves out the two nearest terms (for the
    // initial guess)
    const dj = dv(d, j);
    const zj = dv(z, j), zq = dv(z, j + 1);
    const tj = zj * zj / -mid;
    const tq = zq * zq / ((dv(d, j + 1) - dj) - mid);
    const gm = rhoinv + sumAtShift(z, d, k, dj + mid);
    const cOther = gm - tj - tq;
    const zj2 = dv(z, j) * dv(z, j), zq2 = dv(z, j + 1) * dv(z, j + 1);
    if (gm >= 0) {
      origin = j;
      lo = 0;
      hi = mid;
      // two-pole model with the rest frozen at mid: cOther tau^2 - a tau + b = 0, root in (0, gap)
      tau = quadraticRootIn(cOther, -(cOther * gap + zj2 + zq2), zj2 * gap, 0, gap);
    } else {
      origin = j + 1;
      lo = -(gap - mid);
      hi = 0;
      // the same model from pole j+1: cOther tau^2 + a tau - b = 0, root in (-gap, 0)
      tau = quadraticRootIn(cOther, cOther * gap - zj2 - zq2, -zq2 * gap, -gap, 0);
    }
    p = j;
    q = j + 1;
  } else {
    origin = k - 1;
    let zz: f64 = 0;
    for (let i = 0; i < k; i++) zz += dv(z, i) * dv(z, i);
    lo = 0;
    hi = rho * zz;
    tau = 0.5 * hi;
    p = k - 2;
    q = k - 1;
  }
  if (!(tau > lo && tau < hi)) tau = 0.5 * (lo + hi);
  shiftedCopy(delta, d, k, dv(d, origin));
  const last = j == k - 1;

  let converged = false;
  let it = 0;
  for (; it < MAX_ITER; it++) {
    const vt = f64x2.splat(tau);
    sumTerms(z, delta, 0, p + 1, vt);
    const psi = termSum, dpsi = termSumSq;
    sumTerms(z, delta, p + 1, k, vt);
    const phi = termSum, dphi = termSumSq;
    const g = rhoinv + psi + phi;
    const erretm = 8 * (Math.abs(psi) + Math.abs(phi)) + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + dphi);
    if (Math.abs(g) <= EPS * erretm) {
      converged = true;
      break;
    }
    if (g < 0) lo = tau;
    else hi = tau;
    if (hi - lo <= 2 * EPS * max(Math.abs(lo), Math.abs(hi))) {
      converged = true;
      break;
    }
    // middle-way step
    const dp = dv(delta, p) - tau;
    const dq = dv(delta, q) - tau;
    const c = g - dp * dpsi - dq * dphi;
    const a = (dp + dq) * g - dp * dq * (dpsi + dphi);
    const b = dp * dq * g;
    // the model's root: c eta^2 - a eta + b = 0, between the poles (or right of both)
    let eta = quadraticRootIn(c, -a, b, dp, last ? Infinity : dq);
    if (!isFinite(eta)) eta = -g / (dpsi + dphi);
    // a step against the sign of g is wrong by construction: fall back to Newton
    if (g * eta >= 0) eta = -g / (dpsi + dphi);
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == tau) {
      converged = true;
      break;
    }
    tau = next;
  }
  secularOrigin = origin;
  secularTau = tau;
  return converged;
}

// The root of c x^2 + b1 x + b0 = 0 that lies in the open interval (lo, hi), computed
// in the cancellation-free form; NaN when neither root does.
function quadraticRootIn(c: f64, b1: f64, b0: f64, lo: f64, hi: f64): f64 {
  let r1: f64, r2: f64;
  if (c == 0) {
    r1 = -b0 / b1;
    r2 = r1;
  } else {
    const sd = Math.sqrt(max<f64>(0, b1 * b1 - 4 * c * b0));
    const qq = -0.5 * (b1 + (b1 >= 0 ? sd : -sd));
    r1 = qq / c;
    r2 = qq != 0 ? b0 / qq : r1;
  }
  if (r1 > lo && r1 < hi) return r1;
  if (r2 > lo && r2 < hi) return r2;
  return NaN;
}

let termSum: f64 = 0;
let termSumSq: f64 = 0;

// termSum = sum_i z_i^2 / (delta_i - tau), termSumSq = sum_i (z_i / (delta_i - tau))^2 over
// i in [i0, i1), two terms per f64x2 operation (the loop is bound by the divisions).
function sumTerms(z: usize, delta: usize, i0: i32, i1: i32, vt: v128): void {
  let acc = f64x2.splat(0), acc2 = f64x2.splat(0);
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const o = <usize>i << 3;
    const zi = v128.load(z + o);
    const t = f64x2.div(zi, f64x2.sub(v128.load(delta + o), vt));
    acc = f64x2.add(acc, f64x2.mul(zi, t));
    acc2 = f64x2.add(acc2, f64x2.mul(t, t));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  let s2 = f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1);
  if (i < i1) {
    const zi = dv(z, i);
    const t = zi / (dv(delta, i) - f64x2.extract_lane(vt, 0));
    s += zi * t;
    s2 += t * t;
  }
  termSum = s;
  termSumSq = s2;
}

// sum_i z_i^2 / ((d_i - d_j) - mid), written as sum_i z_i^2 / (d_i - x) with x = d_j + mid
// rounded once: only used to pick the origin and the initial guess.
function sumAtShift(z: usize, d: usize, k: i32, x: f64): f64 {
  const vx = f64x2.splat(x);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < k; i += 2) {
    const o = <usize>i << 3;
    const zi = v128.load(z + o);
    acc = f64x2.add(acc, f64x2.div(f64x2.mul(zi, zi), f64x2.sub(v128.load(d + o), vx)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < k) s += dv(z, i) * dv(z, i) / (dv(d, i) - x);
  return s;
}

// out[i] = d[i] - d0
function shiftedCopy(out: usize, d: usize, k: i32, d0: f64): void {
  const v0 = f64x2.splat(d0);
  let i = 0;
  for (; i + 1 < k; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, f64x2.sub(v128.load(d + o), v0));
  }
  if (i < k) store<f64>(out + (<usize>i << 3), dv(d, i) - d0);
}
