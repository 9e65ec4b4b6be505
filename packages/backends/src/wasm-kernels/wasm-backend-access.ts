/**
 * The few members of tfjs-backend-wasm's `BackendWasm` that our kernels use, typed
 * structurally so this package does not import the backend's internals.
 *
 * Tensors on the wasm backend live in the WebAssembly heap. `makeOutput` allocates a
 * new tensor there and `typedArrayFromHeap` gives a view of a tensor's bytes. A view
 * is invalidated when the heap grows (any later `makeOutput` may grow it), so take
 * views only after the last allocation of a step.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The structural subset of tfjs-backend-wasm's BackendWasm that the training kernels need. */
export interface WasmBackendAccess {
  /** Allocates an output tensor of this shape and dtype on the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a tensor's data on the heap (no copy). */
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  /** Frees a tensor's data; true if it was freed. */
  disposeData(dataId: tf.DataId): boolean;
}

/** Narrows the `backend` a kernel receives to the wasm backend's heap API, or throws saying what it got. */
export function asWasmBackend(backend: unknown, kernelName: string): WasmBackendAccess {
  const b = backend as Partial<WasmBackendAccess> | null;
  if (b == null || typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function' || typeof b.disposeData !== 'function') {
    throw new TypeError(`${kernelName}: backend is not tfjs-backend-wasm's BackendWasm (no makeOutput/typedArrayFromHeap); allowed: the 'wasm' backend`);
  }
  return b as WasmBackendAccess;
}

/**
 * Runs another kernel registered for 'wasm' on the same backend, as tfjs's own backends
 * compose kernels: the result is a TensorInfo owned by the caller, who must release it
 * with `backend.disposeData(result.dataId)` unless it is returned to the engine.
 */
export function runWasmKernel(
  kernelName: string,
  backend: WasmBackendAccess,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config == null) throw new Error(`kernel '${kernelName}' is not registered for backend 'wasm'; it is needed by a training kernel of @shampoo-ts/backends`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned ${out.length} outputs; expected one`);
  return out;
}
