/**
 * Root-solver parity with the reference (facebookresearch/optimizers, matrix_functions.py):
 * pseudo-inverse rank tolerances, perturbation before/after the eigendecomposition, relative
 * epsilon, coupled Newton / higher-order settings and the iteration limit, trace scaling.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { inverseRoot } from '@shampoo-ts/linalg';
import { arbSpd, gaussianMatrix, lowRankPlusRidge } from '@shampoo-ts/testing';
import {
  computeRoot,
  hostRootExecutor,
  preparedMatrix,
  scaleByShampoo,
  type RootRequest,
  type RootTask,
  type RootTaskSpec,
  type ShampooOptions,
  type ShampooState,
} from '@shampoo-ts/shampoo';
import { expectClose, inverseRootSpec, matmul, symmetricPower } from './helpers.js';

const spec = inverseRootSpec;
const task = (a: ArrayLike<number>, n: number, over: Partial<RootTaskSpec> = {}): RootTask => ({ ...spec(n, over), factor: Float64Array.from(a) });

/** One step of scaleByShampoo on parameter `w` with gradient g; returns the direction and the state. */
function firstDirection(options: ShampooOptions, g: tf.Tensor) {
  const tx = scaleByShampoo(options);
  const w = tf.zerosLike(g);
  const state = tx.init({ w });
  const [u, next] = tx.update({ w: g }, state, { w });
  const direction = Array.from((u as { w: tf.Tensor }).w.dataSync());
  const failures = (next as ShampooState).blocks['w#0'].failures;
  disposeTree([state, next, u, w]);
  return { direction, failures };
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('pseudo-inverse rank tolerances (the reference PseudoInverseConfig)', () => {
  it('known answer: G = [[2, 0.3], [0.1, 2]] merged to g (4-vector), betas [0, 1]: (g g^T)^(+1/2) g = g / |g|', () => {
    const gValues = [2, 0.3, 0.1, 2];
    // Closed form: g g^T has one eigenvalue |g|^2 (eigenvector g / |g|) and a null space, so
    // its pseudo-inverse square root is g g^T / |g|^3 and maps g to g / |g|.
    const want = gValues.map((x) => x / norm(gValues));
    expectClose(want, [0.7027, 0.1054, 0.0351, 0.7027], 0, 1e-4, 'closed form');
    const g = tf.tensor2d(gValues, [2, 2]);
    const { direction } = firstDirection({ betas: [0, 1], epsilon: 0, preconditioner: { type: 'root-inverse', rankDeficiency: 'pseudo-inverse' } }, g);
    expectClose(direction, want, 0, 1e-5, 'direction');
    g.dispose();
  });

  it('random rank-deficient factors G G^T (rounded to float32): the default rtol n * 2^-23 drops the null space', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 2 }), fc.integer(), (n, rank, seed) => {
        const m = lowRankPlusRidge({ n, rank, eps: 0, seed });
        const o = computeRoot(task(Float32Array.from(m.a), n, { rankDeficiency: 'pseudo-inverse' }));
        expect(o.status).toBe('ok');
        // v: a random vector with its component in the range of G removed (Gram-Schmidt on G's columns)
        const v = Array.from(gaussianMatrix(n, 1, seed + 1));
        const basis: number[][] = [];
        for (let c = 0; c < rank; c++) {
          const col = Array.from({ length: n }, (_, i) => m.g[i * rank + c]);
          for (const b of basis) { const d = col.reduce((s, x, i) => s + x * b[i], 0); b.forEach((x, i) => (col[i] -= d * x)); }
          const l = norm(col);
          basis.push(col.map((x) => x / l));
        }
        for (const b of basis) { const d = v.reduce((s, x, i) => s + x * b[i], 0); b.forEach((x, i) => (v[i] -= d * x)); }
        const xv = matmul(o.root!, v, n, n, 1);
        const scale = Math.max(...Array.from(o.root!, Math.abs));
        // The null space maps to ~0 (a kept rounding eigenvalue ~1e-7 would map it to ~3e3 |v|)
        expect(norm(Array.from(xv))).toBeLessThanOrEqual(1e-2 * scale * norm(v));
      }),
      { numRuns: 40 },
    );
  });

  it('rankAtol drops eigenvalues up to it; rankRtol 0 and rankAtol 0 keep every positive eigenvalue', () => {
    const a = [1, 0, 0, 0, 4, 0, 0, 0, 1e-3];
    const dropped = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankAtol: 1e-2 } }));
    expectClose(dropped.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 1e-12, 1e-12);
    const kept = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankRtol: 0, rankAtol: 0 } }));
    expectClose(kept.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 1 / Math.sqrt(1e-3)], 1e-12, 1e-12);
    const relative = computeRoot(task(a, 3, { rankDeficiency: 'pseudo-inverse', solver: { rankRtol: 1e-3 } }));
    expectClose(relative.root!, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 1e-12, 1e-12); // 1e-3 <= 1e-3 * 4
  });
});

