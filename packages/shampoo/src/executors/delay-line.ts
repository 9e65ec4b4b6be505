/**
 * "Install exactly `delay` steps later", in one place: submissions kept by the step of their
 * factors t, each due at collect(t + delay) and at no other step.
 *
 *   put(t, s)    keeps s for step t (a repeated submission for t replaces, and drops, the earlier one);
 *   due(t)       the submission of step t - delay, after dropping every older one (never due again);
 *   done(t)      forgets the submission of step t - delay once its results are handed over.
 * Dropping calls `drop(s)` once per submission, so an executor can release what it holds.
 */

/** Submissions waiting for their step (see the module comment). */
export interface DelayLine<S> {
  readonly delay: number;
  /** Submissions kept (not yet handed over or dropped). */
  readonly size: number;
  /** Keeps `submission` for `step` (replacing, and dropping, an earlier one for the same step). */
  put(step: number, submission: S): void;
  /** The submission of step `step − delay`, after dropping every older one. */
  due(step: number): S | undefined;
  /** Forgets the submission of step `step − delay` once its results are handed over. */
  done(step: number): void;
  /** Every submission kept, oldest first. */
  pending(): S[];
  /** Drops every submission kept. */
  clear(): void;
}

/** An empty delay line; `drop` is called on every submission replaced, outdated or cleared. */
export function delayLine<S>(delay: number, drop: (submission: S) => void = () => undefined): DelayLine<S> {
  const kept = new Map<number, S>();
  return {
    delay,
    get size() {
      return kept.size;
    },
    put(step, submission) {
      const old = kept.get(step);
      if (old !== undefined) drop(old);
      kept.set(step, submission);
    },
    due(step) {
      const from = step - delay;
      for (const [s, submission] of kept) {
        if (s < from) {
          kept.delete(s);
          drop(submission);
        }
      }
      return kept.get(from);
    },
    done(step) {
      kept.delete(step - delay);
    },
    pending: () => [...kept.entries()].sort(([a], [b]) => a - b).map(([, s]) => s),
    clear() {
      const all = [...kept.values()];
      kept.clear();
      all.forEach(drop);
    },
  };
}
