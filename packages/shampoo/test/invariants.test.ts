/**
 * The testing kit's transform invariants (inputs never disposed or changed, updates shaped
 * like the gradients, finite in -> finite out, no shared tensors, no leaks, stable state
 * structure) for every variant and recipe, over random trees (scalars, size-0 and size-1
 * dims included) and gradient sequences.
 */
import { describe, it } from 'vitest';
import { adamGrafting, rmspropGrafting } from '@shampoo-ts/grafting';
import { klShampoo, muon, shampoo, soap, type ShampooOptions } from '@shampoo-ts/shampoo';
import { checkTransformInvariants } from '@shampoo-ts/testing';

const fcRuns = { fc: { numRuns: 12 } };
const base: ShampooOptions = { maxPreconditionerDim: 3, epsilon: 1e-6, weightDecay: 1e-3 };

describe('transform invariants', () => {
  const cases: Array<[string, ShampooOptions]> = [
    ['root-inverse + Adam grafting + Nesterov momentum', { ...base, grafting: adamGrafting(), momentum: { momentum: 0.9, nesterov: true } }],
    ['root-inverse, l2 decay, EMA factors, trace scaling, unpacked', { ...base, weightDecayType: 'l2', betas: [0.9, 0.99], useTraceScaling: true, useSymmetricPacking: false }],
    ['eigendecomposed + RMSprop grafting, frequency 2', { ...base, preconditioner: { type: 'eigendecomposed' }, grafting: rmspropGrafting(), preconditionFrequency: 2 }],
    ['eigenvalue-corrected', { ...base, preconditioner: { type: 'eigenvalue-corrected' }, betas: [0.9, 0.999] }],
    ['eigenvalue-corrected, tolerance, ignoredBasisChangeDims, per-order exponent', { ...base, preconditioner: { type: 'eigenvalue-corrected', tolerance: 0.1, ignoredBasisChangeDims: { 2: [1] } }, inverseExponentOverride: { 3: 0.3 } }],
    ['eigendecomposed KL-Shampoo, QR eigenbasis, tolerance', { ...base, preconditioner: { type: 'eigendecomposed-kl-shampoo', eigenbasis: 'qr', qrSteps: 2, tolerance: 0.05 } }],
    ['eigendecomposed, pseudo-inverse', { ...base, epsilon: 0, preconditioner: { type: 'eigendecomposed', rankDeficiency: 'pseudo-inverse' } }],
    ['sign descent, beta3', { ...base, preconditioner: { type: 'sign-descent' }, beta3: 0.5 }],
    ['GPA iterate averaging', { ...base, iterateAveraging: { type: 'gpa' } }],
    ['schedule-free', { ...base, iterateAveraging: { type: 'schedule-free' } }],
  ];
  for (const [name, options] of cases) {
    it(name, () => checkTransformInvariants(() => shampoo(options), fcRuns));
  }
  it('soap', () => checkTransformInvariants(() => soap({ ...base, preconditionFrequency: 1 }), fcRuns));
  it('klShampoo', () => checkTransformInvariants(() => klShampoo(base), fcRuns));
  it('muon', () => checkTransformInvariants(() => muon({ weightDecay: 1e-3 }), { ...fcRuns, tree: { shape: { minRank: 1, maxRank: 2, minDim: 2 } } }));
});
