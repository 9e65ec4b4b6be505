/**
 * The protocol's figure: test loss against steps and against seconds, one line per
 * optimizer at its chosen lr, the mean over the seeds with a band from the lowest to the
 * highest seed at each evaluation step that every seed reached. Seconds are steps x the
 * optimizer's interleaved mean step (the price the seconds-to-target use), plus the
 * target as a dashed reference line.
 */
import { lineChart, type Series } from '../lib/svg.js';
import { sideBySide } from './curves-plot.js';
import { optimizerLabel, type OptimizerName } from '../train/optimizers.js';
import type { SeedRun } from '../train/protocol.js';

/** Per evaluation step reached by every seed: [step, mean, min, max] of the test loss. */
export function seedBand(runs: readonly SeedRun[]): [number, number, number, number][] {
  if (runs.length === 0) return [];
  const bySeed = runs.map((r) => new Map(r.curve.evals.map((e) => [e.step, e.testLoss])));
  const steps = [...bySeed[0].keys()].filter((s) => bySeed.every((m) => m.has(s))).sort((a, b) => a - b);
  return steps.map((s) => {
    const xs = bySeed.map((m) => m.get(s) as number);
    return [s, xs.reduce((a, b) => a + b, 0) / xs.length, Math.min(...xs), Math.max(...xs)];
  });
}

export function seedBandPlot(title: string, runs: readonly SeedRun[], optimizers: readonly OptimizerName[], stepMs: Partial<Record<OptimizerName, number>>, targetLoss: number): string {
  const bySteps: Series[] = [];
  const bySeconds: Series[] = [];
  let maxStep = 0;
  let maxSec = 0;
  for (const name of optimizers) {
    const band = seedBand(runs.filter((r) => r.optimizer === name));
    const sec = (stepMs[name] ?? NaN) / 1000;
    const label = `${optimizerLabel(name)} (${runs.filter((r) => r.optimizer === name).length} seeds)`;
    bySteps.push({ name: label, points: band.map(([s, m]) => [s, m] as const), band: band.map(([s, , lo, hi]) => [s, lo, hi] as const) });
    bySeconds.push({ name: label, points: band.map(([s, m]) => [s * sec, m] as const), band: band.map(([s, , lo, hi]) => [s * sec, lo, hi] as const) });
    if (band.length > 0) {
      maxStep = Math.max(maxStep, band[band.length - 1][0]);
      if (Number.isFinite(sec)) maxSec = Math.max(maxSec, band[band.length - 1][0] * sec);
    }
  }
  bySteps.push({ name: `target ${Number(targetLoss.toPrecision(4))}`, points: [[0, targetLoss], [maxStep, targetLoss]] });
  bySeconds.push({ name: `target ${Number(targetLoss.toPrecision(4))}`, points: [[0, targetLoss], [maxSec, targetLoss]] });
  return sideBySide([
    lineChart({ title: `${title}: test loss vs steps`, xLabel: 'step', yLabel: 'test loss', series: bySteps, logY: true }),
    lineChart({ title: `${title}: test loss vs time`, xLabel: 'seconds (steps x interleaved mean step)', yLabel: 'test loss', series: bySeconds, logY: true }),
  ]);
}
