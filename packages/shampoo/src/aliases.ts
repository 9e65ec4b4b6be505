/**
 * Optimizers as recipes (optax style): the Shampoo step chained with the learning rate.
 *   shampoo(o)    = chain(scaleByShampoo(o), scaleByLearningRate(o.learningRate))   u = -lr P
 *   soap(o)       = shampoo with the eigenvalue-corrected variant and a warm-started QR basis
 *   klShampoo(o)  = shampoo with KL-Shampoo's statistics
 *   muon(o)       = spectral-descent shampoo for matrices, adamw for the rest
 * `learningRate` is a number or a schedule (core's ScalarOrSchedule, as adamw's); `lr`, the
 * reference's name, is an accepted alias. recipe.ts applies a schedule at every step.
 */
import { partition, adamw, type GradientTransformation, type ScalarOrSchedule, type StateValue } from '@shampoo-ts/core';
import { checkBoolean, checkKnownOptions } from '@shampoo-ts/core/authoring';
import * as tf from '@tensorflow/tfjs-core';
import { recipeLearningRate } from './learning-rate.js';
import { shampooRecipe } from './recipe.js';

/** The recipe's tail (recipe.ts), re-exported where it used to live. */
export { afterShampooDirection } from './recipe.js';
import { NEWTON_SCHULZ_COEFFICIENTS } from './variants/index.js';
import type { ShampooOptions } from './config.js';
import { scaleByShampoo } from './scale-by-shampoo.js';
import { invalidParameter } from './validate.js';

/**
 * Distributed Shampoo: u_t = -lr_t P_t with P from scaleByShampoo (defaults of
 * docs/algorithms.md#shampoo-defaults); `learningRate` (alias `lr`) a number or a schedule.
 */
export function shampoo(options: ShampooOptions = {}): GradientTransformation<StateValue[]> {
  return shampooRecipe(scaleByShampoo, options);
}

/**
 * SOAP (Vyas et al. 2024): Adam in the eigenbasis of Shampoo's factors, refreshed by one
 * warm-started QR step every preconditionFrequency steps. Defaults follow the SOAP paper:
 * betas [0.95, 0.95], epsilon 1e-8, preconditionFrequency 10; any option can override them
 * except the preconditioner.
 */
export function soap(options: Omit<ShampooOptions, 'preconditioner'> & { qrSteps?: number } = {}): GradientTransformation<StateValue[]> {
  rejectPreconditioner('soap', options, 'the eigenvalue-corrected variant with a warm-started QR basis');
  const { qrSteps, ...rest } = options;
  return shampoo({
    betas: [0.95, 0.95],
    epsilon: 1e-8,
    preconditionFrequency: 10,
    ...rest,
    preconditioner: { type: 'eigenvalue-corrected', eigenbasis: 'qr', ...(qrSteps === undefined ? {} : { qrSteps }) },
  });
}

/** KL-Shampoo (Lin et al. 2025): factors built from the gradient preconditioned along the other dims. */
export function klShampoo(options: Omit<ShampooOptions, 'preconditioner'> = {}): GradientTransformation<StateValue[]> {
  rejectPreconditioner('klShampoo', options, "'kl-shampoo'");
  return shampoo({ ...options, preconditioner: { type: 'kl-shampoo' } });
}

/** An alias that fixes the preconditioner refuses one passed in (rather than overriding it silently). */
function rejectPreconditioner(owner: string, options: object, fixed: string): void {
  if (options !== null && typeof options === 'object' && 'preconditioner' in options) {
    invalidParameter(owner, 'preconditioner', (options as { preconditioner: unknown }).preconditioner,
      `no preconditioner option (${owner} is ${fixed}; choose another with shampoo({ preconditioner }))`);
  }
}

/** The options of muon and of its AdamW group. */
export const MUON_OPTION_NAMES = ['learningRate', 'lr', 'beta', 'nesterov', 'weightDecay', 'nsSteps', 'nsCoefficients', 'scaleByDims', 'adam', 'isMatrixParam'] as const;
/** The options of muon's AdamW group (the `adam` option). */
export const MUON_ADAM_OPTION_NAMES = ['learningRate', 'b1', 'b2', 'eps', 'weightDecay'] as const;

