/**
 * Statuses for the device executors, under the host executor's contract (root-results.ts):
 * a NaN/Inf in the factor is 'non-finite-factor', a NaN/Inf in the computed root or
 * eigenbasis is 'non-finite-root' (both make the transform throw), a finite result the
 * device rejected (residual above its tolerance) is 'failed' (warned and counted), else 'ok'.
 *
 * The device decides which root to install without a readback (it keeps the previous one
 * where the new one is rejected); only the status codes, one number per task, come back to
 * the host, through an asynchronous read started at the root step s. They are reported at
 * the first collect(t), t > s, after the read has arrived, so a step never waits on the GPU
 * queue: a result due at t for the same factor carries them as `earlier`, otherwise they
 * come back alone (no tensors; the transform then keeps the installed state). Awaiting
 * `whenReady()` between steps (model.fit awaits between batches anyway) makes that t = s + 1,
 * so failure counts do not depend on timing. With `lateStatus: 'read'` a read that has not
 * arrived at s + 1 is made synchronously instead (`fallbackReads` counts these; never on
 * webgpu in Node, where synchronous reads fail), which makes t = s + 1 in every loop. A code
 * tensor is kept until its read settles (one per root step whose read is in flight). A step
 * that threw and is run again (collect called again for the same step) gets the same late
 * statuses again, so it throws again as the host would.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RootResult } from './root-executor.js';
import type { RootStatus } from '../root-task.js';

/** Status codes computed on the device. */
export const DEVICE_STATUS_CODES: readonly RootStatus[] = ['ok', 'failed', 'non-finite-factor', 'non-finite-root'];

/** Added to a status code when the task carries a notice (the damping floor replaced epsilon). */
export const NOTICE_FLAG = 4;

/**
 * The status code of one task as a device scalar: 2 if the factor is not finite, else 3 if
 * the result is not finite, else 1 if it was not accepted, else 0 (indices into
 * DEVICE_STATUS_CODES), plus NOTICE_FLAG where `notice` (a boolean scalar) is true.
 */
export function deviceStatusCode(factorFinite: tf.Tensor, resultFinite: tf.Tensor, accepted: tf.Tensor, notice?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const code = tf.where(tf.logicalNot(factorFinite), tf.scalar(2), tf.where(tf.logicalNot(resultFinite), tf.scalar(3), tf.where(accepted, tf.scalar(0), tf.scalar(1))));
    return notice === undefined ? code : tf.add(code, tf.mul(tf.cast(notice, 'float32'), NOTICE_FLAG));
  });
}

/** True iff every entry of x is finite, as a device scalar. */
export function allFiniteTensor(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.all(tf.isFinite(x)));
}

/** The codes of one root step: `keys.length` numbers from `offset` of its batch. */
interface Segment {
  readonly step: number;
  readonly keys: readonly string[];
  readonly offset: number;
  readonly describe: (key: string, status: RootStatus) => string;
  /** Per key, the notice reported when its code carries NOTICE_FLAG. */
  readonly notices?: readonly (string | undefined)[];
}

/** Codes of one or more root steps in one kept tensor, read together. */
interface Batch {
  codes: tf.Tensor | null;
  readonly segments: Segment[];
  started: boolean;
  values: Float32Array | null;
  read: Promise<void>;
}

/** The deferred statuses of one device executor (see the module comment). */
export interface DeviceStatusBook {
  /**
   * Records the codes (one per key, a 1-D tensor this call takes over) of the root step `step`;
   * `notices[i]` is reported (RootResult.notice) where code i carries NOTICE_FLAG.
   */
  record(step: number, keys: readonly string[], codes: tf.Tensor, describe: (key: string, status: RootStatus) => string, notices?: readonly (string | undefined)[]): void;
  /** `results` due at `step`, with the statuses of earlier root steps attached or added. */
  attach(step: number, results: RootResult[]): RootResult[];
  /** Resolves when every code recorded so far has been read. */
  whenReady(): Promise<void>;
  readonly fallbackReads: number;
}

