/**
 * BatchMatMul for the wasm backend with transposed operands made explicit:
 *   C = op(A) op(B),  op(X) = X^T (last two dims) when the transpose flag is set,
 * computed as Transpose, then the backend's own BatchMatMul without flags. tfjs-backend-wasm
 * 4.22 sends flagless products to XNNPACK but runs transposed ones in a plain loop, 10-30x
 * slower; every backward pass of a dense layer needs dy W^T and X^T dy, so this one
 * substitution speeds up the training of any model on wasm (measured on 128 x 784 by
 * 784 x 512: dy W^T 36.6 -> 5.6 ms, X^T dy 77.5 -> 7.9 ms; docs/backends.md).
 * The result is the same product; the summation order inside XNNPACK differs from the
 * loop's, so values agree to float32 rounding, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, runWasmKernel, type WasmBackendAccess } from './wasm-backend-access.js';

/** Swaps the last two dims: the permutation of a rank-r transpose of the matrices. */
function matrixTransposePerm(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function transposed(b: WasmBackendAccess, x: tf.TensorInfo): tf.TensorInfo {
  return runWasmKernel(tf.Transpose, b, { x }, { perm: matrixTransposePerm(x.shape.length) });
}

/** Marks the kernel functions built here, so that registration can tell them from the backend's. */
export const TRANSPOSE_FIRST = Symbol('shampoo-ts transpose-first BatchMatMul');

/**
 * The BatchMatMul kernel config for 'wasm' that makes transposes explicit and then calls
 * the backend's own BatchMatMul kernel (`backendConfig`, whose setup and dispose
 * functions it keeps: they bind the WebAssembly function when the backend starts).
 */
export function transposeFirstBatchMatMul(backendConfig: tf.KernelConfig): tf.KernelConfig {
  const flagless = backendConfig.kernelFunc;
  const kernelFunc = (({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return flagless({ inputs, backend, attrs });
    const b = asWasmBackend(backend, tf.BatchMatMul);
    const { a, b: bMatrix } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.shape.length < 2 || bMatrix.shape.length < 2) return flagless({ inputs, backend, attrs });
    const aIn = transposeA ? transposed(b, a) : a;
    const bIn = transposeB ? transposed(b, bMatrix) : bMatrix;
    try {
      return flagless({ inputs: { a: aIn, b: bIn }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (aIn !== a) b.disposeData(aIn.dataId);
      if (bIn !== bMatrix) b.disposeData(bIn.dataId);
    }
  }) as tf.KernelFunc & { [TRANSPOSE_FIRST]?: true };
  kernelFunc[TRANSPOSE_FIRST] = true;
  return { ...backendConfig, kernelFunc };
}
