/**
 * Properties over random gradient sequences: factors stay symmetric PSD, roots SPD, state
 * shapes stable, no NaN for finite input; and a 6-D tensor where skipping dims equals
 * preconditioning them with identities.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { scaleByShampoo, type PreconditionerConfig, type ShampooState } from '@shampoo-ts/shampoo';
import { contractEveryDim, matrixOperator } from '../src/kronecker.js';
import { unpackSymmetricTensor } from '../src/packing.js';
import { psdCheck, stateStructureDifference, symmetryError } from '@shampoo-ts/testing';

const variants: PreconditionerConfig[] = [
  { type: 'root-inverse' },
  { type: 'root-inverse', method: 'newton' },
  { type: 'eigendecomposed' },
  { type: 'eigenvalue-corrected' },
  { type: 'eigenvalue-corrected', eigenbasis: 'qr' },
  { type: 'kl-shampoo' },
  { type: 'eigendecomposed-kl-shampoo', eigenbasis: 'qr' },
];

const arbCase = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  block: fc.integer({ min: 2, max: 5 }),
  variant: fc.constantFrom(...variants),
  beta2: fc.constantFrom(1, 0.9),
  packed: fc.boolean(),
  steps: fc.integer({ min: 2, max: 4 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  scale: fc.constantFrom(1e-3, 1, 1e3),
});

function shapesOf(state: unknown): string {
  return JSON.stringify(state, (_k, v) => (v instanceof tf.Tensor ? `tensor[${v.shape.join(',')}]` : typeof v === 'number' ? 'number' : v));
}

describe('invariants over random gradient sequences', () => {
  it('factors symmetric PSD, roots SPD, state shapes stable, finite updates', () => {
    fc.assert(
      fc.property(arbCase, ({ shape, block, variant, beta2, packed, steps, seed, scale }) => {
        tf.engine().startScope();
        try {
          const tx = scaleByShampoo({ betas: [0.5, beta2], epsilon: 1e-6, maxPreconditionerDim: block, useSymmetricPacking: packed, preconditioner: variant, grafting: adamGrafting() });
          const w = tf.zeros(shape);
          let state = tx.init({ w }) as ShampooState;
          const initialShapes = shapesOf(state);
          const size = shape.reduce((p, d) => p * d, 1);
          for (let t = 0; t < steps; t++) {
            const g = tf.tensor(Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + t * 3.3 + i * 1.7) * scale), shape);
            const [u, next] = tx.update({ w: g }, state, { w });
            expect(Array.from((u as { w: tf.Tensor }).w.dataSync()).every(Number.isFinite)).toBe(true);
            expect(shapesOf(next)).toBe(initialShapes);
            expect(stateStructureDifference(state, next, ['before', 'after'])).toBeUndefined();
            state = next;
          }
          for (const [key, b] of Object.entries(state.blocks)) {
            const pre = b.preconditioner as { factors?: (tf.Tensor | null)[]; roots?: (tf.Tensor | null)[]; vectors?: (tf.Tensor | null)[] };
            (pre.factors ?? []).forEach((f, i) => {
              if (f === null) return;
              const n = packed ? Math.round((Math.sqrt(8 * f.size + 1) - 1) / 2) : f.shape[0];
              const full = packed ? unpackSymmetricTensor(f, n) : f;
              const a = full.dataSync();
              expect(symmetryError(a, n)).toBeLessThanOrEqual(1e-6);
              const sym = Float64Array.from(a, (_, k) => (a[k] + a[(k % n) * n + Math.floor(k / n)]) / 2);
              expect(psdCheck(sym, n, 1e-5).ok, `factor ${key}/${i} PSD`).toBe(true);
            });
            (pre.roots ?? []).forEach((r, i) => {
              if (r === null) return;
              const n = r.shape[0];
              const a = r.dataSync();
              expect(symmetryError(a, n)).toBeLessThanOrEqual(1e-4);
              const sym = Float64Array.from(a, (_, k) => (a[k] + a[(k % n) * n + Math.floor(k / n)]) / 2);
              expect(psdCheck(sym, n, 0).minEigenvalue, `root ${key}/${i} positive definite`).toBeGreaterThan(0);
            });
          }
          disposeTree(state);
        } finally {
          tf.engine().endScope();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('a 6-D tensor', () => {
  it('skipping dims (exponent 0) equals preconditioning them with identities', () => {
    const shape = [2, 3, 2, 3, 2, 2];
    const size = shape.reduce((p, d) => p * d, 1);
    const grads = [0, 1, 2].map((t) => tf.tensor(Array.from({ length: size }, (_, i) => Math.cos(i * 0.37 + t * 1.3) * (1 + (i % 5))), shape));
    const w = tf.zeros(shape);
    const run = (override: Record<number, Record<number, number>>) => {
      const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-4, maxPreconditionerDim: 3, inverseExponentOverride: override });
      let state = tx.init({ w }) as ShampooState;
      let last: tf.Tensor | null = null;
      for (const g of grads) {
        const [u, next] = tx.update({ w: g }, state, { w });
        last?.dispose();
        last = (u as { w: tf.Tensor }).w;
        disposeTree(state);
        state = next;
      }
      return { u: last as tf.Tensor, state };
    };
    const skipped = run({ 6: { 0: 0, 2: 0, 4: 0 } });
    const full = run({});
    const blockKeys = Object.keys(skipped.state.blocks);
    expect(blockKeys).toEqual(['w#0']);
    const rootsSkipped = skipped.state.blocks['w#0'].preconditioner.roots as (tf.Tensor | null)[];
    const rootsFull = full.state.blocks['w#0'].preconditioner.roots as tf.Tensor[];
    expect(rootsSkipped.map((r) => r === null)).toEqual([true, false, true, false, true, false]);
    // The kept dims have exactly the roots of the fully preconditioned run (same factors).
    for (const d of [1, 3, 5]) expect(Array.from(rootsSkipped[d]!.dataSync())).toEqual(Array.from(rootsFull[d].dataSync()));
    const expected = tf.tidy(() => contractEveryDim(grads[2], shape.map((n, d) => matrixOperator(d % 2 === 1 ? rootsFull[d] : tf.eye(n)))));
    const got = skipped.u.dataSync();
    const want = expected.dataSync();
    for (let i = 0; i < size; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i])));
    // and differs from the fully preconditioned direction
    expect(Array.from(full.u.dataSync())).not.toEqual(Array.from(got));
    tf.dispose([w, expected, skipped.u, full.u, ...grads]);
    disposeTree([skipped.state, full.state]);
  });
});
