import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  arbClusteredSymmetric,
  arbLowRank,
  arbMatrix,
  arbOrthogonal,
  arbSpd,
  arbSymmetricMatrix,
  isSymmetric,
  jacobiEigen,
  orthogonalityError,
  psdCheck,
  randomOrthogonal,
  spdWithCondition,
} from '@shampoo-ts/testing';

const EPS = Number.EPSILON;

describe('arbOrthogonal / randomOrthogonal', () => {
  it('gives orthogonal matrices: ||Q^T Q - I||_F < 10 n eps, n in [1, 64]', () => {
    fc.assert(
      fc.property(arbOrthogonal({ maxN: 64 }), ({ n, q }) => {
        expect(q.length).toBe(n * n);
        expect(orthogonalityError(q, n)).toBeLessThan(10 * n * EPS);
      }),
      { numRuns: 30 },
    );
  });
  it('is reproducible from the seed and differs between seeds', () => {
    expect(randomOrthogonal(5, 7)).toEqual(randomOrthogonal(5, 7));
    expect(randomOrthogonal(5, 7)).not.toEqual(randomOrthogonal(5, 8));
  });
});

describe('arbSpd / spdWithCondition', () => {
  it('eigenvalues are logspace(0, -log10 cond, n) * scale and match jacobiEigen to 1e-10 relative (cond <= 1e4)', () => {
    fc.assert(
      fc.property(arbSpd({ minN: 2, maxN: 24, maxCond: 1e4, minScale: 1e-3, maxScale: 1e3 }), (m) => {
        const { n, a, eigenvalues, cond, scale } = m;
        expect(isSymmetric(a, n)).toBe(true);
        expect(eigenvalues[n - 1]).toBe(scale);
        expect(Math.abs(eigenvalues[n - 1] / eigenvalues[0] / cond - 1)).toBeLessThan(1e-13);
        // consecutive ratios are equal: a log-spaced spectrum
        const ratio = eigenvalues[1] / eigenvalues[0];
        for (let i = 1; i < n; i++) expect(Math.abs(eigenvalues[i] / eigenvalues[i - 1] / ratio - 1)).toBeLessThan(1e-12);
        const { values } = jacobiEigen(a, n);
        for (let i = 0; i < n; i++) expect(Math.abs(values[i] / eigenvalues[i] - 1)).toBeLessThan(1e-10);
        expect(Math.abs(values[n - 1] / values[0] / cond - 1)).toBeLessThan(1e-10);
      }),
    );
  });

  it('up to cond 1e10 the spectrum is known to the Weyl bound n eps lambda_max', () => {
    fc.assert(
      fc.property(arbSpd({ maxN: 24, minCond: 1e4, maxCond: 1e10 }), ({ n, a, eigenvalues }) => {
        const { values } = jacobiEigen(a, n);
        for (let i = 0; i < n; i++) expect(Math.abs(values[i] - eigenvalues[i])).toBeLessThan(10 * n * EPS * eigenvalues[n - 1]);
      }),
    );
  });

  it('returns the Q it used: Q^T A Q = diag(eigenvalues)', () => {
    const { n, a, q, eigenvalues } = spdWithCondition({ n: 6, cond: 100, seed: 3, scale: 2 });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) s += q[k * n + i] * a[k * n + l] * q[l * n + j];
        expect(Math.abs(s - (i === j ? eigenvalues[i] : 0))).toBeLessThan(1e-14);
      }
    }
  });

  it('n = 1 gives [scale] with cond 1', () => {
    const m = spdWithCondition({ n: 1, cond: 1e6, seed: 1, scale: 3 });
    expect(Array.from(m.a)).toEqual([3]);
    expect(m.cond).toBe(1);
  });

  it('rejects cond < 1, a non-positive scale and bad ranges, naming them', () => {
    expect(() => spdWithCondition({ n: 3, cond: 0.5, seed: 1 })).toThrow(/cond is 0.5; allowed: a finite number >= 1/);
    expect(() => spdWithCondition({ n: 3, cond: 2, seed: 1, scale: -1 })).toThrow(/scale is -1/);
    expect(() => arbSpd({ minN: 5, maxN: 2 })).toThrow(/minN = 5 > maxN = 2/);
    expect(() => arbSpd({ maxCond: 0.1 })).toThrow(/maxCond is 0.1/);
  });
});

describe('arbLowRank', () => {
  it('is PSD with n - rank eigenvalues equal to eps', () => {
    fc.assert(
      fc.property(arbLowRank({ maxN: 12, minRank: 0 }), ({ n, rank, eps, a }) => {
        expect(isSymmetric(a, n)).toBe(true);
        const { values, ok, maxEigenvalue } = psdCheck(a, n);
        expect(ok).toBe(true);
        const tol = 20 * n * EPS * Math.max(maxEigenvalue, eps, 1e-300);
        for (let i = 0; i < n - rank; i++) expect(Math.abs(values[i] - eps)).toBeLessThanOrEqual(tol);
        if (rank > 0) expect(values[n - 1]).toBeGreaterThan(eps);
      }),
    );
  });
});

describe('arbClusteredSymmetric', () => {
  it('has the promised eigenvalues with their multiplicities', () => {
    fc.assert(
      fc.property(arbClusteredSymmetric({ maxN: 12, maxClusters: 4, signed: true }), ({ n, a, eigenvalues, clusters }) => {
        expect(clusters.reduce((s, c) => s + c.multiplicity, 0)).toBe(n);
        expect(new Set(clusters.map((c) => c.value)).size).toBe(clusters.length);
        for (const c of clusters) expect(eigenvalues.filter((v) => v === c.value).length).toBe(c.multiplicity);
        const { values } = jacobiEigen(a, n);
        const scale = Math.max(...clusters.map((c) => Math.abs(c.value)), 1e-300);
        for (let i = 0; i < n; i++) expect(Math.abs(values[i] - eigenvalues[i])).toBeLessThan(10 * n * EPS * scale);
      }),
    );
  });
  it('is SPD by default', () => {
    fc.assert(
      fc.property(arbClusteredSymmetric({ maxN: 8 }), ({ eigenvalues }) => {
        expect(eigenvalues[0]).toBeGreaterThan(0);
      }),
    );
  });
});

describe('entry-wise arbitraries', () => {
  it('arbMatrix respects its size and magnitude ranges', () => {
    fc.assert(
      fc.property(arbMatrix({ minRows: 2, maxRows: 5, maxCols: 3, maxAbs: 4 }), ({ rows, cols, data }) => {
        expect(rows).toBeGreaterThanOrEqual(2);
        expect(rows).toBeLessThanOrEqual(5);
        expect(cols).toBeLessThanOrEqual(3);
        expect(data.length).toBe(rows * cols);
        for (const x of data) expect(Math.abs(x)).toBeLessThanOrEqual(4);
      }),
    );
  });
  it('arbSymmetricMatrix is exactly symmetric', () => {
    fc.assert(
      fc.property(arbSymmetricMatrix({ maxN: 9 }), ({ n, a }) => {
        expect(isSymmetric(a, n, 0)).toBe(true);
      }),
    );
  });
});
