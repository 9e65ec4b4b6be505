/**
 * Eigenvalue-corrected Shampoo, SOAP, eigendecomposed Shampoo (full and QR eigenbasis) and
 * eigendecomposed KL-Shampoo step by step against the float64 reference of eigen-reference.ts
 * on random, non-diagonal gradients (so the eigenbases leave the identity), over several
 * steps and several root steps. Directions are compared, not eigenvectors (which are only
 * defined up to sign), to float32 tolerance.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { scaleByShampoo, type PreconditionerConfig } from '@shampoo-ts/shampoo';
import { gaussianMatrix } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';
import { eigenReferenceDirections, type EigenReferenceOptions } from './eigen-reference.js';

const rows = 3;
const cols = 4;
const steps = 7;
const beta2 = 0.99;
const epsilon = 1e-8;
const preconditionFrequency = 2; // root steps 2, 4, 6

/** Our directions for one rows x cols parameter (one block: 3 * 4 > maxPreconditionerDim, not merged). */
function ours(gs: Float64Array[], preconditioner: PreconditionerConfig, extra: object = {}): Float32Array[] {
  const w = tf.zeros([rows, cols]);
  const grads = gs.map((g) => ({ w: tf.tensor2d(Float32Array.from(g), [rows, cols]) }));
  const tx = scaleByShampoo({ betas: [0, beta2], epsilon, dampingFloor: 0, maxPreconditionerDim: cols, preconditionFrequency, preconditioner, ...extra });
  const { updates, state } = runUpdates(tx, { w }, grads);
  tf.dispose([w, ...grads.map((g) => g.w), state as never]);
  return updates.map((u) => u[0]);
}

/** Random float32-exact gradients from one seed. */
const gradients = (seed: number) => Array.from({ length: steps }, (_, t) => Float64Array.from(Float32Array.from(gaussianMatrix(rows, cols, seed * 31 + t))));

function compare(preconditioner: PreconditionerConfig, reference: Omit<EigenReferenceOptions, 'beta2' | 'epsilon' | 'preconditionFrequency'>, extra: object = {}): void {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      const gs = gradients(seed);
      const got = ours(gs, preconditioner, extra);
      const want = eigenReferenceDirections(gs, rows, cols, { beta2, epsilon, preconditionFrequency, ...reference });
      want.forEach((p, t) => expectClose(got[t], p, 1e-4, 1e-5, `seed ${seed}, step ${t + 1}`));
    }),
    { numRuns: 6 },
  );
}

describe('eigen family against a float64 reference on random gradients', () => {
  it('eigenvalue-corrected Shampoo (full eigendecomposition)', () => {
    compare({ type: 'eigenvalue-corrected' }, { variant: 'eigenvalue-corrected', eigenbasis: 'eigh' });
  });

  it('SOAP (one warm-started QR step per root step)', () => {
    compare({ type: 'eigenvalue-corrected', eigenbasis: 'qr' }, { variant: 'eigenvalue-corrected', eigenbasis: 'qr' });
  });

  it('eigenvalue-corrected with a per-order correction exponent (inverseExponentOverride) and ignoredBasisChangeDims', () => {
    compare(
      { type: 'eigenvalue-corrected', ignoredBasisChangeDims: { 2: [1] } },
      { variant: 'eigenvalue-corrected', eigenbasis: 'eigh', p: 0.25, ignored: [1] },
      { inverseExponentOverride: { 2: 0.25 } },
    );
  });

  it('eigendecomposed Shampoo (full eigendecomposition)', () => {
    compare({ type: 'eigendecomposed' }, { variant: 'eigendecomposed', eigenbasis: 'eigh' });
  });

  it('eigendecomposed Shampoo with a warm-started QR eigenbasis (one step per root step)', () => {
    compare({ type: 'eigendecomposed', eigenbasis: 'qr' }, { variant: 'eigendecomposed', eigenbasis: 'qr' });
  });

  it('eigendecomposed KL-Shampoo', () => {
    compare({ type: 'eigendecomposed-kl-shampoo' }, { variant: 'eigendecomposed-kl', eigenbasis: 'eigh' });
  });
});
