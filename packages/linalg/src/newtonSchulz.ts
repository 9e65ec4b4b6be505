import { checkFinite, checkFiniteNumber, checkInteger, checkMatrix, checkPositive } from './check.js';
import { gemmTransposed } from './gemm.js';
import { frobeniusNorm, mirrorUpperToLower, transpose } from './matrixBasics.js';

/** Options of {@link newtonSchulz}. */
export interface NewtonSchulzOptions {
  /** Iterations. Default 5. */
  steps?: number;
  /** (a, b, c) of the quintic p(s) = a s + b s^3 + c s^5. Default Muon's (3.4445, -4.7750, 2.0315). */
  coefficients?: [number, number, number];
  /** X_0 = G / max(||G||_F, epsilon). Default 1e-8 (the reference's). */
  epsilon?: number;
}

/** Muon's (a, b, c) = (3.4445, -4.7750, 2.0315) (Jordan et al. 2024): the one copy in the repo. */
export const MUON_COEFFICIENTS: [number, number, number] = [3.4445, -4.775, 2.0315];

/**
 * Quintic Newton-Schulz orthogonalisation (Muon's, the reference's `newton_schulz`):
 *
 *   X_0 = G / max(||G||_F, eps)   (so every singular value is <= 1),
 *   transpose first if G is wide (rows < cols), so that B below is the smaller Gram matrix,
 *   repeat: B = X^T X,  X <- a X + X (b B + c B^2),
 *
 * which maps each singular value s of X to p(s) = a s + b s^3 + c s^5 and leaves the
 * singular vectors alone: the result is U diag(p^steps(s_i / ||G||_F)) V^T for G = U S V^T.
 * Muon's coefficients do not satisfy p(1) = 1: they trade exactness for speed, pushing
 * singular values into a band around 1 instead of onto 1 (docs/linalg.md states the band,
 * computed from the quintic, and the test checks the output against it). For U V^T itself
 * use {@link polarFactor}. Returns a new rows x cols matrix.
 */
export function newtonSchulz(g: Float64Array, rows: number, cols: number, options: NewtonSchulzOptions = {}): Float64Array {
  const fn = 'newtonSchulz';
  const { steps = 5, coefficients = MUON_COEFFICIENTS, epsilon = 1e-8 } = options;
  checkMatrix(fn, 'g', g, rows, cols);
  checkFinite(fn, 'g', g, cols);
  checkInteger(fn, 'steps', steps, 0);
  if (!Array.isArray(coefficients) || coefficients.length !== 3) {
    throw new Error(`${fn}: coefficients must be an array [a, b, c] of 3 numbers, got ${JSON.stringify(coefficients)}`);
  }
  coefficients.forEach((c, i) => checkFiniteNumber(fn, `coefficients[${i}]`, c));
  checkPositive(fn, 'epsilon', epsilon);
  const scale = 1 / Math.max(frobeniusNorm(g), epsilon);
  const wide = rows < cols;
  // Work on a tall m x k matrix X (m >= k): B = X^T X is k x k.
  const m = wide ? cols : rows;
  const k = wide ? rows : cols;
  let x = wide ? transpose(g, rows, cols) : Float64Array.from(g);
  for (let i = 0; i < x.length; i++) x[i] *= scale;
  const [ca, cb, cc] = coefficients;
  const b = new Float64Array(k * k);
  const poly = new Float64Array(k * k);
  for (let step = 0; step < steps; step++) {
    const xt = transpose(x, m, k); // k x m
    gemmTransposed(xt, xt, b, k, m, k, 1, 0, true); // B = X^T X
    mirrorUpperToLower(b, k);
    gemmTransposed(b, b, poly, k, k, k, cc, 0, true); // c B^2 (B symmetric: B B^T = B^2)
    for (let i = 0; i < k * k; i++) poly[i] += cb * b[i];
    mirrorUpperToLower(poly, k);
    // X <- a X + X poly; poly symmetric, so X poly = X poly^T.
    const next = Float64Array.from(x);
    gemmTransposed(x, poly, next, m, k, k, 1, ca, false);
    x = next;
  }
  return wide ? transpose(x, m, k) : x;
}
