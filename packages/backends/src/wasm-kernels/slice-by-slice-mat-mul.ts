/**
 * A batched product without transposes, C[i] = A[ia(i)] B[ib(i)] (batch broadcasting as
 * in broadcast-batch.ts), computed one matrix at a time by tfjs-backend-wasm's own
 * WebAssembly BatchMatMul on heap views of the slices, so every slice runs on XNNPACK.
 *
 * Why: tfjs-backend-wasm 4.22 sends a product to XNNPACK only when both batch sizes are 1
 * and runs every other one through a plain triple loop, 5-10x slower at the block sizes
 * Shampoo uses (docs/backends.md, scripts/batched-matmul-speed.mts). The views are
 * registered with the C++ side at the slices' offsets (wasm-heap-views.ts), so nothing is
 * copied; each slice's result is written in place into the stacked output. Each slice's
 * B gets its own XNNPACK operator (the weights packed once per distinct B slice and
 * released with the view), exactly as B separate 2-D products with fresh tensors would.
 *
 * tfjs-backend-wasm caches XNNPACK's operator by B's tensor id alone, so a B reshaped to
 * other matrix dims under the same id (a reshape shares the data) reused the operator
 * built for the first dims and gave wrong results; views are keyed by dataId and matrix
 * dims (persistent-views.ts), so a single product whose B was seen with other dims runs
 * here too.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendAccess } from './wasm-backend-access.js';
import { broadcastBatchPairs } from './broadcast-batch.js';
import { persistentView, sweepPersistentViewsIfGrown } from './persistent-views.js';
import { heapOffsetOf, registerHeapView, releaseHeapView, type WasmHeapBackend } from './wasm-heap-views.js';

type WasmMatMul = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number) => void;

/** The WebAssembly BatchMatMul of each wasm module, bound once (the signature of tfjs-backend-wasm 4.22's kernel). */
const boundMatMul = new WeakMap<object, WasmMatMul>();

function wasmMatMulOf(backend: WasmHeapBackend): WasmMatMul {
  let fn = boundMatMul.get(backend.wasm);
  if (fn == null) {
    fn = backend.wasm.cwrap('BatchMatMul', null,
      ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as unknown as WasmMatMul;
    boundMatMul.set(backend.wasm, fn);
  }
  return fn;
}

const FLOAT32_BYTES = 4;

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * C = A B for float32 A [...batchA, m, k] and B [...batchB, k, n] (no transposes), with
 * m, k, n > 0, into a new tensor [...broadcast(batchA, batchB), m, n] made by
 * `makeOutput`, one XNNPACK product per output matrix. With `keepBViews` (B is a tensor
 * of the caller's, not a temporary of this kernel), B's views persist while B lives
 * (persistent-views.ts), so a stacked B used again reuses XNNPACK's packed weights.
 */
export function matMulSliceBySlice(
  backend: WasmHeapBackend & WasmBackendAccess,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  keepBViews: boolean,
): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const { outBatch, aIndex, bIndex } = broadcastBatchPairs(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  const matMul = wasmMatMulOf(backend);
  sweepPersistentViewsIfGrown(backend);
  const aOffset = heapOffsetOf(backend, a);
  const bOffset = heapOffsetOf(backend, b);
  const outOffset = heapOffsetOf(backend, out);
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  const aViews = new Map<number, number>();
  const bViews = new Map<number, number>();
  const viewOf = (views: Map<number, number>, index: number, offset: number, size: number): number => {
    let id = views.get(index);
    if (id == null) {
      id = registerHeapView(backend, offset + index * size * FLOAT32_BYTES, size);
      views.set(index, id);
    }
    return id;
  };
  try {
    for (let i = 0; i < aIndex.length; i++) {
      const aId = viewOf(aViews, aIndex[i], aOffset, m * k);
      const bId = (keepBViews ? persistentView(backend, b.dataId, bOffset, bIndex[i], k, n) : viewOf(bViews, bIndex[i], bOffset, k * n));
      const outId = registerHeapView(backend, outOffset + i * m * n * FLOAT32_BYTES, m * n);
      try {
        matMul(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
      } finally {
        releaseHeapView(backend, outId);
      }
    }
  } finally {
    for (const id of aViews.values()) releaseHeapView(backend, id);
    for (const id of bViews.values()) releaseHeapView(backend, id);
  }
  return out;
}
