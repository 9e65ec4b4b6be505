/**
 * Inverse p-th roots over random SPD, low-rank and indefinite matrices: eigen, coupled
 * Newton and coupled higher-order, and the rank-deficiency rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbLowRank,
  arbSpd,
  fromEigenpairs,
  jacobiEigen,
  psdCheck,
  randomOrthogonal,
  relativeError,
  spdWithCondition,
  symmetryError,
} from '@shampoo-ts/testing';
import {
  coupledHigherOrderInverseRoot,
  coupledNewtonInverseRoot,
  HIGHER_ORDER_RESIDUAL_LIMIT,
  inverseRoot,
  matrixPowerFromEigen,
  symmetricEigenJs,
} from '@shampoo-ts/linalg';
import { EPS, maxAbsDifference, naiveRootResidual } from './helpers.js';

/** A^(-1/r) from the known spectrum of a built matrix (the exact answer up to forming it). */
function exactRoot(q: Float64Array, eigenvalues: Float64Array, n: number, r: number): Float64Array {
  return fromEigenpairs(q, Array.from(eigenvalues, (l) => Math.pow(l, -1 / r)), n);
}

describe('inverseRoot, method eigen', () => {
  it('random SPD (n 1..64, cond 1..1e10, scale 1e-3..1e3), r in {1, 2, 4, 8, 2.5}, both kernels: symmetric PSD root, A X^r = I within 16 n eps cond', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 64, maxCond: 1e10, minScale: 1e-3, maxScale: 1e3 }), fc.constantFrom(1, 2, 4, 8, 2.5), fc.constantFrom('js', 'auto') as fc.Arbitrary<'js' | 'auto'>, (m, r, kernel) => {
        const res = inverseRoot(m.a, m.n, { root: r, kernel });
        expect(res.converged).toBe(true);
        expect(res.iterations).toBe(0);
        expect(symmetryError(res.root, m.n)).toBe(0);
        expect(psdCheck(res.root, m.n).ok).toBe(true);
        const bound = 16 * m.n * EPS * m.cond;
        expect(res.residual).toBeLessThanOrEqual(bound);
        if (Number.isInteger(r)) expect(naiveRootResidual(m.a, res.root, m.n, r)).toBeLessThanOrEqual(bound);
        // against the root built from the known spectrum: relative error grows with cond / r
        expect(relativeError(res.root, exactRoot(m.q, m.eigenvalues, m.n, r))).toBeLessThanOrEqual(16 * m.n * EPS * (1 + m.cond / r));
      }),
      { numRuns: 40 },
    );
  });

  it('a slightly asymmetric A (within symmetryTolerance) gives bit for bit the root, eigenpairs and residual of (A + A^T)/2, both kernels and both rank-deficiency modes', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 40, maxCond: 1e6 }), fc.nat(), fc.constantFrom('js', 'auto') as fc.Arbitrary<'js' | 'auto'>, fc.boolean(), (m, seed, kernel, pseudo) => {
        const n = m.n;
        const skewed = Float64Array.from(m.a);
        // perturb the upper triangle only, by up to 1e-9 relative (the tolerance is 1e-6)
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) skewed[i * n + j] *= 1 + 1e-9 * Math.sin(seed + 7 * i + 3 * j);
        const sym = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = i === j ? skewed[i * n + i] : 0.5 * (skewed[i * n + j] + skewed[j * n + i]);
        const options = pseudo
          ? { root: 4, kernel, rankDeficiency: { mode: 'pseudo-inverse' as const } }
          : { root: 4, kernel, epsilon: 1e-6 };
        const x = inverseRoot(skewed, n, options);
        const y = inverseRoot(sym, n, options);
        expect(Array.from(x.root)).toEqual(Array.from(y.root));
        expect(Array.from(x.eigen!.values)).toEqual(Array.from(y.eigen!.values));
        expect(Array.from(x.eigen!.vectors)).toEqual(Array.from(y.eigen!.vectors));
        expect(x.residual).toBe(y.residual);
      }),
      { numRuns: 30 },
    );
  });

  it('perturbation (default, before the computation): the root of A + eps I, eigenvalues of A + eps I returned', () => {
    const m = spdWithCondition({ n: 12, cond: 1e3, seed: 11 });
    const eps = 1e-2;
    const res = inverseRoot(m.a, 12, { root: 4, epsilon: eps });
    const shifted = Float64Array.from(m.eigenvalues, (l) => l + eps);
    expect(relativeError(res.root, exactRoot(m.q, shifted, 12, 4))).toBeLessThan(1e-12);
    expect(relativeError(res.eigen!.values, shifted)).toBeLessThan(1e-13);
  });

  it('perturbation on an indefinite matrix: eigenvalues shifted so that the smallest is eps (before) / lambda - lambda_min + eps (after)', () => {
    const n = 8;
    const q = randomOrthogonal(n, 5);
    const lambda = Float64Array.from([-0.5, -0.1, 0, 0.2, 0.4, 1, 2, 3]);
    const a = fromEigenpairs(q, lambda, n);
    const eps = 1e-3;
    // before: eig(A + eps I) = lambda + eps; its min (-0.499) < eps, so shift by eps - min: lambda - lambda_min + eps
    const before = inverseRoot(a, n, { root: 2, epsilon: eps });
    const expectedBefore = exactRoot(q, Float64Array.from(lambda, (l) => l - lambda[0] + eps), n, 2);
    expect(relativeError(before.root, expectedBefore)).toBeLessThan(1e-10);
    // after: eig(A) = lambda, then lambda - min(lambda_min, 0) + eps, the same spectrum here
    const after = inverseRoot(a, n, { root: 2, epsilon: eps, rankDeficiency: { mode: 'perturbation', perturbBeforeComputation: false } });
    expect(relativeError(after.root, expectedBefore)).toBeLessThan(1e-10);
    // the residual is measured against A + eps I, so it shows the shift (A was indefinite)
    expect(before.residual).toBeGreaterThan(0.1);
  });

  it('perturbation after the computation on an SPD matrix adds eps exactly once', () => {
    const m = spdWithCondition({ n: 10, cond: 100, seed: 4 });
    const eps = 0.05;
    const res = inverseRoot(m.a, 10, { root: 2, epsilon: eps, rankDeficiency: { mode: 'perturbation', perturbBeforeComputation: false } });
    expect(relativeError(res.root, exactRoot(m.q, Float64Array.from(m.eigenvalues, (l) => l + eps), 10, 2))).toBeLessThan(1e-12);
  });

  it('relative epsilon: random SPD (cond 1..1e10), the root of A + max(rel lambda_max, eps) I, before and after the computation', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 24, maxCond: 1e10 }), fc.constantFrom(1e-8, 1e-4, 1e-2), fc.constantFrom(0, 1e-12, 1e-3), fc.boolean(), (m, rel, eps, before) => {
        const lambdaMax = Math.max(...m.eigenvalues);
        const damping = Math.max(rel * lambdaMax, eps);
        const res = inverseRoot(m.a, m.n, { root: 2, epsilon: eps, relativeEpsilon: rel, rankDeficiency: { mode: 'perturbation', perturbBeforeComputation: before } });
        const shifted = Float64Array.from(m.eigenvalues, (l) => l + damping);
        // the damped condition number is at most (1 + rel) / rel
        expect(relativeError(res.root, exactRoot(m.q, shifted, m.n, 2))).toBeLessThanOrEqual(64 * m.n * EPS * (1 + 1 / rel));
        expect(res.residual).toBeLessThanOrEqual(64 * m.n * EPS * (1 + 1 / rel));
      }),
      { numRuns: 40 },
    );
  });

  it('relative epsilon is refused with Newton and with the pseudo-inverse, naming it', () => {
    const a = Float64Array.from([2, 0, 0, 1]);
    expect(() => inverseRoot(a, 2, { root: 2, relativeEpsilon: 1e-3, method: 'newton' })).toThrow(/inverseRoot: relativeEpsilon = 0.001 must be 0 with method 'newton'/);
    expect(() => inverseRoot(a, 2, { root: 2, relativeEpsilon: 1e-3, rankDeficiency: { mode: 'pseudo-inverse' } })).toThrow(/relativeEpsilon = 0.001 must be 0 with rankDeficiency.mode 'pseudo-inverse'/);
    expect(() => inverseRoot(a, 2, { root: 2, relativeEpsilon: -1 })).toThrow(/relativeEpsilon/);
  });

  it('pseudo-inverse of low-rank G G^T: zero on the null space, the inverse root on the range, Penrose residual small', () => {
    fc.assert(
      fc.property(arbLowRank({ minN: 2, maxN: 24, eps: [0] }), fc.constantFrom(1, 2, 4), (m, r) => {
        fc.pre(m.rank < m.n);
        const n = m.n;
        const rtol = n * EPS * 10;
        const res = inverseRoot(m.a, n, { root: r, rankDeficiency: { mode: 'pseudo-inverse', rtol } });
        expect(res.converged).toBe(true);
        expect(res.residual).toBeLessThan(1e-8);
        // X annihilates the null space of A: X v = 0 for every eigenvector v of a (numerically) zero eigenvalue
        const { values, vectors } = jacobiEigen(m.a, n);
        const cutoff = rtol * values[n - 1];
        let xNorm = 0;
        for (let i = 0; i < n * n; i++) xNorm = Math.max(xNorm, Math.abs(res.root[i]));
        for (let j = 0; j < n; j++) {
          if (values[j] > cutoff) continue;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += res.root[i * n + k] * vectors[k * n + j];
            expect(Math.abs(s)).toBeLessThanOrEqual(1e-6 * xNorm);
          }
        }
        // and the rank of X equals the rank of A
        const xValues = jacobiEigen(res.root, n).values;
        const rankX = Array.from(xValues).filter((v) => v > 1e-8 * xValues[n - 1]).length;
        expect(rankX).toBe(Array.from(values).filter((v) => v > cutoff).length);
      }),
      { numRuns: 30 },
    );
  });

  it('pseudo-inverse cutoff: eigenvalues at or below max(rtol * lambda_max, atol) map to 0', () => {
    const q = randomOrthogonal(4, 9);
    const lambda = Float64Array.from([1e-9, 1e-4, 1, 100]);
    const a = fromEigenpairs(q, lambda, 4);
    const keep = (mask: number[]): Float64Array => fromEigenpairs(q, Array.from(lambda, (l, i) => (mask[i] ? 1 / Math.sqrt(l) : 0)), 4);
    const cases: [{ rtol?: number; atol?: number }, number[]][] = [
      [{}, [1, 1, 1, 1]],
      [{ rtol: 1e-8 }, [0, 1, 1, 1]],
      [{ atol: 1e-3 }, [0, 0, 1, 1]],
      [{ rtol: 1e-8, atol: 2 }, [0, 0, 0, 1]],
    ];
    for (const [tol, mask] of cases) {
      const res = inverseRoot(a, 4, { root: 2, rankDeficiency: { mode: 'pseudo-inverse', ...tol } });
      // lambda = 1e-9 is known to about 2^-52 * 100 / 1e-9 = 2e-5 relative, so its inverse root to 1e-5
      expect(relativeError(res.root, keep(mask)), JSON.stringify(tol)).toBeLessThan(mask[0] ? 1e-4 : 1e-10);
    }
  });

  it('eps = 0 on a singular matrix with perturbation: not converged (infinite root), no exception', () => {
    const a = Float64Array.from([1, 0, 0, 0]);
    const res = inverseRoot(a, 2, { root: 2 });
    expect(res.converged).toBe(false);
    expect(res.residual).toBe(Infinity);
  });

  it('matrixPowerFromEigen gives A^s for positive and negative exponents, and A^1 = A', () => {
    const m = spdWithCondition({ n: 16, cond: 1e4, seed: 8 });
    const eigen = symmetricEigenJs(m.a, 16);
    expect(relativeError(matrixPowerFromEigen(eigen, 1), m.a)).toBeLessThan(1e-13);
    for (const s of [-1, -0.5, -0.25, 0.5, 2, -1 / 3, 0.7]) {
      const expected = fromEigenpairs(m.q, Array.from(m.eigenvalues, (l) => Math.pow(l, s)), 16);
      expect(relativeError(matrixPowerFromEigen(eigen, s), expected), `s=${s}`).toBeLessThan(1e-9);
    }
  });
});