/** A host executor that records the specs it is given. */
function recordingExecutor() {
  const host = hostRootExecutor();
  const specs: RootTaskSpec[] = [];
  return {
    specs,
    executor: {
      name: 'recording', delay: 0, kinds: host.kinds,
      submit(step: number, requests: readonly RootRequest[]) {
        specs.push(...requests.map((r) => r.spec));
        host.submit(step, requests);
      },
      collect: (step: number) => host.collect(step),
    },
  };
}

describe('damping: relative epsilon and perturbation before the computation (the reference PerturbationConfig)', () => {
  it('known answer: g = [1, 10], betas [0, 1], relativeEpsilon 0.01: damping 0.01 * lambda_max = 1.01, direction g / sqrt(101 + 1.01)', () => {
    const g = tf.tensor1d([1, 10]);
    // g g^T has eigenvalues 0 and |g|^2 = 101 (eigenvector g): X g = g / sqrt(101 + 1.01)
    const want = [1, 10].map((x) => x / Math.sqrt(101 + 1.01));
    const { direction } = firstDirection({ betas: [0, 1], epsilon: 1e-12, preconditioner: { type: 'root-inverse', relativeEpsilon: 0.01 } }, g);
    expectClose(direction, want, 1e-5, 0, 'direction');
    g.dispose();
  });

  it('random SPD (cond 1..1e8): computeRoot with relativeEpsilon is (A + max(rel lambda_max, eps) I)^(-e), before and after the computation', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 8, maxCond: 1e8 }), fc.constantFrom(1e-6, 1e-3), fc.boolean(), (m, rel, before) => {
        const eps = 1e-9;
        const o = computeRoot(task(m.a, m.n, { exponent: 0.25, epsilon: eps, solver: { relativeEpsilon: rel, perturbBeforeComputation: before } }));
        expect(o.status).toBe('ok');
        const damped = Float64Array.from(m.a);
        const d = Math.max(rel * Math.max(...m.eigenvalues), eps);
        for (let i = 0; i < m.n; i++) damped[i * m.n + i] += d;
        const want = symmetricPower(damped, m.n, -0.25);
        const scale = Math.max(...Array.from(want, Math.abs));
        expectClose(o.root!, want, 0, 1e-7 * scale, 'root');
      }),
      { numRuns: 30 },
    );
  });

  it('every solver setting reaches the root task spec of every factor', () => {
    const rec = recordingExecutor();
    const solver = { perturbBeforeComputation: false, relativeEpsilon: 1e-3 };
    const tx = scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: 2, preconditioner: { type: 'root-inverse', ...solver }, rootExecutor: rec.executor });
    const w = tf.zeros([3, 2]);
    const g = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const state = tx.init({ w });
    const [u, next] = tx.update({ w: g }, state, { w });
    expect(rec.specs.length).toBeGreaterThan(0);
    for (const s of rec.specs) expect(s.solver).toEqual(solver);
    disposeTree([state, next, u, w, g]);
  });
});

