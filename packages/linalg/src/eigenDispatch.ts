import { checkChoice } from './check.js';
import { symmetrize } from './matrixBasics.js';
import { eigenOfSymmetrized, symmetricEigenJs, type SymmetricEigen, type SymmetricEigenOptions } from './symmetricEigen.js';
import { linalgWasmSupported } from './wasm/linalgWasm.js';
import { eigenWasmOfChecked, symmetricEigenWasm } from './wasm/symmetricEigenWasm.js';

/** Which implementation computes the eigendecomposition. */
export type EigenKernel = 'auto' | 'js' | 'wasm';

/** True if `kernel` means the WebAssembly kernel: 'wasm', or 'auto' where WebAssembly SIMD is available. */
export function usesWasmKernel(kernel: EigenKernel): boolean {
  return kernel === 'wasm' || (kernel === 'auto' && linalgWasmSupported());
}

/** Options of {@link symmetricEigen}. */
export interface EigenDispatchOptions extends SymmetricEigenOptions {
  /** 'js' the TypeScript reference; 'wasm' the WebAssembly kernel; 'auto' picks. Default 'auto'. */
  kernel?: EigenKernel;
}

/**
 * Symmetric eigendecomposition A = V diag(lambda) V^T, lambda ascending, V orthogonal
 * (column j of the row-major `vectors` belongs to values[j]).
 *
 * The entry point every solver in this package uses. 'wasm' runs the WebAssembly SIMD
 * kernel {@link symmetricEigenWasm} (4-15x faster; throws where WebAssembly SIMD is
 * missing), 'js' the TypeScript reference {@link symmetricEigenJs}, and 'auto' the
 * WebAssembly kernel where SIMD is available, else the reference. Both are backward
 * stable; their results agree to rounding, not bit for bit.
 */
export function symmetricEigen(a: Float64Array, n: number, options: EigenDispatchOptions = {}): SymmetricEigen {
  const kernel = options.kernel ?? 'auto';
  checkChoice('symmetricEigen', 'kernel', kernel, ['auto', 'js', 'wasm'] as const);
  if (usesWasmKernel(kernel)) return symmetricEigenWasm(a, n, options);
  return symmetricEigenJs(a, n, options);
}

/**
 * symmetricEigen for a matrix the caller has already checked (internal: finite, symmetric
 * within the tolerance; the roots check A once, so the O(n^2) checks are not repeated).
 * Decomposes (A + A^T)/2 like symmetricEigen, with the same result: the WebAssembly kernel
 * symmetrises in its own memory, the TypeScript one gets `symmetrize(a, n)`.
 */
export function eigenOfChecked(a: Float64Array, n: number, kernel: EigenKernel): SymmetricEigen {
  checkChoice('symmetricEigen', 'kernel', kernel, ['auto', 'js', 'wasm'] as const);
  return usesWasmKernel(kernel) ? eigenWasmOfChecked(a, n) : eigenOfSymmetrized(symmetrize(a, n), n);
}
