/**
 * Wrapping an executor without losing any of it. A wrapper (timing, logging, adding task
 * kinds) starts from `forwardRootExecutor(inner, overrides)`: every member of the
 * RootExecutor contract is read from `inner` at the time it is used (name, delay, kinds,
 * lastTimings, prepare, submit, collect, and the optional whenReady and fallbackReads that
 * training loops await and read), except those `overrides` defines; getters in `overrides`
 * stay getters. So a wrapped 'auto' executor still chooses at init() (prepare), and a
 * wrapped device or async executor can still be awaited between steps.
 */
import type { RootExecutor } from './root-executor.js';

/** What a forwarded executor has besides the RootExecutor contract. */
export interface ForwardedRootExecutor extends RootExecutor {
  /** inner.whenReady() where inner has it; resolves at once otherwise. */
  whenReady(): Promise<void>;
  /** inner.fallbackReads where inner counts them; 0 otherwise. */
  readonly fallbackReads: number;
}

/** `inner` with `overrides` put over it (see the module comment). */
export function forwardRootExecutor<X extends object>(inner: RootExecutor, overrides: X & ThisType<ForwardedRootExecutor & X>): ForwardedRootExecutor & X {
  const optional = inner as Partial<ForwardedRootExecutor>;
  const forwarded: ForwardedRootExecutor = {
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
    get fallbackReads() {
      return optional.fallbackReads ?? 0;
    },
    prepare() {
      inner.prepare?.();
    },
    async whenReady() {
      await optional.whenReady?.();
    },
    submit(step, requests) {
      inner.submit(step, requests);
    },
    collect(step) {
      return inner.collect(step);
    },
  };
  return Object.defineProperties(forwarded, Object.getOwnPropertyDescriptors(overrides)) as ForwardedRootExecutor & X;
}
