/**
 * What a user watches to trust a long Shampoo run: per block, after every step, the
 * condition number of each factor, the age of each root, the failures and fallbacks, and
 * the time spent in roots. The engine (block-engine.ts) keeps a tracker when the option
 * `onStats` is given and calls it after each step with a ShampooStats (plain numbers, no tensors).
 *
 * Per block b and preconditioned dim i, at step t:
 * - condition[i] = kappa(A_i,eps) = lambda_max / lambda_min of the damped factor whose root is in use,
 *   from the root computation (condition.ts: exact from the eigenvalues for the eigen kinds,
 *   a power-iteration estimate for 'inverse-root'); null before the first root, and with
 *   executors that report none (the device executor: reading it back would stall the device).
 * - age[i] = t - s, s = the step whose factors the root in use was computed from (the
 *   root installed at step s + d for an executor of delay d, so age = d at each refresh and
 *   grows by one per step until the next); s = 0 for the initial identity root. A failed
 *   root keeps the previous one, whose age keeps growing. Counted from the tracker's
 *   first step: roots loaded with a checkpoint count from s = 0. The device executor's
 *   results are installed unchecked (it keeps a failed root on the device and reports the
 *   failure one step late, in `failures`), so there every install counts as a refresh.
 * A step that throws records nothing: the counts are those of the steps that happened.
 * - refreshes: steps at which at least one root of the block was installed.
 * - failures: root steps with a failed factor (all of them; `consecutiveFailures` is the
 *   state's counter, that numToleratedFailedAmortizedComputations bounds);
 *   fallbacks: factors whose previous root was kept because the new one failed;
 *   warnings: roots accepted with a warning (an iteration at its limit).
 * - rootMs: the block's share of the time the training thread spent in the root executor
 *   (submit and collect), split between the step's blocks in proportion to sum_i n_i^3, the
 *   cost of their roots (the executor measures one total per step; work done on workers
 *   while the thread computes is not counted).
 */
import type { ConditionSource } from './condition.js';
import type { AcceptedRoots } from './root-results.js';
import type { BlockInfo } from './variants/types.js';

/** The stats of one block (see the module comment). Arrays have one entry per dim of the block. */
export interface ShampooBlockStats {
  readonly shape: readonly number[];
  /** kappa of the damped factor of each dim whose root is in use; null where not preconditioned or not known. */
  readonly condition: readonly (number | null)[];
  readonly conditionSource: readonly (ConditionSource | null)[];
  /** Steps since the factors of each dim's root in use were read; null where not preconditioned. */
  readonly age: readonly (number | null)[];
  readonly refreshes: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly fallbacks: number;
  readonly warnings: number;
  /** Cumulative milliseconds attributed to this block's roots. */
  readonly rootMs: number;
}

/** What onStats receives after each step: the step's blocks, keyed `<parameter path>#<block index>`. */
export interface ShampooStats {
  readonly step: number;
  /** True if this step submitted root computations. */
  readonly rootStep: boolean;
  /** Milliseconds the training thread spent in the root executor at this step. */
  readonly rootMs: number;
  /** The same, summed over every step so far. */
  readonly totalRootMs: number;
  readonly blocks: { readonly [blockKey: string]: ShampooBlockStats };
}

interface Tracked {
  condition: (number | null)[];
  conditionSource: (ConditionSource | null)[];
  from: number[];
  refreshes: number;
  failures: number;
  fallbacks: number;
  warnings: number;
  rootMs: number;
}

/** Keeps every block's running counts between steps. */
export interface StatsTracker {
  /** Block `info` at a step: `results` what acceptRootResults installed (null: none due), computed from the factors of step `from`. */
  record(info: BlockInfo, from: number, results: AcceptedRoots | null): void;
  /** The stats of `infos` after step `step` (`failures[i]` = the state's consecutive count of infos[i]), spreading `ms` by the n^3 weights. */
  report(step: number, rootStep: boolean, ms: number, infos: readonly BlockInfo[], failures: readonly number[]): ShampooStats;
}

/** sum over the preconditioned dims of n_i^3: the relative cost of a block's roots. */
function rootCost(info: BlockInfo): number {
  return info.shape.reduce((sum, n, i) => (info.exponents[i] === 0 ? sum : sum + n ** 3), 0);
}

/** A new tracker, with no block seen. */
export function statsTracker(): StatsTracker {
  const blocks = new Map<string, Tracked>();
  let totalRootMs = 0;
  const get = (info: BlockInfo): Tracked => {
    let t = blocks.get(info.key);
    if (!t) {
      const dims = info.shape.map(() => null);
      t = { condition: [...dims], conditionSource: [...dims], from: info.shape.map(() => 0), refreshes: 0, failures: 0, fallbacks: 0, warnings: 0, rootMs: 0 };
      blocks.set(info.key, t);
    }
    return t;
  };
  return {
    record(info, from, results) {
      const t = get(info);
      if (results === null) return;
      t.failures += results.failedSteps;
      t.fallbacks += results.fallbacks;
      t.warnings += results.warnings;
      if (results.accepted.size > 0) t.refreshes++;
      for (const [dim, r] of results.accepted) {
        t.from[dim] = from;
        t.condition[dim] = r.condition ?? null;
        t.conditionSource[dim] = r.conditionSource ?? null;
      }
    },
    report(step, rootStep, ms, infos, failures) {
      totalRootMs += ms;
      const costs = infos.map(rootCost);
      const total = costs.reduce((a, b) => a + b, 0);
      const out: Record<string, ShampooBlockStats> = {};
      infos.forEach((info, b) => {
        const t = get(info);
        if (total > 0) t.rootMs += (ms * costs[b]) / total;
        out[info.key] = {
          shape: [...info.shape],
          condition: [...t.condition],
          conditionSource: [...t.conditionSource],
          age: info.exponents.map((e, i) => (e === 0 ? null : step - t.from[i])),
          refreshes: t.refreshes,
          failures: t.failures,
          consecutiveFailures: failures[b],
          fallbacks: t.fallbacks,
          warnings: t.warnings,
          rootMs: t.rootMs,
        };
      });
      return { step, rootStep, rootMs: ms, totalRootMs, blocks: out };
    },
  };
}

/** The whole run at a glance: the largest condition and age over every block and dim, and the counts summed. */
export interface ShampooStatsSummary {
  readonly step: number;
  readonly blocks: number;
  /** max over blocks and dims of condition (null if none is known). */
  readonly maxCondition: number | null;
  readonly maxAge: number | null;
  readonly refreshes: number;
  readonly failures: number;
  readonly fallbacks: number;
  readonly totalRootMs: number;
}

/**
 * One line's worth of a ShampooStats: max_b,i kappa_b,i, max_b,i age_b,i, and the sums over
 * blocks of refreshes, failures and fallbacks (what the demo prints and the playground plots).
 */
export function summarizeShampooStats(stats: ShampooStats): ShampooStatsSummary {
  const all = Object.values(stats.blocks);
  const max = (pick: (b: ShampooBlockStats) => readonly (number | null)[]) => {
    const known = all.flatMap((b) => pick(b).filter((x): x is number => x !== null));
    return known.length === 0 ? null : Math.max(...known);
  };
  const sum = (pick: (b: ShampooBlockStats) => number) => all.reduce((s, b) => s + pick(b), 0);
  return {
    step: stats.step,
    blocks: all.length,
    maxCondition: max((b) => b.condition),
    maxAge: max((b) => b.age),
    refreshes: sum((b) => b.refreshes),
    failures: sum((b) => b.failures),
    fallbacks: sum((b) => b.fallbacks),
    totalRootMs: stats.totalRootMs,
  };
}
