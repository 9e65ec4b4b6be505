/**
 * Staggered root refresh (docs/algorithms.md#staggered-root-refresh): instead of every
 * block computing its roots on the same step, each block b gets a phase phi_b in
 * [0, f) (f = preconditionFrequency) and refreshes on the steps t > start with
 * t mod f = phi_b (step-schedule.ts isRootStep with a phase), so it is still refreshed exactly once in every f consecutive steps,
 * but the blocks' root work is spread over the steps. Every block refreshes at
 * t = start as before (the first roots). Phase 0 for every block is today's schedule.
 *
 * The phases balance the work: a block's cost is c_b = sum_k n_k^3 over its dims n_k (an
 * eigendecomposition is O(n^3)); taking the blocks by decreasing cost (ties: their order),
 * each goes to the phase of least total cost so far (ties: the lowest phase), the
 * longest-processing-time rule, whose largest phase load is at most 4/3 of the optimum.
 */
/** What the phases read of a block: its key and its shape. */
export interface PhasedBlock {
  readonly key: string;
  readonly shape: readonly number[];
}

/** The root-work cost of a block of this shape: sum_k n_k^3. */
export function rootCost(shape: readonly number[]): number {
  return shape.reduce((sum, n) => sum + n ** 3, 0);
}

/**
 * The phase phi_b in [0, frequency) of every block, in the blocks' order, by the
 * longest-processing-time rule of the module comment.
 */
export function rootPhases(blocks: readonly PhasedBlock[], frequency: number): number[] {
  const load = new Array<number>(frequency).fill(0);
  const phases = new Array<number>(blocks.length).fill(0);
  const order = blocks.map((b, i) => ({ i, cost: rootCost(b.shape) })).sort((a, b) => b.cost - a.cost || a.i - b.i);
  for (const { i, cost } of order) {
    let best = 0;
    for (let p = 1; p < frequency; p++) if (load[p] < load[best]) best = p;
    phases[i] = best;
    load[best] += cost;
  }
  return phases;
}

/**
 * The phases of the blocks of a step, cached by their keys (a step sees the same blocks
 * again and again): `of(blocks)` returns rootPhases(blocks, frequency).
 */
export function phaseCache(frequency: number): { of(blocks: readonly PhasedBlock[]): readonly number[] } {
  const cache = new Map<string, readonly number[]>();
  return {
    of(blocks) {
      const key = blocks.map((b) => `${b.key}:${b.shape.join('x')}`).join('|');
      let phases = cache.get(key);
      if (!phases) cache.set(key, (phases = rootPhases(blocks, frequency)));
      return phases;
    },
  };
}
