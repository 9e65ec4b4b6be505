/**
 * Full eigendecompositions on GPU backends, where tfjs has no eigensolver kernel and a
 * readback to the host is slow or impossible: the documented fallback that lets the
 * eigendecomposed and eigenvalue-corrected ('eigh') variants run with the device executor.
 *
 * An 'eigen' request for A (= F / bc, trace-scaled) becomes `qrSteps` warm-started
 * QR-iteration steps on the device, started from the factor's current eigenvectors Q
 * (the identity before the first root step), exactly the 'eigen-qr' task SOAP uses:
 *   B = Q^T A Q,  (Q', R) = qr(B),  Q <- Q Q'         (qrSteps times, float32)
 * and the eigenvalues are the Rayleigh quotients of the new basis, perturbed as the host
 * executor perturbs exact eigenvalues:
 *   lambda_j = q_j^T A q_j,   lambda <- lambda - min(min_j lambda_j, 0) + epsilon.
 * This is orthogonal iteration: a pair of eigenvalues with ratio rho converges like
 * rho^k after k steps in total, and the warm start carries the k steps over from one root
 * step to the next, so the basis keeps converging while A drifts slowly. Close eigenvalues
 * converge slowly but matter little: X = Q diag(f(lambda)) Q^T mixes their eigenvectors
 * with weights that differ by f(lambda_i) - f(lambda_j). A non-finite basis keeps the
 * previous one (the device executor's rule) and non-finite eigenvalues become 1 (so that
 * factor is not preconditioned), all decided on the device without a readback.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deviceMatrix } from './device-executor.js';
import type { RootExecutor, RootRequest, RootResult } from './root-executor.js';
import { checkWith, invalidParameter } from './validate.js';

/** QR-iteration steps per root step for an 'eigen' request on the device, by default. */
export const DEFAULT_DEVICE_EIGEN_QR_STEPS = 8;

/** Options of withDeviceEigen. */
export interface DeviceEigenOptions {
  /** QR-iteration steps per root step (integer >= 1). Default DEFAULT_DEVICE_EIGEN_QR_STEPS. */
  qrSteps?: number;
}

/** Perturbed Rayleigh quotients diag(V^T A V) (see the module comment); 1 where not finite. */
function rayleighValues(r: RootRequest, vectors: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const a = deviceMatrix(r);
    const quotients = tf.sum(tf.mul(vectors, tf.matMul(a, vectors)), 0);
    const perturbed = tf.add(tf.sub(quotients, tf.minimum(tf.min(quotients), 0)), r.spec.epsilon);
    return tf.where(tf.all(tf.isFinite(perturbed)), perturbed, tf.onesLike(perturbed)) as tf.Tensor1D;
  });
}

/**
 * `device` (an executor with delay 0 that runs 'eigen-qr' tasks, such as
 * deviceRootExecutor()) extended with 'eigen' tasks computed as described above.
 * Other requests go to `device` unchanged.
 */
export function withDeviceEigen(device: RootExecutor, options: DeviceEigenOptions = {}): RootExecutor {
  const owner = 'withDeviceEigen';
  const qrSteps = checkWith(owner, 'qrSteps', options.qrSteps ?? DEFAULT_DEVICE_EIGEN_QR_STEPS, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  if (device === null || typeof device !== 'object' || !device.kinds.includes('eigen-qr')) {
    invalidParameter(owner, 'device', device?.name ?? device, "an executor that runs 'eigen-qr' tasks, such as deviceRootExecutor()");
  }
  if (device.delay !== 0) invalidParameter(owner, 'device.delay', device.delay, '0 (the eigenvalues are computed from the request tensors, which live only during submit)');
  const pending = new Map<number, RootResult[]>();
  const release = (results: readonly RootResult[]) =>
    tf.dispose(results.flatMap((s) => [s.root, s.values, s.vectors]).filter((t): t is tf.Tensor => t !== undefined));
  return {
    name: `${device.name} (eigen by ${qrSteps} QR steps)`,
    delay: 0,
    kinds: [...new Set([...device.kinds, 'eigen' as const])],
    get lastTimings() {
      return device.lastTimings;
    },
    submit(step, requests) {
      const eigen = new Map<string, RootRequest>();
      const forwarded = requests.map((r): RootRequest => {
        if (r.spec.kind !== 'eigen') return r;
        eigen.set(r.spec.key, r);
        return { ...r, spec: { ...r.spec, kind: 'eigen-qr', qrSteps, tolerance: 0 } };
      });
      device.submit(step, forwarded);
      const results = device.collect(step).map((res): RootResult => {
        const r = eigen.get(res.key);
        return r === undefined || res.vectors === undefined ? res : { ...res, values: rayleighValues(r, res.vectors) };
      });
      const stale = pending.get(step);
      if (stale) release(stale);
      pending.set(step, results);
    },
    collect(step) {
      const due = pending.get(step) ?? [];
      pending.delete(step);
      return due;
    },
  };
}
