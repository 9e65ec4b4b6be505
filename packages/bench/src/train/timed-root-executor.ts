/**
 * A root executor that forwards to another and adds up the wall time spent in it
 * (reading the factors, computing the roots, uploading them): the cost a root step adds.
 */
import type { RootExecutor } from '@shampoo-ts/shampoo';

export interface TimedRootExecutor extends RootExecutor {
  /** Milliseconds spent in submit + collect since creation or the last reset. */
  readonly totalMs: number;
  /** Root steps (submissions) since creation or the last reset. */
  readonly submissions: number;
  reset(): void;
}

export function timedRootExecutor(inner: RootExecutor): TimedRootExecutor {
  let totalMs = 0;
  let submissions = 0;
  return {
    get name() {
      return inner.name;
    },
    get delay() {
      return inner.delay;
    },
    get kinds() {
      return inner.kinds;
    },
    get lastTimings() {
      return inner.lastTimings;
    },
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
    submit(step, requests) {
      const t = performance.now();
      try {
        inner.submit(step, requests);
      } finally {
        totalMs += performance.now() - t;
        submissions++;
      }
    },
    collect(step) {
      const t = performance.now();
      try {
        return inner.collect(step);
      } finally {
        totalMs += performance.now() - t;
      }
    },
  };
}