describe('coupled iterations (the reference CoupledNewtonConfig / CoupledHigherOrderConfig)', () => {
  it('Newton that reaches its iteration limit: the root is used with a warning, not a failure (random SPD, cond 1e4..1e8)', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 8, minCond: 1e4, maxCond: 1e8 }), (m) => {
        const o = computeRoot(task(m.a, m.n, { method: 'newton', exponent: 0.5, solver: { newton: { maxIterations: 3 } } }));
        expect(o.status).toBe('ok');
        expect(o.iterations).toBe(3);
        expect(o.warning).toMatch(/newton iteration for 'w#0\/0' reached its limit of 3 iterations/);
        const direct = inverseRoot(m.a, m.n, { root: 2, method: 'newton', maxIterations: 3 });
        expect(Array.from(o.root!)).toEqual(Array.from(direct.root));
      }),
      { numRuns: 20 },
    );
  });

  it('in a step: the capped Newton root is installed, onWarning is called, the failure counter stays 0', () => {
    const warnings: string[] = [];
    const g = tf.tensor2d([[1, 0.2, 0], [0, 1e-3, 0.1], [0.3, 0, 2]]);
    const base = { betas: [0, 1] as [number, number], epsilon: 1e-8, maxPreconditionerDim: 3, onWarning: (msg: string) => warnings.push(msg) };
    const capped = firstDirection({ ...base, preconditioner: { type: 'root-inverse', method: 'newton', newton: { maxIterations: 2 } } }, g);
    expect(capped.failures).toBe(0);
    expect(warnings.some((w) => /reached its limit of 2 iterations/.test(w))).toBe(true);
    // The identity root (what a counted failure keeps) would return g itself.
    expect(Math.max(...capped.direction.map((x, i) => Math.abs(x - [1, 0.2, 0, 0, 1e-3, 0.1, 0.3, 0, 2][i])))).toBeGreaterThan(1e-2);
    g.dispose();
  });

  it('Newton tolerance is read from the spec: a looser tolerance stops earlier, with a root within it', () => {
    const m = { n: 4, a: Float64Array.from([4, 1, 0, 0, 1, 3, 0.5, 0, 0, 0.5, 2, 0.1, 0, 0, 0.1, 1]) };
    const tight = computeRoot(task(m.a, 4, { method: 'newton' }));
    const loose = computeRoot(task(m.a, 4, { method: 'newton', solver: { newton: { tolerance: 1e-2 } } }));
    expect(loose.status).toBe('ok');
    expect(loose.warning).toBeUndefined();
    expect(loose.iterations!).toBeLessThan(tight.iterations!);
    expectClose(loose.root!, symmetricPower(m.a, 4, -0.5), 0, 2e-2);
  });

  it('higher-order takes its own absolute and relative epsilon, not Shampoo epsilon (random SPD, cond 1..1e6, orders 2..4)', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 8, maxCond: 1e6 }), fc.constantFrom(2, 3, 4), fc.constantFrom(0, 1e-2), (m, order, rel) => {
        const absoluteEpsilon = 0.5;
        const o = computeRoot(task(m.a, m.n, { method: 'higher-order', exponent: 0.25, epsilon: 1e-12, solver: { higherOrder: { order, absoluteEpsilon, relativeEpsilon: rel, tolerance: 1e-12 } } }));
        expect(o.status).toBe('ok');
        let rowSum = 0;
        for (let i = 0; i < m.n; i++) { let s = 0; for (let j = 0; j < m.n; j++) s += Math.abs(m.a[i * m.n + j]); rowSum = Math.max(rowSum, s); }
        const ridged = Float64Array.from(m.a);
        for (let i = 0; i < m.n; i++) ridged[i * m.n + i] += Math.max(rel * rowSum, absoluteEpsilon);
        expectClose(o.root!, symmetricPower(ridged, m.n, -0.25), 0, 1e-6);
      }),
      { numRuns: 20 },
    );
  });

  it('higher-order with no settings uses Shampoo epsilon as its absolute epsilon, order 3, tolerance 1e-8', () => {
    const a = Float64Array.from([4, 1, 1, 3]);
    const o = computeRoot(task(a, 2, { method: 'higher-order', epsilon: 0.25 }));
    const ridged = Float64Array.from([4.25, 1, 1, 3.25]);
    expectClose(o.root!, symmetricPower(ridged, 2, -0.5), 0, 1e-7);
  });
});

describe('trace scaling (the reference clamps the trace to epsilon; exponent in (0, 1])', () => {
  it('known answer: factor diag(1e-8, 1e-8), epsilon 1e-4, exponent 1/2: A = F / sqrt(max(2e-8, 1e-4)) = diag(1e-6, 1e-6)', () => {
    const a = preparedMatrix(task([1e-8, 0, 0, 1e-8], 2, { traceScalingExponent: 0.5, epsilon: 1e-4 }))!;
    expectClose(a, [1e-6, 0, 0, 1e-6], 1e-12, 0);
    // a slightly negative trace (rounding) is clamped too, not a failure
    const o = computeRoot(task([1e-9, 0, 0, -2e-9], 2, { traceScalingExponent: 1, epsilon: 1e-4 }));
    expect(o.status).toBe('ok');
  });

  it('traceScalingExponent must be in (0, 1]; 1 is allowed', () => {
    expect(() => scaleByShampoo({ useTraceScaling: true, traceScalingExponent: 1.5 })).toThrow('scaleByShampoo: traceScalingExponent = 1.5 is not allowed; allowed: a number in (0, 1]');
    expect(() => scaleByShampoo({ useTraceScaling: true, traceScalingExponent: 0 })).toThrow('traceScalingExponent = 0 is not allowed');
    expect(() => scaleByShampoo({ useTraceScaling: true, traceScalingExponent: 1 })).not.toThrow();
  });
});

