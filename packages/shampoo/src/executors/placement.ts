/**
 * Placement: which executor computes the roots. `ShampooOptions.rootExecutor` is 'auto' (the
 * default), an executor kind, or any RootExecutor object:
 *
 *   'auto'            decided at the transform's init() from tf.getBackend() by the one rule
 *                     below, rootPlacementFor
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

/**
 * Where the root computation runs: the two built-in executors. (A placement, not a task kind:
 * `RootExecutor.kinds` are the task kinds an executor runs, RootTaskKind.)
 */
export type RootPlacement = 'host-float64' | 'device-float32';

/** Every RootPlacement. */
export const ROOT_PLACEMENTS: readonly RootPlacement[] = Object.freeze(['host-float64', 'device-float32'] as const);

/** The table above, by tfjs backend name (`tf.getBackend()`). */
export const ROOT_PLACEMENT_BY_BACKEND: Readonly<Record<string, RootPlacement>> = Object.freeze({
  cpu: 'host-float64',
  wasm: 'host-float64',
  tensorflow: 'host-float64',
  webgpu: 'device-float32',
  webgl: 'device-float32',
});

/**
 * The placement for a tfjs backend name: ROOT_PLACEMENT_BY_BACKEND[name], or 'host-float64'
 * for a name not in the table. Throws a RangeError naming `owner` unless `backendName` is a
 * non-empty string.
 */
export function placementFor(owner: string, backendName: string): RootPlacement {
  if (typeof backendName !== 'string' || backendName.length === 0) {
    throw new RangeError(`${owner}: backendName = ${JSON.stringify(backendName) ?? String(backendName)} is not allowed; allowed: a tfjs backend name such as 'cpu', 'wasm', 'webgpu'`);
  }
  return Object.prototype.hasOwnProperty.call(ROOT_PLACEMENT_BY_BACKEND, backendName) ? ROOT_PLACEMENT_BY_BACKEND[backendName] : 'host-float64';
}

/** The one placement rule: where rootExecutor 'auto' computes the roots on the tfjs backend `backendName` (see the module comment). */
export function rootPlacementFor(backendName: string): RootPlacement {
  return placementFor('rootPlacementFor', backendName);
}

/** What `ShampooOptions.rootExecutor` accepts. */
export type RootExecutorChoice = 'auto' | RootPlacement | RootExecutor;

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
  /** The placement chosen at the last prepare() (init), or null before the first. */
  readonly chosen: RootPlacement | null;
  /** Resolves when the chosen executor's status reads have arrived (device-status.ts); at once for the host. */
  whenReady(): Promise<void>;
}

/** The built-in executor of a placement (see the module comment). */
export function rootExecutorAt(placement: RootPlacement, options: AutoRootExecutorOptions = {}): RootExecutor {
  if (placement === 'host-float64') return hostRootExecutor(options.host);
  if (placement === 'device-float32') return deviceRootExecutor({ ...(options.eigenSweeps === undefined ? {} : { eigenSweeps: options.eigenSweeps }), ...options.device });
  return invalidParameter('rootExecutorAt', 'placement', placement, ROOT_PLACEMENTS.map((k) => `'${k}'`).join(' or '));
}

/**
 * The executor behind rootExecutor 'auto': on prepare() (called by the transform's init)
 * it picks rootPlacementFor(backendName()) and delegates to that placement's executor from
 * then on. Both executors are built (and their options validated) at construction, which
 * costs no tensors, and kept, so switching backends between inits does not rebuild them.
 * It accepts every task kind, since both choices run all of them.
 */
export function autoRootExecutor(options: AutoRootExecutorOptions = {}): AutoRootExecutor {
  const backendName = options.backendName ?? (() => tf.getBackend());
  if (typeof backendName !== 'function') invalidParameter('autoRootExecutor', 'backendName', backendName, 'a function () => string');
  const executors = new Map(ROOT_PLACEMENTS.map((placement) => [placement, rootExecutorAt(placement, options)] as const));
  let chosen: RootPlacement | null = null;
  let current: RootExecutor | null = null;
  const choose = (): RootExecutor => {
    chosen = rootPlacementFor(backendName());
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
  if (choice === 'auto' || (ROOT_PLACEMENTS as readonly unknown[]).includes(choice)) return;
  const e = choice as Partial<RootExecutor> | null;
  if (e !== null && typeof e === 'object' && typeof e.submit === 'function' && typeof e.collect === 'function') return;
  invalidParameter(owner, 'rootExecutor', choice, "a RootExecutor { name, delay, kinds, submit, collect }, or 'auto', 'host-float64', 'device-float32'");
}

/** The executor for a choice (undefined means 'auto'); see the module comment. */
export function resolveRootExecutor(choice: RootExecutorChoice | undefined, owner = 'resolveRootExecutor'): RootExecutor {
  const c = choice ?? 'auto';
  checkRootExecutorChoice(owner, c);
  if (c === 'auto') return autoRootExecutor();
  if (typeof c === 'string') return rootExecutorAt(c);
  return c;
}
