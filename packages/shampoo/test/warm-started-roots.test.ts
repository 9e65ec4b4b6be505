/**
 * Warm-started roots (eigendecomposed Shampoo with eigenbasis 'qr', the reference's
 * QREigendecompositionConfig): repeated root steps of qrSteps warm-started QR steps, each
 * from the basis the previous one returned, converge to the true inverse root
 * (A + eps I)^(-1/4) from the eigenbasis of a nearby matrix (the factor of the previous root
 * step), on random SPD matrices of condition numbers 1 to 1e8; one QR step already lowers
 * the error of the stale basis. (Unshifted QR gains |lambda_(i+1) / lambda_i| per step, so the
 * spectra are log-spaced with condition 1, where every basis is exact, or 10^0.5 to 10^8,
 * where adjacent eigenvalues differ by a factor >= 10^(0.5/7) and 200 root steps suffice.)
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeRoots, type RootTask } from '@shampoo-ts/shampoo';
import { jacobiEigen, spdWithCondition } from '@shampoo-ts/testing';
import { inverseRootSpec, symmetricPower } from './helpers.js';

/** Q diag(lambda^-e) Q^T. */
function fromEigen(vectors: Float64Array, values: Float64Array, n: number, e: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const f = values[k] ** -e;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += vectors[i * n + k] * f * vectors[j * n + k];
  }
  return out;
}

const relativeError = (x: Float64Array, want: Float64Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (x[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / den);
};

describe('warm-started roots (eigenbasis qr)', () => {
  it('converge to the true inverse root from the previous factor\'s eigenbasis, condition numbers 1 and 10^0.5 to 1e8', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 8, noNaN: true })), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 1e-3, max: 0.1, noNaN: true }), (n, log10Cond, seed, drift) => {
        const cond = 10 ** log10Cond;
        const { a } = spdWithCondition({ n, cond, seed });
        const epsilon = 1e-12;
        // The previous root step's factor: A plus a symmetric drift of relative size `drift`.
        const previousFactor = Float64Array.from(a);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
          const d = drift * Math.sin(seed + 7 * i + 13 * j) * (a[i * n + i] + a[j * n + j]) / 2;
          previousFactor[i * n + j] += d;
          if (i !== j) previousFactor[j * n + i] += d;
        }
        let vectors = jacobiEigen(Float64Array.from(previousFactor), n).vectors;
        const shifted = Float64Array.from(a);
        for (let i = 0; i < n; i++) shifted[i * n + i] += epsilon;
        const want = symmetricPower(shifted, n, -0.25);
        const stale = relativeError(fromEigen(vectors, new Float64Array(jacobiEigen(Float64Array.from(previousFactor), n).values).map((v) => Math.max(v, 0) + epsilon), n, 0.25), want);
        const errors: number[] = [];
        for (let rootStep = 0; rootStep < 200; rootStep++) {
          const task: RootTask = { ...inverseRootSpec(n, { kind: 'eigen-qr', epsilon, qrSteps: 1 }), factor: a, previousVectors: vectors };
          const [out] = computeRoots([task]);
          expect(out.status).toBe('ok');
          vectors = out.vectors!;
          errors.push(relativeError(fromEigen(vectors, out.values!, n, 0.25), want));
          if (errors[errors.length - 1] <= 1e-7) break;
        }
        expect(errors[errors.length - 1]).toBeLessThanOrEqual(1e-6);
        expect(errors[0]).toBeLessThanOrEqual(Math.max(stale, 1e-6));
      }),
    );
  });
});