describe('coupled Newton', () => {
  it('random SPD (n 1..48, cond 1..1e8), p in {1, 2, 4, 8}: converges, residual <= 100 n eps cond + 1e-5, agrees with eigen', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 48, maxCond: 1e8, minScale: 1e-2, maxScale: 1e2 }), fc.constantFrom(1, 2, 4, 8), (m, p) => {
        const newton = coupledNewtonInverseRoot(m.a, m.n, { root: p });
        expect(newton.converged).toBe(true);
        expect(newton.termination).toBe('converged');
        expect(newton.iterationError).toBeLessThanOrEqual(1e-6);
        expect(symmetryError(newton.root, m.n)).toBe(0);
        const bound = 100 * m.n * EPS * m.cond + 1e-5;
        expect(newton.residual).toBeLessThanOrEqual(bound);
        expect(naiveRootResidual(m.a, newton.root, m.n, p)).toBeLessThanOrEqual(bound);
        const eig = inverseRoot(m.a, m.n, { root: p });
        // M within 1e-6 of I means X within about 1e-6 / p of the root (relative), plus rounding growing with cond
        expect(relativeError(newton.root, eig.root)).toBeLessThanOrEqual(2e-6 + 100 * m.n * EPS * m.cond);
      }),
      { numRuns: 30 },
    );
  });

  it('iterations grow with the condition number (about log(cond)) and stay far below 100 up to cond 1e10', () => {
    const its = [1, 1e3, 1e6, 1e10].map((cond) => coupledNewtonInverseRoot(spdWithCondition({ n: 32, cond, seed: 3 }).a, 32, { root: 4 }).iterations);
    for (let i = 1; i < its.length; i++) expect(its[i]).toBeGreaterThan(its[i - 1]);
    expect(its[3]).toBeLessThan(40);
  });

  it('too few iterations: converged false with the honest residual, no exception', () => {
    const m = spdWithCondition({ n: 16, cond: 1e6, seed: 2 });
    const res = coupledNewtonInverseRoot(m.a, 16, { root: 4, maxIterations: 3 });
    expect(res.converged).toBe(false);
    expect(res.termination).toBe('max-iterations');
    expect(res.iterations).toBe(3);
    expect(res.residual).toBeGreaterThan(1e-3);
    expect(Math.abs(res.residual - naiveRootResidual(m.a, res.root, 16, 4))).toBeLessThan(1e-6 * res.residual);
  });

  it('inverseRoot reports how the iteration ended: a Newton run cut at maxIterations is finite, termination max-iterations', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 16, minCond: 1e4, maxCond: 1e8 }), (m) => {
        const cut = inverseRoot(m.a, m.n, { root: 2, method: 'newton', maxIterations: 3 });
        expect(cut.converged).toBe(false);
        expect(cut.termination).toBe('max-iterations');
        expect(cut.root.every(Number.isFinite)).toBe(true);
        const full = inverseRoot(m.a, m.n, { root: 2, method: 'newton' });
        expect(full.termination).toBe('converged');
      }),
      { numRuns: 20 },
    );
  });

  it('epsilon: the root of A + eps I', () => {
    const m = spdWithCondition({ n: 10, cond: 1e5, seed: 6 });
    const res = coupledNewtonInverseRoot(m.a, 10, { root: 2, epsilon: 1e-3, tolerance: 1e-12 });
    expect(relativeError(res.root, exactRoot(m.q, Float64Array.from(m.eigenvalues, (l) => l + 1e-3), 10, 2))).toBeLessThan(1e-10);
  });
});

