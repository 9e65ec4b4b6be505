/**
 * Placement: which executor computes the roots. `ShampooOptions.rootExecutor` is 'auto' (the
 * default), an executor kind, or any RootExecutor object:
 *
 *   'auto'            decided at the transform's init() from tf.getBackend() by the one rule
 *                     below, rootExecutorKindFor
 *   'host-float64'    hostRootExecutor(): one dataSync per root step, float64 roots on the host
 *   'device-float32'  deviceRootExecutor(): float32 iterations on the device, every task kind
 *   a RootExecutor    used as given
 *
 * The rule, by tfjs backend name:
 *   'host-float64'   where a synchronous readback is cheap because the tensors already live in
 *                    host memory: cpu (JS arrays), wasm (the WebAssembly heap), tfjs-node and
 *                    tfjs-node-gpu ('tensorflow': one copy through the binding);
 *   'device-float32' on GPU backends (webgpu, webgl), where dataSync stalls the GPU queue
 *                    (browsers) or fails outright (webgpu in Node has no OffscreenCanvas to
 *                    read through).
 * Any other backend name maps to 'host-float64': dataSync works on every tfjs backend except
 * webgpu outside a browser, and float64 roots are the more accurate choice.
 * (@shampoo-ts/backends reports the same fact as `cheapSyncReadback`.)
 *
 * 'auto' decides at init() rather than at construction so that an optimizer built before
 * the backend is chosen (a module-level constant, an optimizer rebuilt from model.json)
 * still follows the backend it trains on. If update() runs before any init() in this
 * process (a state restored from elsewhere), it decides at the first root step instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidParameter } from '../validate.js';
import { deviceRootExecutor, type DeviceRootExecutorOptions } from './device-executor.js';
import { hostRootExecutor, type HostRootExecutorOptions } from './host-executor.js';
import type { RootExecutor } from './root-executor.js';

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

/** What `ShampooOptions.rootExecutor` accepts. */
export type RootExecutorChoice = 'auto' | RootExecutorKind | RootExecutor;

/** Options of the executors 'auto' may build. */
export interface AutoRootExecutorOptions {
  /** Options of hostRootExecutor (used where the choice is 'host-float64'). */
  host?: HostRootExecutorOptions;
  /** Options of deviceRootExecutor (used where the choice is 'device-float32'). */
  device?: DeviceRootExecutorOptions;
  /** Jacobi sweeps per root step for full eigendecompositions on the device: deviceRootExecutor's eigenSweeps. */
  eigenSweeps?: number;
  /** The backend name to decide from. Default () => tf.getBackend(). */
  backendName?: () => string;
}

/** An 'auto' executor: a RootExecutor that also tells what it chose. */
export interface AutoRootExecutor extends RootExecutor {
  /** The kind chosen at the last prepare() (init), or null before the first. */
  readonly chosen: RootExecutorKind | null;
  /** Resolves when the chosen executor's status reads have arrived (device-status.ts); at once for the host. */
  whenReady(): Promise<void>;
}

/** The built-in executor of a kind (see the module comment). */
export function rootExecutorOfKind(kind: RootExecutorKind, options: AutoRootExecutorOptions = {}): RootExecutor {
  if (kind === 'host-float64') return hostRootExecutor(options.host);
  if (kind === 'device-float32') return deviceRootExecutor({ ...(options.eigenSweeps === undefined ? {} : { eigenSweeps: options.eigenSweeps }), ...options.device });
  return invalidParameter('rootExecutorOfKind', 'kind', kind, ROOT_EXECUTOR_KINDS.map((k) => `'${k}'`).join(' or '));
}

/**
 * The executor behind rootExecutor 'auto': on prepare() (called by the transform's init)
 * it picks rootExecutorKindFor(backendName()) and delegates to that kind's executor from
 * then on. Both executors are built (and their options validated) at construction, which
 * costs no tensors, and kept, so switching backends between inits does not rebuild them.
 * It accepts every task kind, since both choices run all of them.
 */
export function autoRootExecutor(options: AutoRootExecutorOptions = {}): AutoRootExecutor {
  const backendName = options.backendName ?? (() => tf.getBackend());
  if (typeof backendName !== 'function') invalidParameter('autoRootExecutor', 'backendName', backendName, 'a function () => string');
  const executors = new Map(ROOT_EXECUTOR_KINDS.map((kind) => [kind, rootExecutorOfKind(kind, options)] as const));
  let chosen: RootExecutorKind | null = null;
  let current: RootExecutor | null = null;
  const choose = (): RootExecutor => {
    chosen = rootExecutorKindFor(backendName());
    current = executors.get(chosen) as RootExecutor;
    return current;
  };
  return {
    get name() {
      return current === null ? 'auto' : `auto: ${current.name}`;
    },
    get delay() {
      return current?.delay ?? 0;
    },
    kinds: ['inverse-root', 'eigen', 'eigen-qr'],
    get chosen() {
      return chosen;
    },
    get lastTimings() {
      return current?.lastTimings;
    },
    prepare() {
      choose();
    },
    async whenReady() {
      await (current as { whenReady?: () => Promise<void> } | null)?.whenReady?.();
    },
    submit(step, requests) {
      (current ?? choose()).submit(step, requests);
    },
    collect(step) {
      return current === null ? [] : current.collect(step);
    },
  };
}

/** Throws a RangeError naming `owner`, 'rootExecutor' and the value unless it is a RootExecutorChoice. */
export function checkRootExecutorChoice(owner: string, choice: unknown): asserts choice is RootExecutorChoice {
  if (choice === 'auto' || (ROOT_EXECUTOR_KINDS as readonly unknown[]).includes(choice)) return;
  const e = choice as Partial<RootExecutor> | null;
  if (e !== null && typeof e === 'object' && typeof e.submit === 'function' && typeof e.collect === 'function') return;
  invalidParameter(owner, 'rootExecutor', choice, "a RootExecutor { name, delay, kinds, submit, collect }, or 'auto', 'host-float64', 'device-float32'");
}

/** The executor for a choice (undefined means 'auto'); see the module comment. */
export function resolveRootExecutor(choice: RootExecutorChoice | undefined, owner = 'resolveRootExecutor'): RootExecutor {
  const c = choice ?? 'auto';
  checkRootExecutorChoice(owner, c);
  if (c === 'auto') return autoRootExecutor();
  if (typeof c === 'string') return rootExecutorOfKind(c);
  return c;
}
