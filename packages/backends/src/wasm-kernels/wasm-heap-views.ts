/**
 * Views of a region of the wasm heap as tensors of tfjs-backend-wasm's C++ side, so that a
 * WebAssembly kernel can read or write one matrix of a stacked tensor in place.
 *
 * The C++ side knows a tensor by an integer id and its heap offset (`register_tensor(id,
 * size, offset)`); the JavaScript side keeps the id and offset of each tensor in
 * `dataIdMap`. A view is registered on the C++ side only, with a fresh id from the
 * backend's counter, and released with `dispose_data(id)`, which runs the C++ disposal
 * callbacks (XNNPACK's operator cache keyed by the id) but frees no memory: the memory
 * belongs to the stacked tensor. Never pass a view to `backend.disposeData` (it would
 * `free` the middle of another allocation).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, type WasmBackendAccess } from './wasm-backend-access.js';

/** The structural subset of tfjs-backend-wasm's BackendWasm and its module that views need. */
export interface WasmHeapBackend {
  dataIdNextNumber: number;
  /** The backend's tensor records by data id. */
  dataIdMap: {
    /** The heap id and byte offset of a tensor's data, or undefined if it is not registered. */
    get(dataId: tf.DataId): { id: number; memoryOffset: number } | undefined;
    /** Whether a tensor's data is registered. */
    has(dataId: tf.DataId): boolean;
  };
  /** The wasm module. */
  wasm: {
    /** Binds the exported C function `name` with the given argument types. */
    cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
    /** The module's tensor registry. */
    tfjs: {
      /** Records tensor `id` of `size` elements at byte `memoryOffset` of the heap. */
      registerTensor(id: number, size: number, memoryOffset: number): void;
      /** Forgets tensor `id` and frees its memory. */
      disposeData(id: number): void;
    };
  };
}

/** Narrows a kernel's `backend` to the heap API above (and WasmBackendAccess), or throws saying what is missing. */
export function asWasmHeapBackend(backend: unknown, kernelName: string): WasmHeapBackend & WasmBackendAccess {
  asWasmBackend(backend, kernelName);
  const b = backend as Partial<WasmHeapBackend> | null;
  const ok = b != null && typeof b.dataIdNextNumber === 'number' && typeof b.dataIdMap?.get === 'function' && typeof b.dataIdMap.has === 'function'
    && typeof b.wasm?.cwrap === 'function' && typeof b.wasm.tfjs?.registerTensor === 'function' && typeof b.wasm.tfjs.disposeData === 'function';
  if (!ok) throw new TypeError(`${kernelName}: backend is not tfjs-backend-wasm's BackendWasm (no dataIdMap/wasm.tfjs.registerTensor); allowed: the 'wasm' backend`);
  return b as WasmHeapBackend & WasmBackendAccess;
}

/** The byte offset in the wasm heap of a tensor's first element. */
export function heapOffsetOf(backend: WasmHeapBackend, info: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data == null) throw new Error('tensor is not on the wasm backend (its dataId is unknown there)');
  return data.memoryOffset;
}

/**
 * Registers `size` float32 elements at byte `memoryOffset` as a C++ tensor and returns
 * its id; release it with `releaseHeapView`.
 */
export function registerHeapView(backend: WasmHeapBackend, memoryOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
  return id;
}

/** Forgets a view made by `registerHeapView` on the C++ side (runs its disposal callbacks, frees nothing). */
export function releaseHeapView(backend: WasmHeapBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}
