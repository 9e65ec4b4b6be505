/**
 * What `useBackend` reports about the backend it started, including where Shampoo's root
 * computation runs on it.
 *
 * Shampoo's inverse p-th roots want float64 (tfjs has no float64 dtype), and a float64
 * host solver needs the factor matrices on the host every time the roots are refreshed.
 * Where a synchronous readback is cheap (cpu, wasm, tfjs-node: the tensor already sits
 * in host memory) the host float64 path is the right one; where it is not (webgpu:
 * `dataSync` stalls the queue in the browser and does not work in Node) the roots are
 * computed on the device in float32. `cheapSyncReadback` says which; the rule that acts on
 * it lives in @shampoo-ts/shampoo (`rootPlacementFor(backendName)`, what Shampoo's
 * default `rootExecutor: 'auto'` applies at init()). This package knows nothing of
 * optimizers: it depends on no other @shampoo-ts package.
 */

/** The names `useBackend` accepts. */
export const BACKEND_NAMES = ['cpu', 'wasm', 'webgpu', 'node-gpu', 'auto'] as const;
/** A backend `useBackend` can start: one of `BACKEND_NAMES` (`auto` picks the first that starts, in `autoOrder()`). */
export type BackendRequest = (typeof BACKEND_NAMES)[number];

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
  /**
   * Where Shampoo's root computation runs here with rootExecutor 'auto': 'host-float64' where
   * `cheapSyncReadback`, else 'device-float32' (equal to `rootPlacementFor(name)` of @shampoo-ts/shampoo).
   * @deprecated use `rootPlacementFor(info.name)` of @shampoo-ts/shampoo, or `cheapSyncReadback`.
   */
  rootExecutor: 'host-float64' | 'device-float32';
  /** For 'auto': why the backends tried before this one could not start (empty otherwise). */
  skipped: string[];
}

/**
 * The deprecated `BackendInfo.rootExecutor` of a backend: 'host-float64' where a synchronous
 * readback is cheap (float64 roots on the host), else 'device-float32'.
 */
export function rootExecutorReported(cheapSyncReadback: boolean): BackendInfo['rootExecutor'] {
  return cheapSyncReadback ? 'host-float64' : 'device-float32';
}

/** Throws a RangeError naming the value unless `name` is one of BACKEND_NAMES. */
export function assertBackendRequest(name: unknown): asserts name is BackendRequest {
  if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
    throw new RangeError(`useBackend: name is ${JSON.stringify(name)}; allowed: ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}`);
  }
}
