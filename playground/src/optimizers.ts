/**
 * The optimizers the playground compares, with their main knobs:
 *   AdamW:   adamw(lr), betas (0.9, 0.999)
 *   Shampoo: shampoo(lr, betas (0.9, 0.999), epsilon 1e-10, Adam grafting, preconditionFrequency,
 *            maxPreconditionerDim = the block size, targetParameterDimensionality 2 so that a
 *            matrix keeps its two Kronecker factors), roots on the host in float64 (read
 *            asynchronously on webgpu) so that onStats reports every block's condition numbers
 *   SOAP:    soap(lr, preconditionFrequency, maxPreconditionerDim)
 *   Muon:    muon(lr): Newton-Schulz orthogonalized momentum for matrices, AdamW for the rest
 */
import { adamw, type GradientTransformation } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { hostRootExecutor, muon, shampoo, soap, type ShampooStats } from '@shampoo-ts/shampoo';

export type OptimizerName = 'adamw' | 'shampoo' | 'soap' | 'muon';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adamw', 'shampoo', 'soap', 'muon'];
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = { adamw: 'AdamW', shampoo: 'Shampoo', soap: 'SOAP', muon: 'Muon' };

/** The knobs of one run. */
export interface OptimizerKnobs {
  readonly lr: number;
  readonly preconditionFrequency: number;
  readonly blockSize: number;
  /** 'async' on backends whose synchronous readback stalls the device (webgpu). */
  readonly read: 'sync' | 'async';
  /** Shampoo: receives its per-block stats after every step. */
  readonly onStats?: (stats: ShampooStats) => void;
}

/** The transform of `name` with `knobs` (see the module comment). */
export function makeOptimizer(name: OptimizerName, knobs: OptimizerKnobs): GradientTransformation {
  const { lr, preconditionFrequency, blockSize, read } = knobs;
  const rootExecutor = () => hostRootExecutor({ read });
  switch (name) {
    case 'adamw':
      return adamw({ learningRate: lr, b1: 0.9, b2: 0.999, weightDecay: 0 }) as GradientTransformation;
    case 'shampoo':
      return shampoo({
        lr, betas: [0.9, 0.999], epsilon: 1e-10, grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }),
        preconditionFrequency, maxPreconditionerDim: blockSize, targetParameterDimensionality: 2, rootExecutor: rootExecutor(),
        ...(knobs.onStats ? { onStats: knobs.onStats } : {}),
      }) as GradientTransformation;
    case 'soap':
      return soap({ lr, preconditionFrequency, maxPreconditionerDim: blockSize, rootExecutor: rootExecutor() }) as GradientTransformation;
    case 'muon':
      return muon({ lr, adam: { learningRate: lr } }) as GradientTransformation;
    default:
      throw new RangeError(`playground: optimizer '${String(name)}' is not known; allowed: ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