/** When a late status whose read has not arrived is reported (see the module comment). */
export type LateStatus = 'defer' | 'read';

/**
 * A new, empty book. Codes recorded while no read could start (a synchronous training loop)
 * are concatenated on the device into one queued batch, whose read starts as soon as the
 * loop yields (a microtask) or whenReady() is called: one kept tensor however many steps run.
 */
export function deviceStatusBook(lateStatus: LateStatus = 'defer'): DeviceStatusBook {
  const batches: Batch[] = [];
  let fallbackReads = 0;
  let redelivery: { step: number; earlier: Map<string, RootResult[]> } | null = null;
  const release = (b: Batch) => {
    if (b.codes !== null) {
      b.codes.dispose();
      b.codes = null;
    }
  };
  const start = (b: Batch) => {
    if (b.started) return;
    b.started = true;
    const codes = b.codes!;
    b.read = codes.data().then(
      (v) => {
        b.values ??= Float32Array.from(v as Float32Array);
        release(b);
      },
      () => undefined, // reported by a synchronous read, or the status stays unreported
    );
  };
  return {
    record(step, keys, codes, describe, notices) {
      const last = batches[batches.length - 1];
      if (last !== undefined && !last.started) {
        const merged = tf.keep(tf.concat([last.codes!, codes]));
        last.segments.push({ step, keys, offset: last.codes!.size, describe, notices });
        last.codes!.dispose();
        codes.dispose();
        last.codes = merged;
        return;
      }
      const b: Batch = { codes: tf.keep(codes), segments: [{ step, keys, offset: 0, describe, notices }], started: false, values: null, read: Promise.resolve() };
      batches.push(b);
      queueMicrotask(() => start(b));
    },
    attach(step, results) {
      if (lateStatus === 'read') {
        for (const b of batches) {
          if (b.values === null && b.segments.some((g) => g.step < step)) {
            fallbackReads++;
            b.values = Float32Array.from(b.codes!.dataSync() as Float32Array);
            start(b); // releases the tensor once its (now cached) read settles
          }
        }
      }
      // A step retried after it threw (collect called again for the same step) gets the same late statuses.
      if (redelivery !== null && redelivery.step !== step) redelivery = null;
      const earlier = new Map<string, RootResult[]>(redelivery?.earlier ?? []);
      // In submission order: the segments before `step` of the batches that have arrived.
      while (batches.length > 0 && batches[0].values !== null) {
        const b = batches[0];
        while (b.segments.length > 0 && b.segments[0].step < step) {
          const g = b.segments.shift()!;
          g.keys.forEach((key, i) => {
            const code = b.values![g.offset + i];
            const status = DEVICE_STATUS_CODES[code % NOTICE_FLAG] ?? 'failed';
            const notice = code >= NOTICE_FLAG ? g.notices?.[i] : undefined;
            const r: RootResult = {
              key,
              status,
              ...(status === 'ok' ? {} : { message: `${g.describe(key, status)} (root step ${g.step}, reported at step ${step})` }),
              ...(notice === undefined ? {} : { notice }),
            };
            earlier.set(key, [...(earlier.get(key) ?? []), r]);
          });
        }
        if (b.segments.length > 0) break;
        batches.shift();
      }
      if (earlier.size === 0) return results;
      redelivery = { step, earlier: new Map(earlier) };
      const out = results.map((r) => {
        const e = earlier.get(r.key);
        if (e === undefined) return r;
        earlier.delete(r.key);
        return { ...r, earlier: e };
      });
      const alone = [...earlier.values()].map((list) => (list.length === 1 ? list[0] : { ...list[list.length - 1], earlier: list.slice(0, -1) }));
      return [...out, ...alone];
    },
    async whenReady() {
      for (const b of batches) start(b);
      await Promise.all(batches.map((b) => b.read));
    },
    get fallbackReads() {
      return fallbackReads;
    },
  };
}
