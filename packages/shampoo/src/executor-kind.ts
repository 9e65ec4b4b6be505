/**
 * Which root executor suits a TensorFlow.js backend. The one table behind Shampoo's
 * default `rootExecutor: 'auto'` and behind the `rootExecutor` that
 * @shampoo-ts/backends' `useBackend` reports.
 *
 *   'host-float64'   where a synchronous readback is cheap because the tensors already
 *                    live in host memory: cpu (JS arrays), wasm (the WebAssembly heap),
 *                    tfjs-node and tfjs-node-gpu ('tensorflow': one copy through the
 *                    binding). One dataSync per root step, then float64 roots on the host.
 *   'device-float32' on GPU backends (webgpu, webgl), where dataSync stalls the GPU queue
 *                    (browsers) or fails outright (webgpu in Node has no OffscreenCanvas
 *                    to read through): float32 iterations on the device, no readback.
 *
 * Any other backend name maps to 'host-float64': dataSync works on every tfjs backend
 * except webgpu outside a browser, and float64 roots are the more accurate choice.
 */

/** Where the root computation runs: the two built-in executors. */
export type RootExecutorKind = 'host-float64' | 'device-float32';

/** Every RootExecutorKind. */
export const ROOT_EXECUTOR_KINDS: readonly RootExecutorKind[] = Object.freeze(['host-float64', 'device-float32'] as const);

/** The table above, by tfjs backend name (`tf.getBackend()`). */
export const ROOT_EXECUTOR_BY_BACKEND: Readonly<Record<string, RootExecutorKind>> = Object.freeze({
  cpu: 'host-float64',
  wasm: 'host-float64',
  tensorflow: 'host-float64',
  webgpu: 'device-float32',
  webgl: 'device-float32',
});

/**
 * The executor kind for a tfjs backend name: ROOT_EXECUTOR_BY_BACKEND[name], or
 * 'host-float64' for a name not in the table. Throws a RangeError unless `backendName`
 * is a non-empty string.
 */
export function rootExecutorKindFor(backendName: string): RootExecutorKind {
  if (typeof backendName !== 'string' || backendName.length === 0) {
    throw new RangeError(`rootExecutorKindFor: backendName = ${JSON.stringify(backendName) ?? String(backendName)} is not allowed; allowed: a tfjs backend name such as 'cpu', 'wasm', 'webgpu'`);
  }
  return Object.prototype.hasOwnProperty.call(ROOT_EXECUTOR_BY_BACKEND, backendName) ? ROOT_EXECUTOR_BY_BACKEND[backendName] : 'host-float64';
}
