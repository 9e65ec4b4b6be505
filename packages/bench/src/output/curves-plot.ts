/**
 * The loss-curve figure of the demo and the time-to-target suites: two panels side by
 * side in one SVG, test loss against steps and against training seconds, one line per
 * run, with the target loss as a dashed reference line (a series of two points).
 */
import { lineChart, type Series } from '../lib/svg.js';
import type { RunResult } from '../train/run.js';

/** Places SVG documents side by side in one document (each keeps its own size). */
export function sideBySide(svgs: readonly string[]): string {
  const size = (svg: string): [number, number] => {
    const w = /width="(\d+(?:\.\d+)?)"/.exec(svg);
    const h = /height="(\d+(?:\.\d+)?)"/.exec(svg);
    if (!w || !h) throw new Error('sideBySide: an SVG without width and height');
    return [Number(w[1]), Number(h[1])];
  };
  let x = 0;
  let height = 0;
  const parts = svgs.map((svg) => {
    const [w, h] = size(svg);
    const placed = svg.trim().replace(/^<svg /, `<svg x="${x}" y="0" `);
    x += w;
    height = Math.max(height, h);
    return placed;
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${height}">`, ...parts, '</svg>', ''].join('\n');
}

/** Test loss vs steps and vs seconds for each run, with the target line. */
export function curvesPlot(title: string, runs: readonly RunResult[], targetLoss: number): string {
  const bySteps: Series[] = runs.map((r) => ({ name: r.label, points: r.evals.map((e) => [e.step, e.testLoss] as const) }));
  const bySeconds: Series[] = runs.map((r) => ({ name: r.label, points: r.evals.map((e) => [e.seconds, e.testLoss] as const) }));
  const maxStep = Math.max(...runs.flatMap((r) => r.evals.map((e) => e.step)));
  const maxSec = Math.max(...runs.flatMap((r) => r.evals.map((e) => e.seconds)));
  bySteps.push({ name: `target ${targetLoss}`, points: [[0, targetLoss], [maxStep, targetLoss]] });
  bySeconds.push({ name: `target ${targetLoss}`, points: [[0, targetLoss], [maxSec, targetLoss]] });
  return sideBySide([
    lineChart({ title: `${title}: test loss vs steps`, xLabel: 'step', yLabel: 'test loss', series: bySteps, logY: true }),
    lineChart({ title: `${title}: test loss vs time`, xLabel: 'training seconds', yLabel: 'test loss', series: bySeconds, logY: true }),
  ]);
}
