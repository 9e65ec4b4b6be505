/**
 * The device executor: float32 roots on the device, for GPU backends where a synchronous
 * readback is slow or impossible (webgpu in Node, browsers). It runs every task kind:
 *   'inverse-root'  coupled Newton, accepted on the device by its measured residual (device-roots.ts);
 *   'eigen-qr'      warm-started QR steps (device-roots.ts);
 *   'eigen'         cyclic Jacobi, warm-started from the previous eigenbasis (device-eigen.ts),
 *                   `eigenSweeps` sweeps per root step (default defaultDeviceEigenSweeps(n)).
 * Nothing is read back: results come back 'unchecked', their statuses one step later
 * (device-status.ts). delay 0.
 */
import { checkKnownOptions } from '@shampoo-ts/core/authoring';
import { checkWith } from '../validate.js';
import { addDeviceEigen } from './device-eigen.js';
import { deviceNewtonExecutor, type DeviceNewtonOptions, type DeviceRootExecutor } from './device-roots.js';

/** Options of the device executor. */
export interface DeviceRootExecutorOptions extends DeviceNewtonOptions {
  /** Jacobi sweeps per root step for full eigendecompositions (integer >= 1). Default defaultDeviceEigenSweeps(n) for each factor size n. */
  eigenSweeps?: number;
}

const OWNER = 'deviceRootExecutor';

/** Float32 roots and eigendecompositions on the device, no readback of roots (see the module comment). */
export function deviceRootExecutor(options: DeviceRootExecutorOptions = {}): DeviceRootExecutor {
  checkKnownOptions(OWNER, options, ['maxIterations', 'tolerance', 'residualTolerance', 'lateStatus', 'eigenSweeps']);
  const { eigenSweeps, ...newton } = options;
  const sweeps = eigenSweeps === undefined ? undefined : checkWith(OWNER, 'eigenSweeps', eigenSweeps, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  return addDeviceEigen(OWNER, deviceNewtonExecutor(OWNER, newton), { sweeps, lateStatus: newton.lateStatus });
}
