/**
 * The device executor's Newton and QR part (device-executor.ts adds full eigendecompositions,
 * device-eigen.ts), for GPU backends where a synchronous readback is slow or impossible
 * (webgpu in Node). Everything stays on the device:
 *   A = F / bc (unpacked by a gather), A <- A / max(trace(A), eps)^tau when trace scaling is on;
 *   'inverse-root' with the perturbation, every method: X = coupled Newton for
 *     (A + eps I)^(-1/r) (@shampoo-ts/linalg newtonInverseRootTensor) with the host's damping
 *     eps, relative epsilons and the float32 floor max(., c 2^-23 ||A||_F) included
 *     (device-damping.ts): the function the host's 'eigen', 'newton' and 'higher-order'
 *     methods compute (perturbBeforeComputation only changes how the host shifts a negative
 *     lambda_min, below the floor). min(maxIterations, spec.solver.newton.maxIterations)
 *     steps, Newton tolerance spec.solver.newton.tolerance unless `tolerance` is given;
 *     accepted where the measured residual max|A_r X^r - I| is finite and <=
 *     residualTolerance, else the previous root is kept (tf.where on a device scalar). The
 *     pseudo-inverse needs an eigendecomposition: device-eigen.ts solves it;
 *   'eigen-qr': qrSteps warm-started QR steps (qrIterationStepTensor), accepted where the
 *     result is finite.
 * The accept/keep decision is made on the device, so results come back with status
 * 'unchecked'. Their statuses, under the host's contract ('non-finite-factor',
 * 'non-finite-root', 'failed', 'ok'), follow one step later through an asynchronous read of
 * one code per task (device-status.ts). Newton needs an integer r = 1/exponent.
 */
import * as tf from '@tensorflow/tfjs-core';
import { newtonInverseRootTensor, qrIterationStepTensor } from '@shampoo-ts/linalg';
import { unpackSymmetricTensor } from '../packing.js';
import { rootOrder, type RootStatus } from '../root-task.js';
import { NEWTON_DEFAULTS } from '../root-solver.js';
import { checkWith, invalidParameter } from '../validate.js';
import { dampingFloorNotice } from '../damping-floor.js';
import { delayLine } from './delay-line.js';
import { deviceDamping, requestedEpsilon } from './device-damping.js';
import { allFiniteTensor, deviceStatusBook, deviceStatusCode, type LateStatus } from './device-status.js';
import type { RootExecutor, RootExecutorTimings, RootRequest, RootResult } from './root-executor.js';

/** Options of the device executor's Newton and QR part. */
export interface DeviceNewtonOptions {
  /** Newton steps at most (all run: stopping early would need a readback); the spec's newton.maxIterations caps it too. Default 40. */
  maxIterations?: number;
  /** Newton's own stopping tolerance on max|M - I|. Default: the spec's newton.tolerance (1e-6). */
  tolerance?: number;
  /** A root is accepted when its measured float32 residual is <= this. Default 0.1. */
  residualTolerance?: number;
  /** How statuses whose read has not arrived are reported (device-status.ts): 'defer' (default) or 'read'. */
  lateStatus?: LateStatus;
}

/** Checks a lateStatus option. */
export function checkLateStatus(owner: string, value: unknown): LateStatus {
  if (value !== 'defer' && value !== 'read') invalidParameter(owner, 'lateStatus', value, "'defer' or 'read'");
  return value;
}

/** The scaled factor A of a request, on the device: F / bc (unpacked), then A / trace(A)^tau when tau > 0. */
export function deviceMatrix(r: RootRequest): tf.Tensor2D {
  return tf.tidy(() => {
    const { n, packed, biasCorrection, traceScalingExponent } = r.spec;
    let a = packed ? unpackSymmetricTensor(r.factor, n) : tf.reshape(r.factor, [n, n]);
    if (biasCorrection !== 1) a = tf.div(a, biasCorrection);
    if (traceScalingExponent > 0) {
      const trace = tf.maximum(tf.sum(tf.mul(a, tf.eye(n))), r.spec.epsilon);
      a = tf.where(tf.greater(trace, 0), tf.div(a, tf.pow(trace, traceScalingExponent)), a);
    }
    return a as tf.Tensor2D;
  });
}

/** A device executor: a RootExecutor whose statuses arrive one step late (device-status.ts). */
export interface DeviceRootExecutor extends RootExecutor {
  /** Resolves when every status read in flight has arrived (await it between steps to avoid fallback reads). */
  whenReady(): Promise<void>;
  /** Status reads that had not arrived when due and were read synchronously. */
  readonly fallbackReads: number;
}

/**
 * Float32 'inverse-root' and 'eigen-qr' tasks on the device, no readback of roots (see the
 * module comment); `owner` names it in error messages.
 */
