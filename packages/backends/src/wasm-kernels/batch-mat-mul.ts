/**
 * BatchMatMul for the wasm backend, routed so that every product runs on XNNPACK:
 *   C[i] = op(A[ia(i)]) op(B[ib(i)]),  op(X) = X^T (last two dims) when the flag is set,
 * with batch broadcasting as NumPy's. tfjs-backend-wasm 4.22 sends a product to XNNPACK
 * only when it has no transpose flag and both batch sizes are 1, and runs every other one
 * through a plain loop, 10-30x slower for a transposed operand and 5-10x for a batch
 * (docs/backends.md). So here a transposed operand is transposed first (the backend's
 * Transpose, one kernel for the whole batch), and the product runs slice by slice on
 * XNNPACK in place (slice-by-slice-mat-mul.ts), except batches of tiny matrices, which
 * the backend's loop does faster. A single product goes to the backend's own XNNPACK path,
 * unless its B was multiplied there before as other dims: the backend caches XNNPACK's
 * operator by B's tensor id alone and returned wrong values for a reshaped B. Every dense layer's backward
 * pass (dy W^T, X^T dy) and every stacked product of Shampoo's blocks (G G^T, G^T G,
 * X_L^T G X_R) gains. The result is the same product; the summation order inside
 * XNNPACK differs from the loop's, so values agree to float32 rounding, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, runWasmKernel, type WasmBackendAccess } from './wasm-backend-access.js';
import { asWasmHeapBackend } from './wasm-heap-views.js';
import { matMulSliceBySlice } from './slice-by-slice-mat-mul.js';

/** Swaps the last two dims: the permutation of a rank-r transpose of the matrices. */
function matrixTransposePerm(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function transposed(b: WasmBackendAccess, x: tf.TensorInfo): tf.TensorInfo {
  return runWasmKernel(tf.Transpose, b, { x }, { perm: matrixTransposePerm(x.shape.length) });
}

const batchSize = (shape: readonly number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);

/**
 * Below this many multiply-adds per output matrix, the backend's loop over a whole batch
 * beats one XNNPACK call per matrix (about 5 us each: measured 8 x 8 blocks 2-4x faster in
 * the loop, 16 x 16 blocks 1.4x slower; scripts/batched-matmul-speed.mts).
 */
export const SLICE_MIN_MACS = 2048;

/**
 * Whether a float32 product of these operand shapes runs slice by slice on XNNPACK: both
 * of rank >= 2, no empty dim, and not a batch of tiny products that the backend's loop
 * computes right (it reads batch i mod size, which is broadcasting only when each
 * operand's batch is 1 or the whole output batch). The rest go to the backend's kernel.
 */
export function runsSliceBySlice(aShape: readonly number[], bShape: readonly number[], transposeA = false, transposeB = false): boolean {
  if (aShape.length < 2 || bShape.length < 2 || !aShape.every((d) => d > 0) || !bShape.every((d) => d > 0)) return false;
  const [rows, inner] = transposeA ? [aShape[aShape.length - 1], aShape[aShape.length - 2]] : aShape.slice(-2);
  const cols = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const out = Math.max(batchSize(aShape), batchSize(bShape));
  const loopBroadcastsRight = [batchSize(aShape), batchSize(bShape)].every((s) => s === 1 || s === out);
  return !(out > 1 && loopBroadcastsRight && rows * inner * cols < SLICE_MIN_MACS);
}

/**
 * The matrix dims (k x n) each B was first multiplied with by the backend's own kernel,
 * by dataId. The backend caches XNNPACK's operator for B by tensor id alone, so a later
 * product with the same data read as other dims (a reshape) must not go there.
 */
const dimsAtBackend = new WeakMap<tf.DataId, string>();

/** Whether the backend's own kernel may take B (its operator cache holds B's dims or nothing), recording the dims. */
function backendCacheFits(bIn: tf.TensorInfo): boolean {
  const dims = bIn.shape.slice(-2).join('x');
  const seen = dimsAtBackend.get(bIn.dataId);
  if (seen == null) dimsAtBackend.set(bIn.dataId, dims);
  return seen == null || seen === dims;
}

/** Marks the kernel functions built here, so that registration can tell them from the backend's. */
export const TRANSPOSE_FIRST = Symbol('shampoo-ts transpose-first BatchMatMul');

/**
 * The BatchMatMul kernel config for 'wasm' that makes transposes explicit and runs the
 * product slice by slice on XNNPACK where `runsSliceBySlice`, and otherwise calls the
 * backend's own BatchMatMul kernel
 * (`backendConfig`, whose setup and dispose functions it keeps: they bind the WebAssembly
 * function when the backend starts).
 */
export function transposeFirstBatchMatMul(backendConfig: tf.KernelConfig): tf.KernelConfig {
  const flagless = backendConfig.kernelFunc;
  const kernelFunc = (({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const { a, b: bMatrix } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || bMatrix.dtype !== 'float32' || a.shape.length < 2 || bMatrix.shape.length < 2) {
      return flagless({ inputs, backend, attrs });
    }
    if (!runsSliceBySlice(a.shape, bMatrix.shape, transposeA, transposeB)) return flagless({ inputs, backend, attrs });
    const b = asWasmBackend(backend, tf.BatchMatMul);
    const aIn = transposeA ? transposed(b, a) : a;
    const bIn = transposeB ? transposed(b, bMatrix) : bMatrix;
    try {
      const inner = [aIn.shape[aIn.shape.length - 1], bIn.shape[bIn.shape.length - 2]];
      if (inner[0] !== inner[1]) {
        throw new Error(`Error in matMul: inner shapes (${inner[0]}) and (${inner[1]}) of Tensors with shapes ${a.shape} and ${bMatrix.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
      }
      // A single product goes to the backend's XNNPACK path (a few us less per call than
      // views), unless B's data was multiplied there before as other dims.
      const single = batchSize(aIn.shape) === 1 && batchSize(bIn.shape) === 1;
      if (single && backendCacheFits(bIn)) {
        return flagless({ inputs: { a: aIn, b: bIn }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      }
      return matMulSliceBySlice(asWasmHeapBackend(backend, tf.BatchMatMul), aIn, bIn, bIn === bMatrix);
    } finally {
      if (aIn !== a) b.disposeData(aIn.dataId);
      if (bIn !== bMatrix) b.disposeData(bIn.dataId);
    }
  }) as tf.KernelFunc & { [TRANSPOSE_FIRST]?: true };
  kernelFunc[TRANSPOSE_FIRST] = true;
  return { ...backendConfig, kernelFunc };
}
