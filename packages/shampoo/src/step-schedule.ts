/**
 * When things happen (algorithm.md section 3, step 2), with steps counted from 1:
 * - the roots are recomputed at `step == start`, and at every `step > start` with
 *   `step % preconditionFrequency == 0`;
 * - the grafting method alone is used while `step < start` (when grafting is set).
 * start may be Infinity: never precondition.
 */

/** True when the roots are recomputed on this step. */
export function isRootStep(step: number, start: number, preconditionFrequency: number): boolean {
  return step === start || (step > start && step % preconditionFrequency === 0);
}

/** Bias correction of an EMA with factor beta after `step` updates: 1 - beta^step (1 when off or beta = 1). */
export function emaBiasCorrection(beta: number, step: number, enabled: boolean): number {
  return enabled && beta < 1 ? 1 - beta ** step : 1;
}
