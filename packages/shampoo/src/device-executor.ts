/**
 * The on-device float32 root executor, for GPU backends where a synchronous readback is
 * slow or impossible (webgpu in Node). Everything stays on the device:
 *   A = F / bc (unpacked by a gather), A <- A / trace(A)^tau when trace scaling is on;
 *   'inverse-root': X = coupled Newton for (A + eps I)^(-1/r) (@shampoo-ts/linalg
 *     newtonInverseRootTensor), accepted where the measured residual max|A_r X^r - I| is
 *     finite and <= residualTolerance, else the previous root is kept (tf.where on a
 *     device scalar);
 *   'eigen-qr': qrSteps warm-started QR steps (qrIterationStepTensor), accepted where the
 *     result is finite.
 * The accept/keep decision is made on the device, so results come back with status
 * 'unchecked' and the transform does not count failures (see docs/algorithms.md). Newton
 * needs an integer r = 1/exponent; full eigendecompositions ('eigen') have no tfjs kernel:
 * withDeviceEigen (device-eigen.ts) adds them, by Jacobi on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import { newtonInverseRootTensor, qrIterationStepTensor } from '@shampoo-ts/linalg';
import { unpackSymmetricTensor } from './packing.js';
import type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';
import { rootOrder } from './root-task.js';
import { checkWith } from './validate.js';

/** Options of the device executor. */
export interface DeviceRootExecutorOptions {
  /** Newton steps (all run: stopping early would need a readback). Default 40. */
  maxIterations?: number;
  /** Newton's own stopping tolerance on max|M - I|. Default 1e-6. */
  tolerance?: number;
  /** A root is accepted when its measured float32 residual is <= this. Default 0.1. */
  residualTolerance?: number;
}

/** The scaled factor A of a request, on the device: F / bc (unpacked), then A / trace(A)^tau when tau > 0. */
export function deviceMatrix(r: RootRequest): tf.Tensor2D {
  return tf.tidy(() => {
    const { n, packed, biasCorrection, traceScalingExponent } = r.spec;
    let a = packed ? unpackSymmetricTensor(r.factor, n) : tf.reshape(r.factor, [n, n]);
    if (biasCorrection !== 1) a = tf.div(a, biasCorrection);
    if (traceScalingExponent > 0) {
      const trace = tf.sum(tf.mul(a, tf.eye(n)));
      a = tf.where(tf.greater(trace, 0), tf.div(a, tf.pow(trace, traceScalingExponent)), a);
    }
    return a as tf.Tensor2D;
  });
}

/** Float32 root computation on the device, no readback (see the module comment). */
export function deviceRootExecutor(options: DeviceRootExecutorOptions = {}): RootExecutor {
  const owner = 'deviceRootExecutor';
  const maxIterations = checkWith(owner, 'maxIterations', options.maxIterations ?? 40, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  const tolerance = checkWith(owner, 'tolerance', options.tolerance ?? 1e-6, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  const residualTolerance = checkWith(owner, 'residualTolerance', options.residualTolerance ?? 0.1, (v) => v > 0, 'a number > 0');
  const pending = new Map<number, RootResult[]>();
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  const one = (r: RootRequest): RootResult => {
    const { key, kind, exponent, epsilon } = r.spec;
    if (kind === 'inverse-root') {
      const p = rootOrder(exponent);
      if (!Number.isInteger(p)) {
        throw new RangeError(`${owner}: factor '${key}' needs root r = 1/exponent = ${p}; allowed: an integer (coupled Newton), or use hostRootExecutor`);
      }
      const root = tf.tidy(() => {
        const res = newtonInverseRootTensor(deviceMatrix(r), { root: p, epsilon, maxIterations, tolerance });
        const ok = tf.lessEqual(res.residual, residualTolerance); // false for NaN
        return tf.where(ok, res.root, r.previous);
      });
      return { key, status: 'unchecked', root };
    }
    if (kind === 'eigen-qr') {
      const vectors = tf.tidy(() => {
        const a = deviceMatrix(r);
        let q = r.previous as tf.Tensor2D;
        for (let s = 0; s < r.spec.qrSteps; s++) q = qrIterationStepTensor(a, q).vectors;
        const finite = tf.all(tf.isFinite(q));
        return tf.where(finite, q, r.previous);
      });
      return { key, status: 'unchecked', vectors };
    }
    throw new RangeError(`${owner}: task kind '${kind}' of factor '${key}' is not supported on the device; allowed: 'inverse-root', 'eigen-qr'`);
  };
  return {
    name: 'device-float32',
    delay: 0,
    kinds: ['inverse-root', 'eigen-qr'],
    get lastTimings() {
      return { ...timings };
    },
    submit(step, requests) {
      const t0 = performance.now();
      const results = requests.map(one);
      Object.assign(timings, { readMs: 0, computeMs: performance.now() - t0, uploadMs: 0, tasks: requests.length });
      const stale = pending.get(step);
      if (stale) for (const s of stale) tf.dispose([s.root, s.vectors].filter((t): t is tf.Tensor => t !== undefined));
      pending.set(step, results);
    },
    collect(step) {
      const due = pending.get(step) ?? [];
      pending.delete(step);
      return due;
    },
  };
}
