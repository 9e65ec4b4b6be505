/**
 * The time-to-target protocol of the `mnist` and `lm` suites, the same for every
 * optimizer:
 *   1. learning-rate grid: on the tuning seed, each optimizer trains with each lr of the
 *      grid (stopping at the target); the lr with the fewest steps to the target wins
 *      (ties: fewer seconds; an lr that never reaches it ranks behind every one that does,
 *      by its final test loss);
 *   2. seeds: each optimizer trains with its chosen lr on every evaluation seed (initial
 *      weights and batch order from the seed, the same for all optimizers);
 *   3. ratios: per seed, steps-to-target and seconds-to-target of each optimizer over the
 *      baseline's (AdamW), reported as mean, min and max over the seeds.
 */
import type { Examples } from '../data/dataset.js';
import { initParams, type Model } from '../models/model.js';
import { ProgressBar, type ProgressStream } from '../output/progress.js';
import { makeLearner, optimizerLabel, type OptimizerName, type OptimizerSpec } from './optimizers.js';
import { runTraining, type RunResult } from './run.js';
import { summarize, type RunSummary } from './summary.js';
import { warmUp } from './warm-up.js';
import * as tf from '@tensorflow/tfjs';

export interface ProtocolOptions {
  readonly model: Model;
  readonly train: Examples;
  readonly test: Examples;
  readonly optimizers: readonly OptimizerName[];
  /** The baseline of the ratios; must be one of `optimizers`. */
  readonly baseline: OptimizerName;
  readonly lrGrid: readonly number[];
  readonly tuneSeed: number;
  readonly seeds: readonly number[];
  readonly steps: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly targetLoss: number;
  readonly weightDecay: number;
  readonly preconditionFrequency: number;
  readonly maxPreconditionerDim: number;
  /** Seed runs stop at the target too (faster; the curves then end there). */
  readonly stopAtTarget: boolean;
  /** 'cosine': every run's lr decays along a cosine from its value to 0 over `steps`. */
  readonly schedule: 'constant' | 'cosine';
  readonly progress: ProgressStream;
  readonly log: (line: string) => void;
}

export interface GridPoint {
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly summary: RunSummary;
}

export interface SeedRun {
  readonly optimizer: OptimizerName;
  readonly seed: number;
  readonly lr: number;
  readonly summary: RunSummary;
  readonly curve: RunResult;
}

export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Per seed, in the order of `seeds`; null where a run missed the target. */
  readonly values: (number | null)[];
}

export interface RatioRow {
  readonly optimizer: OptimizerName;
  readonly stepsRatio: Spread | null;
  readonly secondsRatio: Spread | null;
}

export interface ProtocolResult {
  readonly grid: GridPoint[];
  readonly chosenLr: Partial<Record<OptimizerName, number>>;
  readonly runs: SeedRun[];
  readonly ratios: RatioRow[];
}

/** Mean, min and max of per-seed values; null unless every value is a number. */
export function spread(values: (number | null)[]): Spread | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  const xs = values as number[];
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), values };
}

/** The grid's winner by the rule in the module comment. */
export function chooseLr(points: readonly GridPoint[]): number {
  const key = (p: GridPoint): [number, number] =>
    p.summary.stepsToTarget !== null
      ? [p.summary.stepsToTarget, p.summary.secondsToTarget as number]
      : [Infinity, Number.isFinite(p.summary.finalTestLoss) ? p.summary.finalTestLoss : Infinity];
  const sorted = [...points].sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1 !== b1 ? a1 - b1 : a2 - b2;
  });
  return sorted[0].lr;
}

function spec(o: ProtocolOptions, name: OptimizerName, lr: number): OptimizerSpec {
  return {
    name, lr, weightDecay: o.weightDecay, preconditionFrequency: o.preconditionFrequency, maxPreconditionerDim: o.maxPreconditionerDim,
    ...(o.schedule === 'cosine' ? { decaySteps: o.steps } : {}),
  };
}

async function oneRun(o: ProtocolOptions, s: OptimizerSpec, seed: number, stopAtTarget: boolean, tag: string): Promise<RunResult> {
  const label = optimizerLabel(s.name);
  const params = initParams(o.model, seed);
  const learner = makeLearner(s, o.model, params);
  const bar = new ProgressBar(`${label} ${tag}`, o.steps, o.progress);
  try {
    const run = await runTraining({
      label, model: o.model, learner, train: o.train, test: o.test, steps: o.steps, batchSize: o.batchSize, seed,
      evalEvery: o.evalEvery, targetLoss: o.targetLoss, stopAtTarget, onStep: (k, loss, sec) => bar.update(k, loss, sec),
    });
    bar.finish(run.target ? `target at step ${run.target.step}` : 'target not reached');
    return run;
  } finally {
    learner.dispose();
    tf.dispose(Object.values(params).flatMap((l) => Object.values(l)));
  }
}

export async function runProtocol(o: ProtocolOptions): Promise<ProtocolResult> {
  if (!o.optimizers.includes(o.baseline)) throw new RangeError(`runProtocol: baseline '${o.baseline}' is not among the optimizers [${o.optimizers.join(', ')}]`);
  const warmParams = initParams(o.model, o.tuneSeed);
  await warmUp(o.optimizers.map((n) => spec(o, n, o.lrGrid[0])), o.model, warmParams, o.train, o.batchSize);
  tf.dispose(Object.values(warmParams).flatMap((l) => Object.values(l)));

  const grid: GridPoint[] = [];
  const chosenLr: Partial<Record<OptimizerName, number>> = {};
  for (const name of o.optimizers) {
    const points: GridPoint[] = [];
    for (const lr of o.lrGrid) {
      const run = await oneRun(o, spec(o, name, lr), o.tuneSeed, true, `lr ${lr}`);
      points.push({ optimizer: name, lr, summary: summarize([run], run.label)[0] });
    }
    chosenLr[name] = o.lrGrid.length === 1 ? o.lrGrid[0] : chooseLr(points);
    grid.push(...points);
    o.log(`${optimizerLabel(name)}: lr ${chosenLr[name]} chosen from [${o.lrGrid.join(', ')}]`);
  }

  const runs: SeedRun[] = [];
  for (const seed of o.seeds) {
    const curves: RunResult[] = [];
    for (const name of o.optimizers) curves.push(await oneRun(o, spec(o, name, chosenLr[name] as number), seed, o.stopAtTarget, `seed ${seed}`));
    const summaries = summarize(curves, optimizerLabel(o.baseline));
    o.optimizers.forEach((name, i) => runs.push({ optimizer: name, seed, lr: chosenLr[name] as number, summary: summaries[i], curve: curves[i] }));
  }

  const ratios: RatioRow[] = o.optimizers.map((name) => {
    const perSeed = (field: 'stepsToTarget' | 'secondsToTarget'): (number | null)[] =>
      o.seeds.map((seed) => {
        const mine = runs.find((r) => r.optimizer === name && r.seed === seed)?.summary[field] ?? null;
        const base = runs.find((r) => r.optimizer === o.baseline && r.seed === seed)?.summary[field] ?? null;
        return mine === null || base === null || base === 0 ? null : mine / base;
      });
    return { optimizer: name, stepsRatio: spread(perSeed('stepsToTarget')), secondsRatio: spread(perSeed('secondsToTarget')) };
  });
  return { grid, chosenLr, runs, ratios };
}
