/**
 * One entry point for every TensorFlow.js backend Shampoo runs on.
 *
 *   await useBackend('wasm')   // Node and browsers: XNNPACK/SIMD, the fast default
 *   await useBackend('webgpu') // browsers, or Node with the `webgpu` package and a Vulkan driver
 *   await useBackend('cpu')    // plain JS, always works, slow
 *   await useBackend('node-gpu') // tfjs-node-gpu / tfjs-node if installed
 *   await useBackend('auto')   // Node: wasm, else cpu. Browser: webgpu on a hardware
 *                              // adapter, else wasm, else cpu.
 *
 * Each call activates the backend (tf.setBackend) and returns a BackendInfo saying what
 * it got, including the place Shampoo's root computation should run (backend-info.ts).
 * A named backend that cannot start throws an Error saying why and how to fix it;
 * 'auto' falls through and lists the reasons in `skipped`.
 */
import { type BackendInfo, type BackendRequest, assertBackendRequest } from './backend-info.js';
import { isNode } from './runtime.js';
import { startCpu } from './start-cpu.js';
import { type WasmOptions, startWasm } from './start-wasm.js';
import { type WebGPUOptions, startWebGPU } from './start-webgpu.js';
import { startNodeGpu } from './start-node-gpu.js';

/** Options for useBackend; each applies to its backend only. */
export interface UseBackendOptions {
  wasm?: WasmOptions;
  webgpu?: WebGPUOptions;
}

/** The order 'auto' tries backends in, here. */
export function autoOrder(): Array<Exclude<BackendRequest, 'auto'>> {
  return isNode() ? ['wasm', 'cpu'] : ['webgpu', 'wasm', 'cpu'];
}

/** Starts one named backend. */
function start(name: Exclude<BackendRequest, 'auto'>, options: UseBackendOptions, auto = false): Promise<BackendInfo> {
  switch (name) {
    case 'cpu':
      return startCpu();
    case 'wasm':
      return startWasm(options.wasm);
    case 'webgpu':
      return startWebGPU(auto ? { allowSoftware: false, ...options.webgpu } : options.webgpu);
    case 'node-gpu':
      return startNodeGpu();
  }
}

/** Activates the requested backend (see above) and describes it. */
export async function useBackend(name: BackendRequest = 'auto', options: UseBackendOptions = {}): Promise<BackendInfo> {
  assertBackendRequest(name);
  if (name !== 'auto') return start(name, options);
  const skipped: string[] = [];
  for (const candidate of autoOrder()) {
    try {
      return { ...(await start(candidate, options, true)), skipped };
    } catch (e) {
      skipped.push(`${candidate}: ${(e as Error).message}`);
    }
  }
  throw new Error(`useBackend('auto'): no backend could start: ${skipped.join(' | ')}`);
}
