/**
 * When things happen (docs/algorithms.md#root-schedule), with steps counted from 1:
 * - the roots are recomputed at `step == start`, and at every `step > start` with
 *   `step % preconditionFrequency == 0`;
 * - the grafting method alone is used while `step < start` (when grafting is set);
 * - the factors are updated on steps 1, k + 1, 2k + 1, ... for factorUpdateFrequency k
 *   (every step for k = 1), so floor((step - 1) / k) + 1 updates have been made by `step`.
 * start may be Infinity: never precondition.
 */

/**
 * True when the roots are recomputed on this step: step == start, or step > start and
 * step mod preconditionFrequency == phase (phase 0, the default, for every block unless the
 * refresh is staggered: staggered-roots.ts).
 */
export function isRootStep(step: number, start: number, preconditionFrequency: number, phase = 0): boolean {
  return step === start || (step > start && step % preconditionFrequency === phase);
}

/** Bias correction of an EMA with factor beta after `step` updates: 1 - beta^step (1 when off or beta = 1); core's biasCorrection. */
export { biasCorrection as emaBiasCorrection } from '@shampoo-ts/core';

/** True when the factor matrices are updated on this step: (step - 1) % k == 0. */
export function isFactorUpdateStep(step: number, factorUpdateFrequency: number): boolean {
  return (step - 1) % factorUpdateFrequency === 0;
}

/** Number of factor updates made by `step` (>= 1): floor((step - 1) / k) + 1 (= step for k = 1). */
export function factorUpdateCount(step: number, factorUpdateFrequency: number): number {
  return Math.floor((step - 1) / factorUpdateFrequency) + 1;
}