/** Options of muon (optax's `muon` names in camelCase). */
export interface MuonOptions {
  /** Learning rate of both groups, a number or a schedule (default 0.02). */
  learningRate?: ScalarOrSchedule;
  /** Alias of `learningRate` (the reference's name). */
  lr?: ScalarOrSchedule;
  /** Momentum of the Newton-Schulz group (default 0.95). */
  beta?: number;
  /** Nesterov momentum (default true): the direction is beta m + (1 - beta) g. */
  nesterov?: boolean;
  /** Decoupled weight decay of the Newton-Schulz group (default 0). */
  weightDecay?: number;
  nsSteps?: number;
  nsCoefficients?: readonly [number, number, number];
  /** Scale of the orthogonalized update from (dIn, dOut); default sqrt(max(1, dOut/dIn)) with tfjs's [in, out] kernels. */
  scaleByDims?: (dIn: number, dOut: number) => number;
  /** AdamW for the other parameters (defaults b1 0.9, b2 0.999, eps 1e-8, weightDecay 0, lr: lr). */
  adam?: { learningRate?: ScalarOrSchedule; b1?: number; b2?: number; eps?: number; weightDecay?: number };
  /** Which parameters get Newton-Schulz (default: the 2-D ones). */
  isMatrixParam?: (path: string, leaf: tf.Tensor) => boolean;
}

/**
 * Muon (Jordan et al. 2024), as optax composes it: partition the parameters into 2-D
 * weights, updated by momentum + Newton-Schulz orthogonalization (spectral descent) with
 * decoupled weight decay, and the rest, updated by AdamW:
 *   partition({ muon: shampoo({ spectral-descent, betas [beta, 1], beta3 beta^2 (Nesterov),
 *                               no bias correction, one block per matrix }),
 *               adam: adamw(...) }, (path, leaf) => leaf.rank === 2 ? 'muon' : 'adam')
 * Our parameters are tfjs kernels of shape [in, out], so the block's rows are dIn and its
 * columns dOut; the default scale sqrt(max(1, dOut / dIn)) is Muon's sqrt(max(1, rows/cols))
 * for PyTorch's [out, in] layout.
 */
export function muon(options: MuonOptions = {}): GradientTransformation {
  checkKnownOptions('muon', options, MUON_OPTION_NAMES);
  if (options.adam !== undefined) checkKnownOptions('muon: adam', options.adam, MUON_ADAM_OPTION_NAMES, true);
  const lr = recipeLearningRate('muon', options, 0.02);
  const beta = options.beta ?? 0.95;
  const nesterov = checkBoolean('muon', 'nesterov', options.nesterov ?? true);
  const adam = options.adam ?? {};
  const isMatrix = options.isMatrixParam ?? ((_path: string, leaf: tf.Tensor) => leaf.rank === 2);
  const scaleByDims = options.scaleByDims ?? ((dIn: number, dOut: number) => Math.sqrt(Math.max(1, dOut / dIn)));
  return partition(
    {
      muon: shampoo({
        learningRate: lr,
        betas: [beta, 1],
        beta3: nesterov ? beta * beta : beta,
        useBiasCorrection: false,
        weightDecay: options.weightDecay ?? 0,
        maxPreconditionerDim: Infinity,
        targetParameterDimensionality: 2,
        preconditioner: {
          type: 'spectral-descent',
          steps: options.nsSteps ?? 5,
          coefficients: options.nsCoefficients ?? NEWTON_SCHULZ_COEFFICIENTS,
          scaleByDims: (cols, rows) => scaleByDims(rows, cols),
        },
      }),
      adam: adamw({
        learningRate: adam.learningRate ?? lr,
        b1: adam.b1 ?? 0.9,
        b2: adam.b2 ?? 0.999,
        eps: adam.eps ?? 1e-8,
        weightDecay: adam.weightDecay ?? 0,
      }),
    },
    (path, leaf) => (isMatrix(path, leaf) ? 'muon' : 'adam'),
  );
}