export function deviceNewtonExecutor(owner: string, options: DeviceNewtonOptions = {}): DeviceRootExecutor {
  const maxIterations = checkWith(owner, 'maxIterations', options.maxIterations ?? 40, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  const tolerance = options.tolerance === undefined ? undefined : checkWith(owner, 'tolerance', options.tolerance, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
  const residualTolerance = checkWith(owner, 'residualTolerance', options.residualTolerance ?? 0.1, (v) => v > 0, 'a number > 0');
  const pending = delayLine<RootResult[]>(0, releaseResults);
  const book = deviceStatusBook(checkLateStatus(owner, options.lateStatus ?? 'defer'));
  const timings: RootExecutorTimings = { readMs: 0, computeMs: 0, uploadMs: 0, tasks: 0 };
  /** One request: its result (selected on the device) and its status code (device-status.ts). */
  const one = (r: RootRequest): { result: RootResult; code: tf.Scalar; notice?: string } => {
    const { key, kind, exponent } = r.spec;
    if (kind === 'inverse-root') {
      const p = rootOrder(exponent);
      if (!Number.isInteger(p)) {
        throw new RangeError(`${owner}: factor '${key}' needs root r = 1/exponent = ${p}; allowed: an integer (coupled Newton), or use hostRootExecutor`);
      }
      if (r.spec.rankDeficiency === 'pseudo-inverse') {
        throw new RangeError(`${owner}: factor '${key}' asks for the pseudo-inverse; allowed here: rankDeficiency 'perturbation' (deviceRootExecutor() solves the pseudo-inverse by Jacobi)`);
      }
      const newton = { ...NEWTON_DEFAULTS, ...r.spec.solver?.newton };
      const [root, code] = tf.tidy(() => {
        const a = deviceMatrix(r);
        const damping = deviceDamping(r.spec, a);
        const damped = tf.add(a, tf.mul(tf.eye(r.spec.n), damping.epsilon)) as tf.Tensor2D;
        const res = newtonInverseRootTensor(damped, { root: p, epsilon: 0, maxIterations: Math.min(maxIterations, newton.maxIterations), tolerance: tolerance ?? newton.tolerance });
        const ok = tf.lessEqual(res.residual, residualTolerance); // false for NaN
        return [tf.where(ok, res.root, r.previous), deviceStatusCode(allFiniteTensor(a), allFiniteTensor(res.root), ok, damping.floored)];
      });
      return { result: { key, status: 'unchecked', root }, code: code as tf.Scalar, notice: dampingFloorNotice(requestedEpsilon(r.spec), r.spec.dampingFloor ?? 0) };
    }
    if (kind === 'eigen-qr') {
      const [vectors, code] = tf.tidy(() => {
        const a = deviceMatrix(r);
        let q = r.previous as tf.Tensor2D;
        for (let s = 0; s < r.spec.qrSteps; s++) q = qrIterationStepTensor(a, q).vectors;
        const finite = allFiniteTensor(q);
        return [tf.where(finite, q, r.previous), deviceStatusCode(allFiniteTensor(a), finite, finite)];
      });
      return { result: { key, status: 'unchecked', vectors }, code: code as tf.Scalar };
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
    get fallbackReads() {
      return book.fallbackReads;
    },
    whenReady: () => book.whenReady(),
    submit(step, requests) {
      const t0 = performance.now();
      const done = requests.map(one);
      const results = done.map((d) => d.result);
      if (done.length > 0) {
        const codes = tf.stack(done.map((d) => d.code));
        tf.dispose(done.map((d) => d.code));
        book.record(step, requests.map((r) => r.spec.key), codes, describeDeviceStatus, done.map((d) => d.notice));
      }
      Object.assign(timings, { readMs: 0, computeMs: performance.now() - t0, uploadMs: 0, tasks: requests.length });
      pending.put(step, results);
    },
    collect(step) {
      const due = pending.due(step) ?? [];
      pending.done(step);
      return book.attach(step, due);
    },
  };
}

/** Disposes the tensors of results that will not be handed over. */
export function releaseResults(results: readonly RootResult[]): void {
  tf.dispose(results.flatMap((s) => [s.root, s.values, s.vectors]).filter((t): t is tf.Tensor => t !== undefined));
}

/** The message of a device status that is not 'ok' (the host's wording). */
export function describeDeviceStatus(key: string, status: RootStatus): string {
  if (status === 'non-finite-factor') return `factor '${key}' contains NaN or Inf`;
  if (status === 'non-finite-root') return `the root of '${key}' contains NaN or Inf`;
  return `the device solver did not reach its residual tolerance for '${key}'; the previous root was kept`;
}
