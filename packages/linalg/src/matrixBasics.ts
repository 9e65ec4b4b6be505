/**
 * Small O(n^2) helpers on row-major Float64Array matrices. Internal building blocks of the
 * solvers (exported from the package for tests and callers that need the same measures).
 * None of them checks its arguments; the exported solvers do that where data enters.
 */

/** The n x n identity. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** B = A^T for a rows x cols matrix A (B is cols x rows). */
export function transpose(a: Float64Array, rows: number, cols: number, out?: Float64Array): Float64Array {
  const b = out ?? new Float64Array(rows * cols);
  const block = 32;
  for (let i0 = 0; i0 < rows; i0 += block) {
    const i1 = Math.min(i0 + block, rows);
    for (let j0 = 0; j0 < cols; j0 += block) {
      const j1 = Math.min(j0 + block, cols);
      for (let i = i0; i < i1; i++) {
        const row = i * cols;
        for (let j = j0; j < j1; j++) b[j * rows + i] = a[row + j];
      }
    }
  }
  return b;
}

/** (A + A^T) / 2, a new matrix. */
export function symmetrize(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Copies the upper triangle onto the lower one, in place: A <- triu(A) + triu(A, 1)^T. */
export function mirrorUpperToLower(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
  }
}

/** ||A||_F = sqrt(sum a_ij^2), with scaling so that huge or tiny entries do not overflow. */
export function frobeniusNorm(a: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > scale) scale = v;
  }
  if (scale === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] / scale;
    sum += v * v;
  }
  return scale * Math.sqrt(sum);
}

/** trace(A) = sum a_ii. */
export function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/** ||A||_inf = max_i sum_j |a_ij| (maximum absolute row sum), an upper bound on the spectral radius. */
export function maxRowSum(a: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += Math.abs(a[row + j]);
    if (s > best) best = s;
  }
  return best;
}

/** max_ij |A - I|_ij, the entrywise infinity norm of A - I used as the iterations' error. */
export function maxAbsDeviationFromIdentity(a: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = Math.abs(a[row + j] - (i === j ? 1 : 0));
      if (v > best) best = v;
    }
  }
  return best;
}

/** A + shift * I, a new matrix. */
export function addToDiagonal(a: Float64Array, n: number, shift: number): Float64Array {
  const out = Float64Array.from(a);
  if (shift !== 0) for (let i = 0; i < n; i++) out[i * n + i] += shift;
  return out;
}

/** alpha * I + beta * A, a new matrix. */
export function affineWithIdentity(a: Float64Array, n: number, alpha: number, beta: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) out[i] = beta * a[i];
  for (let i = 0; i < n; i++) out[i * n + i] += alpha;
  return out;
}

/** ||offdiag(B)||_F / ||B||_F, the measure of how far B is from diagonal (0 for B = 0). */
export function offDiagonalRatio(b: Float64Array, n: number): number {
  const total = frobeniusNorm(b);
  if (total === 0) return 0;
  const off = Float64Array.from(b);
  for (let i = 0; i < n; i++) off[i * n + i] = 0;
  return frobeniusNorm(off) / total;
}
