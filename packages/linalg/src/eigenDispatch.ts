import { checkChoice } from './check.js';
import { symmetricEigenJs, type SymmetricEigen, type SymmetricEigenOptions } from './symmetricEigen.js';

/** Which implementation computes the eigendecomposition. */
export type EigenKernel = 'auto' | 'js' | 'wasm';

/** Options of {@link symmetricEigen}. */
export interface EigenDispatchOptions extends SymmetricEigenOptions {
  /** 'js' the TypeScript reference; 'wasm' the WebAssembly kernel; 'auto' picks. Default 'auto'. */
  kernel?: EigenKernel;
}

/**
 * Symmetric eigendecomposition A = V diag(lambda) V^T, lambda ascending, V orthogonal
 * (column j of the row-major `vectors` belongs to values[j]).
 *
 * The entry point every solver in this package uses. All three kernel choices currently
 * run the TypeScript reference {@link symmetricEigenJs}; the WebAssembly kernel plugs in
 * here, and 'auto' will choose between the two.
 */
export function symmetricEigen(a: Float64Array, n: number, options: EigenDispatchOptions = {}): SymmetricEigen {
  const kernel = options.kernel ?? 'auto';
  checkChoice('symmetricEigen', 'kernel', kernel, ['auto', 'js', 'wasm'] as const);
  return symmetricEigenJs(a, n, options);
}
