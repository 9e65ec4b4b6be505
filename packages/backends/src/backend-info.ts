/**
 * What `useBackend` reports about the backend it started, and the one rule that picks
 * where Shampoo's root computation runs.
 *
 * Shampoo's inverse p-th roots want float64 (tfjs has no float64 dtype), and a float64
 * host solver needs the factor matrices on the host every time the roots are refreshed.
 * Where a synchronous readback is cheap (cpu, wasm, tfjs-node: the tensor already sits
 * in host memory) the host float64 path is the right one; where it is not (webgpu:
 * `dataSync` stalls the queue in the browser and does not work in Node) the roots are
 * computed on the device in float32, optionally refreshed asynchronously in float64.
 */

/** The names `useBackend` accepts. */
export const BACKEND_NAMES = ['cpu', 'wasm', 'webgpu', 'node-gpu', 'auto'] as const;
export type BackendRequest = (typeof BACKEND_NAMES)[number];

/** Where Shampoo's root computation should run on this backend. */
export type RootExecutor = 'host-float64' | 'device-float32';

/** The GPU adapter behind a webgpu backend (from GPUAdapter.info), or null. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** The description `useBackend` returns. */
export interface BackendInfo {
  /** The tfjs backend name now active: 'cpu', 'wasm', 'webgpu' or 'tensorflow' (tfjs-node). */
  name: string;
  /** Float precision of the backend's tensors, from `tf.backend().floatPrecision()`. */
  precision: 'float32' | 'float16';
  /** True where `dataSync` is cheap (no device round trip, no queue stall). */
  cheapSyncReadback: boolean;
  /** Threads the backend computes with (wasm: its thread pool; 1 for single-threaded backends). */
  threads: number;
  /** The GPU adapter, for webgpu; null otherwise. */
  adapterInfo: AdapterInfo | null;
  /** Where Shampoo's root computation should run; `rootExecutorFor(cheapSyncReadback)`. */
  rootExecutor: RootExecutor;
  /** For 'auto': why the backends tried before this one could not start (empty otherwise). */
  skipped: string[];
}

/** The rule above: host float64 where a synchronous readback is cheap, device float32 where not. */
export function rootExecutorFor(cheapSyncReadback: boolean): RootExecutor {
  return cheapSyncReadback ? 'host-float64' : 'device-float32';
}

/** Throws a RangeError naming the value unless `name` is one of BACKEND_NAMES. */
export function assertBackendRequest(name: unknown): asserts name is BackendRequest {
  if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
    throw new RangeError(`useBackend: name is ${JSON.stringify(name)}; allowed: ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}`);
  }
}
