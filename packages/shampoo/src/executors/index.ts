/**
 * Root execution, the public names: one host executor, one device executor, one placement
 * rule, one forwarding helper, and the interface they share. (The package's entry point
 * re-exports these; the parts an executor is assembled from are in @shampoo-ts/shampoo/engine.)
 */
export type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';
export { hostRootExecutor, type HostRead, type HostRootExecutor, type HostRootExecutorOptions } from './host-executor.js';
export { deviceRootExecutor, type DeviceRootExecutorOptions } from './device-executor.js';
export type { DeviceNewtonOptions, DeviceRootExecutor } from './device-roots.js';
export type { DeviceEigenOptions } from './device-eigen.js';
export type { LateStatus } from './device-status.js';
export {
  autoRootExecutor,
  rootPlacementFor,
  type AutoRootExecutor,
  type AutoRootExecutorOptions,
  type RootExecutorChoice,
  type RootPlacement,
} from './placement.js';
export { forwardRootExecutor, type ForwardedRootExecutor } from './forward.js';
export { inlineRootRunner, type RootRunner } from './runner.js';
export { readRootTasks, uploadRootOutcomes } from './root-transfer.js';
