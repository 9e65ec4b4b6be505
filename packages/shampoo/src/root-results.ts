/**
 * Installing root results with the failure handling of docs/algorithms.md#failures:
 * - 'non-finite-factor' / 'non-finite-root': throw at once (a NaN or Inf got in);
 * - 'failed': warn, keep the previous root; the block's counter of consecutive failing
 *   root steps goes up by one, and past the tolerance the step throws;
 * - 'ok': accepted (with a warning when it carries one, and its `notice` once per optimizer); a root step with no failure resets
 *   the counter to 0;
 * - 'unchecked' (device executor): accepted as is, the counter is left alone; its status
 *   comes with a later step's result as `earlier` (or alone, without tensors), and counts then.
 */
import type { RootResult } from './executors/root-executor.js';
import { warnOnce } from './warnings.js';

/** Results keyed `<block key>/<dim>`, grouped by block key and dim. */
export function groupRootResults(results: readonly RootResult[]): Map<string, Map<number, RootResult>> {
  const byBlock = new Map<string, Map<number, RootResult>>();
  for (const r of results) {
    const cut = r.key.lastIndexOf('/');
    const block = r.key.slice(0, cut);
    let dims = byBlock.get(block);
    if (!dims) byBlock.set(block, (dims = new Map()));
    dims.set(Number(r.key.slice(cut + 1)), r);
  }
  return byBlock;
}

/**
 * What acceptRootResults found for a block: the results to install, the new consecutive-failure
 * count, and what this call saw (for shampooStats): root steps with a failure, factors whose
 * previous root was kept because their new one failed, accepted results with a warning.
 */
export interface AcceptedRoots {
  readonly accepted: Map<number, RootResult>;
  readonly failures: number;
  readonly failedSteps: number;
  readonly fallbacks: number;
  readonly warnings: number;
}

/** What to install for a block and its new consecutive-failure count (AcceptedRoots). Throws as described above. */
export function acceptRootResults(
  owner: string,
  blockKey: string,
  results: ReadonlyMap<number, RootResult>,
  previousFailures: number,
  tolerated: number,
  step: number,
  warn: (message: string) => void,
): AcceptedRoots {
  const accepted = new Map<number, RootResult>();
  const counts = { failedSteps: 0, fallbacks: 0, warnings: 0 };
  // Late statuses (`earlier`, device executors) are whole root steps before this one, oldest first.
  const rounds = Math.max(0, ...[...results.values()].map((r) => r.earlier?.length ?? 0));
  let failures = previousFailures;
  for (let j = 0; j <= rounds; j++) {
    let failed = false;
    let succeeded = false;
    for (const [dim, latest] of results) {
      const list = latest.earlier ?? [];
      const r = j === rounds ? latest : list[j - (rounds - list.length)];
      if (r === undefined) continue;
      if (r.status === 'non-finite-factor' || r.status === 'non-finite-root') {
        throw new Error(`${owner}: ${r.message ?? r.status} at step ${step} (block '${blockKey}', dim ${dim}); a NaN or Inf entered the factors or the root`);
      }
      if (r.status === 'failed') {
        failed = true;
        counts.fallbacks++;
        warn(`${owner}: root computation failed at step ${step} for block '${blockKey}' dim ${dim}; keeping the previous root. ${r.message ?? ''}`);
      } else {
        if (r.status === 'ok') succeeded = true;
        if (r.warning !== undefined) {
          counts.warnings++;
          warn(`${owner}: at step ${step} for block '${blockKey}' dim ${dim}: ${r.warning}`);
        }
        if (r.notice !== undefined) warnOnce(warn, `${owner}: ${r.notice}`);
        if (j === rounds) accepted.set(dim, r);
      }
    }
    if (failed) counts.failedSteps++;
    failures = failed ? failures + 1 : succeeded ? 0 : failures;
    if (failures > tolerated) {
      throw new Error(
        `${owner}: the root computation of block '${blockKey}' failed on ${failures} consecutive root steps (step ${step}); ` +
          `allowed: at most numToleratedFailedAmortizedComputations = ${tolerated}`,
      );
    }
  }
  return { accepted, failures, ...counts };
}
