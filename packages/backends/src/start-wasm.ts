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
import { TFJS_WASM_VERSION, WASM_BINARY_NAMES, type WasmPaths, bundledWasmFileMap, nodeWasmDirectory } from './wasm-binaries.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register.js';
import { describeWasmFailure } from './wasm-load-failure.js';

/** Options for the wasm backend. */
export interface WasmOptions {
  /** Where the .wasm binaries are (a prefix ending in '/' or a file map); default: found automatically. */
  wasmPaths?: WasmPaths;
  /** Threads for the wasm thread pool (browser with cross-origin isolation only; tfjs uses one thread in Node). */
  threads?: number;
}

/** Throws unless `paths` is a prefix ending in '/' or a map giving a string for every name in WASM_BINARY_NAMES. */
function assertWasmPaths(paths: unknown): asserts paths is WasmPaths {
  const allowed = `allowed: a URL or folder ending in '/', or an object mapping each of ${WASM_BINARY_NAMES.join(', ')} to a URL`;
  if (typeof paths === 'string') {
    if (!paths.endsWith('/')) throw new RangeError(`useBackend('wasm'): wasmPaths is '${paths}'; ${allowed}`);
    return;
  }
  const missing = typeof paths === 'object' && paths !== null ? WASM_BINARY_NAMES.filter((n) => typeof (paths as Record<string, unknown>)[n] !== 'string') : WASM_BINARY_NAMES;
  if (missing.length > 0) throw new TypeError(`useBackend('wasm'): wasmPaths is ${paths === null ? 'null' : typeof paths === 'object' ? `an object without ${missing.join(', ')}` : typeof paths}; ${allowed}`);
}

/** Loads, configures and activates the wasm backend. */
export async function startWasm(options: WasmOptions = {}): Promise<BackendInfo> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`useBackend('wasm'): threads is ${options.threads}; allowed: an integer >= 1`);
  }
  if (options.wasmPaths !== undefined) assertWasmPaths(options.wasmPaths);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let paths: WasmPaths | undefined;
  if (tf.findBackend('wasm') == null) {
    paths = options.wasmPaths ?? (isNode() ? nodeWasmDirectory() : bundledWasmFileMap());
    if (options.wasmPaths === undefined && !isNode() && wasm.version_wasm !== TFJS_WASM_VERSION) {
      throw new Error(`useBackend('wasm'): @tensorflow/tfjs-backend-wasm is ${wasm.version_wasm} but the binaries shipped with @shampoo-ts/backends are ${TFJS_WASM_VERSION}; pass { wasmPaths } pointing at ${wasm.version_wasm}'s dist/ folder`);
    }
    if (paths !== undefined) wasm.setWasmPaths(paths);
    if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  }
  registerWasmTrainingKernels();
  try {
    await activate('wasm', 'the .wasm binary could not be loaded');
  } catch (e) {
    const tried = await describeWasmFailure(paths);
    throw new Error(`useBackend('wasm'): ${(e as Error).message}; tried ${tried}. Pass { wasm: { wasmPaths } } with the URL of a folder (ending in '/') holding ${WASM_BINARY_NAMES.join(', ')} (they ship in @shampoo-ts/backends/wasm/), or a map from each name to its URL`);
  }
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
