/**
 * The learning-rate grid of the time-to-target protocol: half-decades,
 *   lr_k = 10^(k/2) rounded to one significant digit  (..., 1e-3, 3e-3, 1e-2, 3e-2, ...),
 * the same points for every optimizer. A grid is widened by one half-decade past an edge
 * while some optimizer's best lr sits on that edge; a best lr still on an edge after the
 * last widening is flagged in the tables.
 */

/** The half-decade index k of lr (lr ~ 10^(k/2)). */
export function halfDecadeIndex(lr: number): number {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`halfDecadeIndex: lr = ${lr} is not allowed; allowed: a finite number > 0`);
  return Math.round(2 * Math.log10(lr));
}

/** The grid point of index k: 10^(k/2) to one significant digit (3.16e-3 -> 3e-3). */
export function halfDecade(k: number): number {
  return Number(Math.pow(10, k / 2).toPrecision(1));
}

/** The half-decade grid from lo to hi (both rounded to the grid), ascending. */
export function halfDecadeGrid(lo: number, hi: number): number[] {
  const a = halfDecadeIndex(lo);
  const b = halfDecadeIndex(hi);
  if (a > b) throw new RangeError(`halfDecadeGrid: lo = ${lo} is not allowed; allowed: lo <= hi (${hi})`);
  return Array.from({ length: b - a + 1 }, (_, i) => halfDecade(a + i));
}

/** Which edge of the (sorted) grid lr is on, if any; a one-point grid has no interior. */
export function gridEdge(grid: readonly number[], lr: number): 'low' | 'high' | null {
  const sorted = [...grid].sort((x, y) => x - y);
  if (lr === sorted[sorted.length - 1]) return 'high';
  if (lr === sorted[0]) return 'low';
  return null;
}

/** The points to add so that each best lr on an edge gets a neighbour beyond it (none if all are interior). */
export function widening(grid: readonly number[], bests: readonly number[]): number[] {
  const sorted = [...grid].sort((x, y) => x - y);
  const add = new Set<number>();
  for (const best of bests) {
    const edge = gridEdge(sorted, best);
    if (edge === 'low') add.add(halfDecade(halfDecadeIndex(sorted[0]) - 1));
    if (edge === 'high') add.add(halfDecade(halfDecadeIndex(sorted[sorted.length - 1]) + 1));
  }
  return [...add].filter((x) => !sorted.includes(x)).sort((x, y) => x - y);
}

/** The suites' starting grid, 3e-4 .. 3e-2 (five half-decades; widened as needed). */
export const DEFAULT_LR_GRID: readonly number[] = halfDecadeGrid(3e-4, 3e-2);