describe('validation of the solver settings (name, value, what is allowed)', () => {
  const reject = (preconditioner: unknown, message: string, epsilon?: number) =>
    expect(() => scaleByShampoo({ ...(epsilon === undefined ? {} : { epsilon }), preconditioner: preconditioner as ShampooOptions['preconditioner'] })).toThrow(message);
  it('rejects bad values and settings the chosen solver would ignore', () => {
    reject({ type: 'root-inverse', rankDeficiency: 'pseudo-inverse', rankRtol: -1 }, 'scaleByShampoo: preconditioner.rankRtol = -1 is not allowed; allowed: a finite number >= 0', 0);
    reject({ type: 'root-inverse', rankDeficiency: 'pseudo-inverse', rankAtol: Number.NaN }, 'scaleByShampoo: preconditioner.rankAtol = NaN is not allowed; allowed: a finite number >= 0', 0);
    reject({ type: 'root-inverse', rankRtol: 1e-6 }, "scaleByShampoo: preconditioner.rankRtol = 0.000001 is not allowed; allowed: unset unless rankDeficiency is 'pseudo-inverse'");
    reject({ type: 'root-inverse', perturbBeforeComputation: 'yes' }, 'scaleByShampoo: preconditioner.perturbBeforeComputation = "yes" is not allowed; allowed: true or false');
    reject({ type: 'root-inverse', relativeEpsilon: -0.1 }, 'scaleByShampoo: preconditioner.relativeEpsilon = -0.1 is not allowed; allowed: a finite number >= 0');
    reject({ type: 'root-inverse', method: 'newton', relativeEpsilon: 0.1 }, 'scaleByShampoo: preconditioner.relativeEpsilon = 0.1 is not allowed; allowed: unset unless method is \'eigen\'');
    reject({ type: 'root-inverse', method: 'newton', newton: { maxIterations: 0 } }, 'scaleByShampoo: preconditioner.newton.maxIterations = 0 is not allowed; allowed: an integer >= 1');
    reject({ type: 'root-inverse', method: 'newton', newton: { tolerance: -1 } }, 'scaleByShampoo: preconditioner.newton.tolerance = -1 is not allowed; allowed: a finite number >= 0');
    reject({ type: 'root-inverse', method: 'newton', newton: { maxIter: 5 } }, "scaleByShampoo: preconditioner.newton: unknown option 'maxIter'; allowed options: [maxIterations, tolerance]; got maxIter = 5");
    reject({ type: 'root-inverse', newton: { maxIterations: 5 } }, "scaleByShampoo: preconditioner.newton = {\"maxIterations\":5} is not allowed; allowed: unset unless method is 'newton'");
    reject({ type: 'root-inverse', method: 'higher-order', higherOrder: { order: 1 } }, 'scaleByShampoo: preconditioner.higherOrder.order = 1 is not allowed; allowed: an integer >= 2');
    reject({ type: 'root-inverse', method: 'higher-order', higherOrder: { absoluteEpsilon: -1 } }, 'scaleByShampoo: preconditioner.higherOrder.absoluteEpsilon = -1 is not allowed');
    reject({ type: 'root-inverse', method: 'higher-order', higherOrder: { relEpsilon: 1 } }, "scaleByShampoo: preconditioner.higherOrder: unknown option 'relEpsilon'; allowed options: [order, absoluteEpsilon, relativeEpsilon, maxIterations, tolerance]; got relEpsilon = 1");
    reject({ type: 'kl-shampoo', method: 'higher-order', higherOrder: { tolerance: Infinity } }, 'scaleByShampoo: preconditioner.higherOrder.tolerance = Infinity is not allowed; allowed: a finite number >= 0');
  });

  it('accepts the reference defaults spelled out', () => {
    expect(() => scaleByShampoo({ preconditioner: { type: 'root-inverse', method: 'newton', newton: { maxIterations: 100, tolerance: 1e-6 } } })).not.toThrow();
    expect(() => scaleByShampoo({ preconditioner: { type: 'root-inverse', method: 'higher-order', higherOrder: { order: 3, absoluteEpsilon: 0, relativeEpsilon: 0, maxIterations: 100, tolerance: 1e-8 } } })).not.toThrow();
    expect(() => scaleByShampoo({ epsilon: 0, preconditioner: { type: 'root-inverse', rankDeficiency: 'pseudo-inverse', rankRtol: 0, rankAtol: 0 } })).not.toThrow();
  });
});
