/** The pure root computation (root-task.ts) and the host executor, against known answers and the Jacobi oracle. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { computeRoots, hostRootExecutor, readRootTasks, type RootTask, type RootTaskSpec } from '@shampoo-ts/shampoo';
import { computeRoot, rootOrder } from '../src/root-task.js';
import { arbSpd, orthogonalityError } from '@shampoo-ts/testing';
import { expectClose, matmul, symmetricPower } from './helpers.js';

const spec = (n: number, over: Partial<RootTaskSpec> = {}): RootTaskSpec => ({
  key: 'w#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0,
  exponent: 0.5, epsilon: 0, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, ...over,
});
const task = (a: ArrayLike<number>, n: number, over: Partial<RootTaskSpec> = {}): RootTask => ({ ...spec(n, over), factor: Float64Array.from(a) });

function pack(a: ArrayLike<number>, n: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push(a[i * n + j]);
  return Float64Array.from(out);
}

describe('computeRoot known answers (docs/algorithms.md#known-answers)', () => {
  it('diag(1, 4)^(-1/2) = diag(1, 0.5)', () => {
    const o = computeRoot(task([1, 0, 0, 4], 2));
    expect(o.status).toBe('ok');
    expectClose(o.root!, [1, 0, 0, 0.5], 1e-12, 1e-12);
  });

  it('the 3 x 3 reference matrix has A^(-1/2) = [[1,1,1],[1,2,-3],[1,-3,18]], by every method', () => {
    const a = [1195, -944, -224, -944, 746, 177, -224, 177, 42];
    for (const method of ['eigen', 'newton', 'higher-order'] as const) {
      const o = computeRoot(task(a, 3, { method }));
      expect(o.status).toBe('ok');
      expectClose(o.root!, [1, 1, 1, 1, 2, -3, 1, -3, 18], 1e-5, 1e-5, method);
    }
  });

  it('pseudo-inverse of eigenvalues [1, 4, 0] with exponent 1/2 is diag(1, 0.5, 0)', () => {
    const o = computeRoot(task([1, 0, 0, 0, 4, 0, 0, 0, 0], 3, { rankDeficiency: 'pseudo-inverse' }));
    expectClose(o.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 1e-12, 1e-12);
  });

  it('divides by the bias correction and applies trace scaling before the root', () => {
    const a = [2, 0, 0, 8];
    const o = computeRoot(task(a, 2, { biasCorrection: 2 }));
    expectClose(o.root!, [1, 0, 0, 0.5], 1e-12, 1e-12);
    // A = diag(1, 4) / trace^0.5 = diag(1, 4) / sqrt(5); A^(-1/2) = sqrt(sqrt(5)) diag(1, 0.5)
    const t = computeRoot(task(a, 2, { biasCorrection: 2, traceScalingExponent: 0.5 }));
    const s = Math.sqrt(Math.sqrt(5));
    expectClose(t.root!, [s, 0, 0, s / 2], 1e-12, 1e-12);
  });

  it('packed and full factors give the same root; r = 1/exponent snaps to integers', () => {
    const a = [4, 1, 1, 3];
    const full = computeRoot(task(a, 2, { exponent: 0.25 }));
    const packed = computeRoot({ ...spec(2, { exponent: 0.25, packed: true }), factor: pack(a, 2) });
    expect(Array.from(packed.root!)).toEqual(Array.from(full.root!));
    expect(rootOrder(1 / 6)).toBe(6);
    expect(rootOrder(0.3)).toBeCloseTo(10 / 3, 12);
  });

  it('reports a NaN or Inf in the factor as non-finite-factor, and a non-converged solver as failed', () => {
    expect(computeRoot(task([1, Number.NaN, Number.NaN, 1], 2)).status).toBe('non-finite-factor');
    expect(computeRoot(task([Infinity, 0, 0, 1], 2, { biasCorrection: 0.5 })).status).toBe('non-finite-factor');
    // A non-integer root is not allowed by the Newton solver: reported as a failure, never thrown.
    const bad = computeRoot(task([2, 0, 0, 3], 2, { method: 'newton', exponent: 0.3 }));
    expect(bad.status).toBe('failed');
    expect(bad.message).toMatch(/w#0\/0/);
  });
});

describe('computeRoot on random SPD matrices (Jacobi oracle)', () => {
  it('inverse-root matches A^(-e) for e in {1/2, 1/4, 1/6}', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 1, maxN: 8, maxCond: 1e4 }), fc.constantFrom(0.5, 0.25, 1 / 6), (m, e) => {
        const o = computeRoot(task(m.a, m.n, { exponent: e }));
        expect(o.status).toBe('ok');
        const want = symmetricPower(m.a, m.n, -e);
        const scale = Math.max(...Array.from(want, Math.abs));
        expectClose(o.root!, want, 0, 1e-8 * scale, 'root');
      }),
      { numRuns: 30 },
    );
  });

  it("'eigen' returns an orthonormal eigenbasis and eigenvalues of A (+ epsilon)", () => {
    fc.assert(
      fc.property(arbSpd({ minN: 1, maxN: 8, maxCond: 1e3 }), (m) => {
        const o = computeRoot(task(m.a, m.n, { kind: 'eigen', epsilon: 1e-3 }));
        expect(orthogonalityError(o.vectors!, m.n)).toBeLessThan(1e-10);
        expectClose(o.values!, Array.from(m.eigenvalues, (v) => v + 1e-3), 1e-9, 1e-12, 'eigenvalues');
        // Q diag(lambda - eps) Q^T reproduces A
        const d = new Float64Array(m.n * m.n);
        for (let i = 0; i < m.n; i++) d[i * m.n + i] = o.values![i] - 1e-3;
        const back = matmul(matmul(o.vectors!, d, m.n, m.n, m.n), Array.from({ length: m.n * m.n }, (_, k) => o.vectors![(k % m.n) * m.n + Math.floor(k / m.n)]), m.n, m.n, m.n);
        expectClose(back, m.a, 0, 1e-9 * m.scale, 'reconstruction');
      }),
      { numRuns: 20 },
    );
  });

  it("'eigen-qr' warm-started from the exact basis keeps it; from I it converges with steps", () => {
    const a = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 1];
    const exact = computeRoot(task(a, 3, { kind: 'eigen', epsilon: 0 }));
    const kept = computeRoot({ ...spec(3, { kind: 'eigen-qr', tolerance: 1e-8 }), factor: Float64Array.from(a), previousVectors: exact.vectors });
    expect(kept.status).toBe('ok');
    expectClose(kept.values!, exact.values!, 1e-9, 1e-12);
    const eye = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const many = computeRoot({ ...spec(3, { kind: 'eigen-qr', qrSteps: 200 }), factor: Float64Array.from(a), previousVectors: eye });
    expectClose(many.values!, exact.values!, 1e-6, 1e-9);
  });
});

describe('hostRootExecutor', () => {
  it('reads tensors into float64 tasks, computes and uploads roots as float32 tensors (same as computeRoots)', () => {
    const a = tf.tensor2d([[4, 1], [1, 3]]);
    const packed = tf.tensor1d([9, 0, 1]);
    const prev = tf.eye(2);
    const requests = [
      { spec: spec(2, { key: 'a#0/0', exponent: 0.25 }), factor: a, previous: prev },
      { spec: spec(2, { key: 'b#0/1', packed: true }), factor: packed, previous: prev },
    ];
    const tasks = readRootTasks(requests);
    expect(tasks.map((t) => Array.from(t.factor))).toEqual([[4, 1, 1, 3], [9, 0, 1]]);
    const expected = computeRoots(tasks);
    const ex = hostRootExecutor();
    ex.submit(7, requests);
    expect(ex.collect(6)).toEqual([]);
    const results = ex.collect(7);
    expect(results.map((r) => r.key)).toEqual(['a#0/0', 'b#0/1']);
    results.forEach((r, i) => expectClose(r.root!.dataSync(), Float32Array.from(expected[i].root!), 0, 0));
    expect(ex.collect(7)).toEqual([]);
    expect(ex.lastTimings!.tasks).toBe(2);
    tf.dispose([a, packed, prev, ...results.map((r) => r.root!)]);
  });
});
