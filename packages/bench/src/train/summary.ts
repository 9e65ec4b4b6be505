/**
 * What a comparison reports per run:
 *   steps/seconds to target  - first evaluation with test loss <= target (null: not reached)
 *   final test loss/accuracy - the last evaluation
 *   mean step                - mean wall time of a step (all steps, roots included)
 *   step ratio               - mean step / the baseline's mean step
 *   state bytes              - optimizer state at the end
 */
import type { Cell } from '../lib/table.js';
import type { RunResult } from './run.js';
import { formatBytes } from '../output/format-bytes.js';

export interface RunSummary {
  readonly label: string;
  readonly stepsToTarget: number | null;
  readonly secondsToTarget: number | null;
  readonly finalTestLoss: number;
  readonly finalTestAccuracy: number;
  readonly meanStepMs: number;
  readonly stepRatio: number;
  readonly stateBytes: number;
  readonly steps: number;
  readonly diverged: boolean;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Summaries of `runs`, with step ratios against the run labelled `baseline`. */
export function summarize(runs: readonly RunResult[], baseline: string): RunSummary[] {
  const base = runs.find((r) => r.label === baseline);
  const baseMs = base ? mean(base.stepMs) : NaN;
  return runs.map((r) => {
    const last = r.evals[r.evals.length - 1];
    return {
      label: r.label,
      stepsToTarget: r.target?.step ?? null,
      secondsToTarget: r.target?.seconds ?? null,
      finalTestLoss: last.testLoss,
      finalTestAccuracy: last.testAccuracy,
      meanStepMs: mean(r.stepMs),
      stepRatio: mean(r.stepMs) / baseMs,
      stateBytes: r.stateBytes,
      steps: r.stepMs.length,
      diverged: r.diverged,
    };
  });
}

export const SUMMARY_HEADERS = [
  'optimizer', 'steps to target', 'seconds to target', 'final test loss', 'final test acc', 'mean step ms', 'step ratio', 'optimizer state',
];

/** One table row per summary (for lib/table's formatTable). */
export function summaryRow(s: RunSummary): Cell[] {
  return [
    s.label + (s.diverged ? ' (diverged)' : ''),
    s.stepsToTarget ?? `not reached (${s.steps})`,
    s.secondsToTarget,
    s.finalTestLoss,
    s.finalTestAccuracy,
    s.meanStepMs,
    s.stepRatio,
    formatBytes(s.stateBytes),
  ];
}
