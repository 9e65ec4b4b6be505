/**
 * Sign and spectral descent (docs/algorithms.md#variants) keep no statistics and compute no roots,
 * so, as in the reference:
 * - the root schedule is moot and preconditionFrequency is set to 1 (which also makes the
 *   default startPreconditioningStep 1);
 * - spectral descent orthogonalizes whole matrices: one 2-D block per parameter
 *   (maxPreconditionerDim Infinity, targetParameterDimensionality 2);
 * - options that only act on statistics or roots have no effect.
 * Each override of a value the caller set, and each option set to a non-default value that has
 * no effect, gives one warning (the reference warns about betas[1], epsilon and
 * precondition_frequency always; we warn only about what the caller set, and about every
 * option without effect).
 */
import type { ShampooOptions } from './config.js';

/** The settings forced by a descent preconditioner. */
export interface DescentOverrides {
  readonly maxPreconditionerDim?: number;
  readonly targetParameterDimensionality?: number;
  readonly preconditionFrequency?: number;
}

/** Options without effect for sign/spectral descent, with their defaults (a value equal to it is not reported). */
const WITHOUT_EFFECT: ReadonlyArray<readonly [keyof ShampooOptions, unknown]> = [
  ['epsilon', 1e-12],
  ['useFactorWeighting', true],
  ['useSymmetricPacking', true],
  ['useTraceScaling', false],
  ['traceScalingExponent', 0.5],
  ['numToleratedFailedAmortizedComputations', 3],
  ['factorUpdateFrequency', 1],
  ['rootExecutor', 'auto'],
];

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return 'an object';
}

/**
 * The overrides and warnings for preconditioner `type` (none for the Shampoo variants).
 * `beta1` and `hasGrafting` decide whether useBiasCorrection and startPreconditioningStep
 * still act: the former only corrects the filtered gradient (beta1 > 0), the latter only ends
 * the grafting-only phase.
 */
export function descentOverrides(
  options: ShampooOptions,
  type: string,
  context: { readonly beta1: number; readonly hasGrafting: boolean },
): { overrides: DescentOverrides; warnings: string[] } {
  if (type !== 'sign-descent' && type !== 'spectral-descent') return { overrides: {}, warnings: [] };
  const where = `with preconditioner '${type}'`;
  const forced: DescentOverrides = type === 'spectral-descent'
    ? { maxPreconditionerDim: Infinity, targetParameterDimensionality: 2, preconditionFrequency: 1 }
    : { preconditionFrequency: 1 };
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(forced) as [keyof DescentOverrides, number][]) {
    const given = options[key];
    if (given !== undefined && given !== value) {
      warnings.push(`scaleByShampoo: ${key} = ${given} has no effect ${where}; using ${value}${type === 'spectral-descent' && key !== 'preconditionFrequency' ? ' (one 2-D block per matrix)' : ''}`);
    }
  }
  const beta2 = options.betas?.[1];
  if (beta2 !== undefined && beta2 !== 1) warnings.push(`scaleByShampoo: betas[1] = ${beta2} has no effect ${where} (no statistics)`);
  for (const [key, byDefault] of WITHOUT_EFFECT) {
    const given = options[key];
    if (given !== undefined && given !== byDefault) warnings.push(`scaleByShampoo: ${key} = ${show(given)} has no effect ${where} (no statistics, no roots)`);
  }
  const override = options.inverseExponentOverride;
  if (override !== undefined && Object.keys(override).length > 0) warnings.push(`scaleByShampoo: inverseExponentOverride has no effect ${where} (no roots)`);
  if (options.useBiasCorrection !== undefined && context.beta1 === 0) {
    warnings.push(`scaleByShampoo: useBiasCorrection = ${options.useBiasCorrection} has no effect ${where} and betas[0] = 0 (it corrects only the filtered gradient)`);
  }
  const start = options.startPreconditioningStep;
  if (start !== undefined && start !== -1 && !context.hasGrafting) {
    warnings.push(`scaleByShampoo: startPreconditioningStep = ${start} has no effect ${where} without grafting (it only ends the grafting-only phase)`);
  }
  return { overrides: forced, warnings };
}
