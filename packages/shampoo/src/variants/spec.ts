/** The scalar part of a root task for dim `dim` of a block (shared by the variants). */
import type { RootTaskKind, RootTaskSpec } from '../root-task.js';
import type { BlockInfo, VariantSettings } from './types.js';

/** Key `<block key>/<dim>` and every scalar setting of the task. */
export function rootSpec(
  settings: VariantSettings,
  block: BlockInfo,
  dim: number,
  kind: RootTaskKind,
  biasCorrection: number,
  qr: { steps: number; tolerance: number } = { steps: 1, tolerance: 0 },
): RootTaskSpec {
  return {
    key: `${block.key}/${dim}`,
    kind,
    n: block.shape[dim],
    packed: settings.packed,
    biasCorrection,
    traceScalingExponent: settings.traceScalingExponent,
    exponent: block.exponents[dim],
    epsilon: settings.epsilon,
    ...(settings.dampingFloor > 0 ? { dampingFloor: settings.dampingFloor } : {}),
    rankDeficiency: settings.rankDeficiency,
    method: settings.method,
    qrSteps: qr.steps,
    tolerance: qr.tolerance,
    ...(kind === 'inverse-root' ? { solver: settings.solver } : {}),
  };
}
