import { checkSymmetricMatrix, DEFAULT_SYMMETRY_TOLERANCE } from '../check.js';
import type { SymmetricEigen, SymmetricEigenOptions } from '../symmetricEigen.js';
import { f64View, linalgWasm, reserveWorkspace } from './linalgWasm.js';

/**
 * Symmetric eigendecomposition A = V diag(lambda) V^T in WebAssembly (f64x2 SIMD),
 * lambda ascending, V orthogonal (column j of the row-major `vectors` belongs to values[j]).
 * Same contract and input checks as the TypeScript reference `symmetricEigenJs`, whose
 * results it matches to rounding (A is checked, then (A + A^T)/2 is decomposed).
 *
 * The algorithm is LAPACK dsyevd's, written for row-major storage and f64x2:
 * 1. A is scaled by a power of two (exact) so that max|a_ij| is in [1, 2).
 * 2. Householder tridiagonalisation Q^T A Q = T (4n^3/3 flops); the rank-2 update of step
 *    k and the matrix-vector product of step k+1 share one sweep over the trailing block.
 * 3. Divide and conquer on T (Cuppen; deflation, secular equation by Li's middle way,
 *    Gu-Eisenstat eigenvectors, GEMM merges): T = Z diag(lambda) Z^T, at most 4n^3/3 flops
 *    and much less when many eigenvalues deflate.
 * 4. V = Q Z by blocked (compact WY) Householder application: 2n^3 flops in GEMMs.
 * Backward stable: ||A V - V diag(lambda)||_F / ||A||_F and ||V^T V - I||_F are small
 * multiples of n 2^-52 (measured values in docs/linalg.md).
 *
 * Throws where WebAssembly SIMD is unavailable (see `linalgWasmSupported`).
 */
export function symmetricEigenWasm(a: Float64Array, n: number, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const fn = 'symmetricEigenWasm';
  checkWasmOrder(fn, n); // before the O(n^2) input checks
  checkSymmetricMatrix(fn, 'a', a, n, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  return eigenWasmOfChecked(a, n);
}

/**
 * The WebAssembly eigensolver on an already checked n x n matrix (internal: finite, symmetric
 * within tolerance, n within the module's limit); the kernel decomposes (A + A^T) / 2.
 */
export function eigenWasmOfChecked(a: Float64Array, n: number): SymmetricEigen {
  const fn = 'symmetricEigenWasm';
  checkWasmOrder(fn, n);
  if (n === 0) return { n, values: new Float64Array(0), vectors: new Float64Array(0) };
  const w = linalgWasm(fn);
  const base = reserveWorkspace(w, w.eigWorkBytes(n) >>> 0);
  f64View(w, base, n * n).set(a); // the kernel decomposes (A + A^T) / 2
  const failures = w.eigRun(n, base);
  if (failures !== 0) {
    throw new Error(`${fn}: ${failures} eigenvalue(s) of the tridiagonal problem did not converge (n = ${n})`);
  }
  const values = f64View(w, base + (w.eigValuesOffset(n) >>> 0), n).slice();
  const vectors = f64View(w, base + (w.eigVectorsOffset(n) >>> 0), n * n).slice();
  return { n, values, vectors };
}

/** 5 n^2 doubles of workspace in a 32-bit address space: about n <= 10,000. */
function checkWasmOrder(fn: string, n: number): void {
  const needed = 40 * n * n;
  if (Number.isInteger(n) && needed > 2 ** 32 - 2 ** 26) {
    throw new Error(
      `${fn}: n = ${n} needs ${(needed / 2 ** 30).toFixed(1)} GiB of WebAssembly memory (5 n^2 doubles), ` +
        `more than a 32-bit module can address; allowed: n <= 10000, or kernel 'js'`,
    );
  }
}
