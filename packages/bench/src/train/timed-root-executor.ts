/**
 * A root executor that forwards to another (forwardRootExecutor: name, delay, kinds, prepare,
 * whenReady, ...) and adds up the wall time spent in it (reading the factors, computing the
 * roots, uploading them): the cost a root step adds.
 */
import { forwardRootExecutor, type ForwardedRootExecutor } from '@shampoo-ts/shampoo';
import type { RootExecutor, RootRequest } from '@shampoo-ts/shampoo';

export interface TimedRootExecutor extends ForwardedRootExecutor {
  /** Milliseconds spent in submit + collect since creation or the last reset. */
  readonly totalMs: number;
  /** Root steps (submissions) since creation or the last reset. */
  readonly submissions: number;
  reset(): void;
}

export function timedRootExecutor(inner: RootExecutor): TimedRootExecutor {
  let totalMs = 0;
  let submissions = 0;
  return forwardRootExecutor(inner, {
    get totalMs() {
      return totalMs;
    },
    get submissions() {
      return submissions;
    },
    reset() {
      totalMs = 0;
      submissions = 0;
    },
    submit(step: number, requests: readonly RootRequest[]) {
      const t = performance.now();
      try {
        inner.submit(step, requests);
      } finally {
        totalMs += performance.now() - t;
        submissions++;
      }
    },
    collect(step: number) {
      const t = performance.now();
      try {
        return inner.collect(step);
      } finally {
        totalMs += performance.now() - t;
      }
    },
  });
}