describe('coupled higher order', () => {
  it('random SPD (n 1..48, cond 1..1e8), rational roots, orders 2..4: agrees with eigen, residual <= 0.1 => converged', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 48, maxCond: 1e8 }), fc.constantFrom(1, 2, 4, 1.5, 0.5, 2.5), fc.integer({ min: 2, max: 4 }), (m, r, order) => {
        const res = coupledHigherOrderInverseRoot(m.a, m.n, { root: r, order });
        expect(res.converged).toBe(true);
        expect(res.residual).toBeLessThanOrEqual(HIGHER_ORDER_RESIDUAL_LIMIT);
        expect(res.residual).toBeLessThanOrEqual(100 * m.n * EPS * m.cond + 1e-7);
        const eig = inverseRoot(m.a, m.n, { root: r });
        expect(relativeError(res.root, eig.root)).toBeLessThanOrEqual(1e-6 + 1000 * m.n * EPS * m.cond);
      }),
      { numRuns: 30 },
    );
  });

  it('higher order takes fewer iterations than order 2 on the same matrix', () => {
    const a = spdWithCondition({ n: 24, cond: 1e8, seed: 12 }).a;
    const its = [2, 3, 4].map((order) => coupledHigherOrderInverseRoot(a, 24, { root: 4, order }).iterations);
    expect(its[1]).toBeLessThan(its[0]);
    expect(its[2]).toBeLessThanOrEqual(its[1]);
  });

  it('relative and absolute epsilon: the ridge is max(relativeEpsilon ||A||_inf, epsilon)', () => {
    const m = spdWithCondition({ n: 8, cond: 1e3, seed: 14 });
    let normInf = 0;
    for (let i = 0; i < 8; i++) {
      let s = 0;
      for (let j = 0; j < 8; j++) s += Math.abs(m.a[i * 8 + j]);
      normInf = Math.max(normInf, s);
    }
    for (const [rel, abs] of [[1e-2, 1e-4], [1e-5, 1e-2]]) {
      const ridge = Math.max(rel * normInf, abs);
      const res = coupledHigherOrderInverseRoot(m.a, 8, { root: 2, relativeEpsilon: rel, epsilon: abs, tolerance: 1e-14 });
      expect(relativeError(res.root, exactRoot(m.q, Float64Array.from(m.eigenvalues, (l) => l + ridge), 8, 2))).toBeLessThan(1e-9);
    }
  });

  it('a final residual above 0.1 is reported as converged = false, not thrown', () => {
    const m = spdWithCondition({ n: 16, cond: 1e8, seed: 1 });
    const res = coupledHigherOrderInverseRoot(m.a, 16, { root: 4, maxIterations: 2 });
    expect(res.converged).toBe(false);
    expect(res.residual).toBeGreaterThan(HIGHER_ORDER_RESIDUAL_LIMIT);
    expect(res.termination).toBe('max-iterations');
  });

  it('inverseRoot dispatches to the iterations with the same results', () => {
    const m = spdWithCondition({ n: 12, cond: 1e4, seed: 21 });
    expect(inverseRoot(m.a, 12, { root: 4, method: 'newton' }).root).toEqual(coupledNewtonInverseRoot(m.a, 12, { root: 4 }).root);
    expect(inverseRoot(m.a, 12, { root: 1.5, method: 'higher-order', order: 4 }).root).toEqual(
      coupledHigherOrderInverseRoot(m.a, 12, { root: 1.5, order: 4 }).root,
    );
    expect(maxAbsDifference(inverseRoot(m.a, 12, { root: 4, method: 'newton' }).root, inverseRoot(m.a, 12, { root: 4 }).root)).toBeLessThan(1e-5);
  });
});
