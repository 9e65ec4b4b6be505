import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignBlocks, assignBlocksByCost, bytesCost, lptOrder, polynomialCost } from '@shampoo-ts/distributed';

/** Smallest possible makespan over all m^n assignments (exhaustive search, small n only). */
function bruteForceOptimum(costs: readonly number[], m: number): number {
  const loads = new Array<number>(m).fill(0);
  let best = Infinity;
  const visit = (b: number): void => {
    const current = Math.max(...loads);
    if (current >= best) return;
    if (b === costs.length) {
      best = current;
      return;
    }
    for (let r = 0; r < m; r++) {
      loads[r] += costs[b];
      visit(b + 1);
      loads[r] -= costs[b];
    }
  };
  visit(0);
  return best;
}

const lptFactor = (m: number): number => 4 / 3 - 1 / (3 * m);

describe('assignBlocksByCost (greedy LPT)', () => {
  it('owns every block exactly once and reports loads that are the sums of owned costs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (costs, m) => {
        const a = assignBlocksByCost(costs, m);
        expect(a.owners).toHaveLength(costs.length);
        const seen = a.blocksByOwner.flat().sort((x, y) => x - y);
        expect(seen).toEqual(costs.map((_, b) => b));
        a.blocksByOwner.forEach((blocks, r) => {
          for (const b of blocks) expect(a.owners[b]).toBe(r);
          expect([...blocks]).toEqual([...blocks].sort((x, y) => x - y));
          const sum = blocks.reduce((s, b) => s + costs[b], 0);
          expect(a.loads[r]).toBeCloseTo(sum, 6);
        });
      }),
    );
  });

  it('is within (4/3 - 1/(3m)) of the brute-force optimum on small instances', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 3 }), (costs, m) => {
        const a = assignBlocksByCost(costs, m);
        const opt = bruteForceOptimum(costs, m);
        expect(Math.max(...a.loads)).toBeLessThanOrEqual(lptFactor(m) * opt + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('hits a known instance where LPT is exactly (4/3 - 1/(3m)) times optimal', () => {
    // Graham's tight example for m = 2: costs 3,3,2,2,2; optimum 6 (3+3 | 2+2+2), LPT 7.
    const a = assignBlocksByCost([3, 3, 2, 2, 2], 2);
    expect(Math.max(...a.loads)).toBe(7);
    expect(bruteForceOptimum([3, 3, 2, 2, 2], 2)).toBe(6);
    expect(7 / 6).toBeCloseTo(lptFactor(2), 12);
  });

  it('on larger instances stays within the list-scheduling bound of the lower bound max(max cost, total/m)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 << 20 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (costs, m) => {
        const a = assignBlocksByCost(costs, m);
        const total = costs.reduce((s, c) => s + c, 0);
        const lower = Math.max(Math.max(...costs), total / m);
        const makespan = Math.max(...a.loads);
        expect(makespan).toBeGreaterThanOrEqual(lower - 1e-9);
        expect(makespan).toBeLessThanOrEqual((2 - 1 / m) * lower + 1e-9);
        // Critical-block bound: the heaviest owner's last block c was placed on a least-loaded
        // owner, so makespan <= (total - c)/m + c.
        const heaviest = a.loads.indexOf(makespan);
        const order = lptOrder(costs);
        const lastOnHeaviest = order.filter((b) => a.owners[b] === heaviest).at(-1);
        if (lastOnHeaviest !== undefined) {
          const c = costs[lastOnHeaviest];
          expect(makespan).toBeLessThanOrEqual((total - c) / m + c + 1e-9);
        }
      }),
    );
  });

  it('is deterministic and gives equal costs to lower indices first, equal loads to lower owners first', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (costs, m) => {
        expect(assignBlocksByCost(costs, m)).toEqual(assignBlocksByCost([...costs], m));
      }),
    );
    // Four equal blocks on two owners alternate 0, 1, 0, 1.
    expect(assignBlocksByCost([5, 5, 5, 5], 2).owners).toEqual([0, 1, 0, 1]);
    // Largest first: block 2 (cost 9) goes to owner 0, then 1 and 0 (cost 4, tie: lower index) to owner 1 ...
    expect(assignBlocksByCost([4, 4, 9], 2).owners).toEqual([1, 1, 0]);
  });

  it('rejects bad input with the parameter, the value and what is allowed', () => {
    expect(() => assignBlocksByCost([1, 2], 0)).toThrow(/numOwners = 0 is not allowed; allowed: an integer with 1 <= numOwners/);
    expect(() => assignBlocksByCost([1, 2], 1.5)).toThrow(/numOwners = 1.5/);
    expect(() => assignBlocksByCost([1, -2], 2)).toThrow(/costs\[1\] = -2 is not allowed; allowed: a finite number with 0 <= costs\[1\]/);
    expect(() => assignBlocksByCost([NaN], 2)).toThrow(/costs\[0\] = NaN/);
    expect(() => assignBlocksByCost([Infinity], 2)).toThrow(/costs\[0\] = Infinity/);
  });
});

describe('cost models', () => {
  it('bytesCost is the float32 bytes rounded up to a multiple of 64', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 3 }), (shape) => {
        const bytes = 4 * shape.reduce((p, d) => p * d, 1);
        const cost = bytesCost()(shape);
        expect(cost % 64).toBe(0);
        expect(cost).toBeGreaterThanOrEqual(bytes);
        expect(cost - bytes).toBeLessThan(64);
      }),
    );
    expect(bytesCost()([3, 5])).toBe(64);
    expect(bytesCost()([4, 4])).toBe(64);
    expect(bytesCost()([17])).toBe(128);
    expect(bytesCost({ bytesPerElement: 2, alignment: 8 })([5])).toBe(16);
    expect(() => bytesCost({ alignment: 0 })).toThrow(/alignment = 0 is not allowed/);
    expect(() => bytesCost()([2, -1])).toThrow(/blockShape\[1\] = -1 is not allowed/);
  });

  it('polynomialCost evaluates sum_i sum_j c_j d_i^j + e * prod d', () => {
    const cubic = polynomialCost([0, 0, 0, 1]);
    expect(cubic([10, 20])).toBe(1000 + 8000);
    expect(polynomialCost([1, 2], { elementCoefficient: 3 })([4, 5])).toBe(1 + 8 + 1 + 10 + 3 * 20);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 3 }), (shape) => {
        expect(cubic(shape)).toBe(shape.reduce((s, d) => s + d ** 3, 0));
      }),
    );
    expect(() => polynomialCost([])).toThrow(/coefficients/);
    expect(() => polynomialCost([1, -1])).toThrow(/coefficients\[1\] = -1 is not allowed/);
  });

  it('assignBlocks with a cubic cost balances root work instead of bytes', () => {
    const shapes = [[1024, 1024], [64, 64], [64, 64], [64, 64], [512, 512], [512, 512]];
    const byBytes = assignBlocks(shapes, 2);
    expect(byBytes.costs[0]).toBe(4 * 1024 * 1024);
    const byRoots = assignBlocks(shapes, 2, polynomialCost([0, 0, 0, 1]));
    expect(byRoots.costs[0]).toBe(2 * 1024 ** 3);
    // The 1024x1024 block alone outweighs everything else in both models.
    expect(byBytes.owners[0]).toBe(0);
    expect(byRoots.blocksByOwner[0]).toEqual([0]);
  });
});
