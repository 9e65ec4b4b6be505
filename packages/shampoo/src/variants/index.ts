/** Builds the variant of a resolved configuration. */
import type { ShampooConfig } from '../config.js';
import { factorWeight } from '../factors.js';
import { eigendecomposedVariant } from './eigendecomposed.js';
import { eigenvalueCorrectedVariant } from './eigenvalue-corrected.js';
import { rootInverseVariant } from './root-inverse.js';
import { signDescentVariant } from './sign-descent.js';
import { spectralDescentVariant } from './spectral-descent.js';
import type { ShampooVariant, VariantSettings } from './types.js';
import { checkRootSolver } from '../root-solver.js';
import { MUON_COEFFICIENTS } from '@shampoo-ts/linalg';

/** Default Newton-Schulz coefficients of spectral descent (Muon): linalg's one copy. */
export const NEWTON_SCHULZ_COEFFICIENTS: readonly [number, number, number] = MUON_COEFFICIENTS;

/** The variant for `config.preconditioner` with the shared settings. */
export function makeVariant(config: ShampooConfig): ShampooVariant {
  const p = config.preconditioner;
  const settings: VariantSettings = {
    beta2: config.beta2,
    weight: factorWeight(config.beta2, config.useFactorWeighting),
    packed: config.useSymmetricPacking,
    epsilon: config.epsilon,
    dampingFloor: config.dampingFloor,
    traceScalingExponent: config.traceScalingExponent,
    method: (p.type === 'root-inverse' || p.type === 'kl-shampoo') && p.method ? p.method : 'eigen',
    rankDeficiency: 'rankDeficiency' in p && p.rankDeficiency ? p.rankDeficiency : 'perturbation',
    solver: p.type === 'root-inverse' || p.type === 'kl-shampoo'
      ? checkRootSolver('scaleByShampoo', p as unknown as Record<string, unknown>, p.method ?? 'eigen', p.type === 'root-inverse' ? p.rankDeficiency ?? 'perturbation' : 'perturbation')
      : {},
  };
  switch (p.type) {
    case 'root-inverse':
      return rootInverseVariant(settings);
    case 'kl-shampoo':
      return rootInverseVariant(settings, true);
    case 'eigendecomposed':
    case 'eigendecomposed-kl-shampoo':
      return eigendecomposedVariant(settings, {
        eigenbasis: p.eigenbasis ?? 'eigh',
        qrSteps: p.qrSteps ?? 1,
        tolerance: p.tolerance ?? 0,
        kl: p.type === 'eigendecomposed-kl-shampoo',
        rank: { pseudoInverse: p.rankDeficiency === 'pseudo-inverse', rtol: p.rankRtol ?? null, atol: p.rankAtol ?? 0 },
      });
    case 'eigenvalue-corrected':
      return eigenvalueCorrectedVariant(settings, {
        eigenbasis: p.eigenbasis ?? 'eigh',
        qrSteps: p.qrSteps ?? 1,
        tolerance: p.tolerance ?? 0,
        correctionExponent: p.correctionExponent ?? 0.5,
        exponentOverride: config.inverseExponentOverride,
        ignoredBasisChangeDims: p.ignoredBasisChangeDims ?? {},
      });
    case 'spectral-descent':
      return spectralDescentVariant({
        orthogonalization: p.orthogonalization ?? 'newton-schulz',
        scaleByNuclearNorm: p.scaleByNuclearNorm ?? false,
        steps: p.steps ?? 5,
        coefficients: p.coefficients ?? NEWTON_SCHULZ_COEFFICIENTS,
        scaleByDims: p.scaleByDims ?? (() => 1),
      });
    case 'sign-descent':
      return signDescentVariant(p.scale);
  }
}
