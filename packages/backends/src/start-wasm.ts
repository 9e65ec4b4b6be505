/**
 * The wasm backend (XNNPACK compiled to WebAssembly with SIMD): float32, about 30x the
 * cpu backend's matmul speed here, tensors in the WebAssembly heap so synchronous reads
 * are cheap. Its .wasm binaries are located without configuration (wasm-binaries.ts),
 * and the training kernels it lacks are registered (wasm-kernels/register.ts), so
 * convolutional networks train on it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, rootExecutorReported } from './backend-info.js';
import { activate, precisionOf } from './activate.js';
import { isNode } from './runtime.js';
import { TFJS_WASM_VERSION, type WasmPaths, bundledWasmFileMap, nodeWasmDirectory } from './wasm-binaries.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register.js';

/** Options for the wasm backend. */
export interface WasmOptions {
  /** Where the .wasm binaries are (a prefix ending in '/' or a file map); default: found automatically. */
  wasmPaths?: WasmPaths;
  /** Threads for the wasm thread pool (browser with cross-origin isolation only; tfjs uses one thread in Node). */
  threads?: number;
}

/** Loads, configures and activates the wasm backend. */
export async function startWasm(options: WasmOptions = {}): Promise<BackendInfo> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`useBackend('wasm'): threads is ${options.threads}; allowed: an integer >= 1`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.findBackend('wasm') == null) {
    const paths = options.wasmPaths ?? (isNode() ? nodeWasmDirectory() : bundledWasmFileMap());
    if (options.wasmPaths === undefined && !isNode() && wasm.version_wasm !== TFJS_WASM_VERSION) {
      throw new Error(`useBackend('wasm'): @tensorflow/tfjs-backend-wasm is ${wasm.version_wasm} but the binaries shipped with @shampoo-ts/backends are ${TFJS_WASM_VERSION}; pass { wasmPaths } pointing at ${wasm.version_wasm}'s dist/ folder`);
    }
    if (paths !== undefined) wasm.setWasmPaths(paths);
    if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  }
  registerWasmTrainingKernels();
  await activate('wasm', 'the .wasm binary could not be loaded; pass { wasmPaths } with the folder holding tfjs-backend-wasm*.wasm');
  return {
    name: 'wasm',
    precision: precisionOf(),
    cheapSyncReadback: true,
    threads: wasm.getThreadsCount(),
    adapterInfo: null,
    rootExecutor: rootExecutorReported(true),
    skipped: [],
  };
}
