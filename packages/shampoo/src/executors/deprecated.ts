/**
 * The executor names before executors/ had one host executor and one device executor. Each
 * is the new executor under its old name, kept for one release.
 */
import { checkKnownOptions } from '@shampoo-ts/core/authoring';
import { addDeviceEigen, type DeviceEigenOptions } from './device-eigen.js';
import type { DeviceRootExecutor } from './device-roots.js';
import { createHostRootExecutor, type HostRootExecutor } from './host-executor.js';
import { placementFor, type RootPlacement } from './placement.js';
import type { RootExecutor } from './root-executor.js';
import type { RootOutcome, RootTask } from '../root-task.js';
import { inlineRootRunner, isRootRunner, type RootRunner } from './runner.js';

/** @deprecated use HostRootExecutorOptions (`delay`) */
export interface RunnerExecutorOptions {
  /** Steps between reading the factors and installing the roots (default 0). */
  delay?: number;
}

/** @deprecated use `hostRootExecutor({ runner, delay })` */
export function runnerRootExecutor<J>(runner: RootRunner<J>, options: RunnerExecutorOptions = {}): HostRootExecutor {
  checkKnownOptions('runnerRootExecutor', options, ['delay']);
  if (!isRootRunner(runner)) {
    throw new TypeError(`runnerRootExecutor: runner = ${String(runner)} is not allowed; allowed: an object with start(tasks) and wait(job)`);
  }
  return createHostRootExecutor('runnerRootExecutor', { runner: runner as RootRunner, delay: options.delay });
}

/** @deprecated use `hostRootExecutor({ delay })` (the same roots; named 'host-float64' instead of 'inline') */
export function inlineRootExecutor(options: RunnerExecutorOptions = {}): HostRootExecutor {
  checkKnownOptions('inlineRootExecutor', options, ['delay']);
  return createHostRootExecutor('inlineRootExecutor', { runner: inlineRootRunner() as RootRunner, delay: options.delay });
}

/** @deprecated use HostRootExecutorOptions (`read: 'async'`, `delay`, `compute`) */
export interface AsyncHostRootExecutorOptions {
  /** Steps between reading the factors and installing the roots, >= 1 (default 1). */
  delay?: number;
  /** The pure function run on the tasks (default computeRoots). */
  compute?: (tasks: RootTask[]) => RootOutcome[];
}

/** @deprecated use HostRootExecutor */
export type AsyncHostRootExecutor = HostRootExecutor;

/** @deprecated use `hostRootExecutor({ read: 'async', delay })` */
export function asyncHostRootExecutor(options: AsyncHostRootExecutorOptions = {}): HostRootExecutor {
  checkKnownOptions('asyncHostRootExecutor', options, ['delay', 'compute']);
  return createHostRootExecutor('asyncHostRootExecutor', { ...options, read: 'async' });
}

/** @deprecated deviceRootExecutor() runs 'eigen' tasks itself (option `eigenSweeps`) */
export function withDeviceEigen(device: RootExecutor, options: DeviceEigenOptions = {}): DeviceRootExecutor {
  return addDeviceEigen('withDeviceEigen', device, options);
}

/** @deprecated use RootPlacement ("kind" is also what RootExecutor.kinds, the task kinds, means) */
export type RootExecutorKind = RootPlacement;

/** @deprecated use rootPlacementFor */
export function rootExecutorKindFor(backendName: string): RootPlacement {
  return placementFor('rootExecutorKindFor', backendName);
}
