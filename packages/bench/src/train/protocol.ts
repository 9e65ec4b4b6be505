/**
 * The time-to-target protocol of the `mnist`, `lm`, `transformer` and `autoencoder`
 * suites, the same for every optimizer:
 *   1. baseline first (AdamW): it trains on the tuning seed with each lr of the
 *      half-decade grid (train/lr-grid.ts) for the whole budget; the lr with the lowest
 *      final test loss wins; the grid widens past an edge while that winner is on it;
 *   2. target: the baseline trains with its lr on every evaluation seed; unless a target
 *      was given, it is the worst of those seeds' final test losses (so every baseline
 *      seed reaches it), fixed before any other optimizer runs;
 *   3. every other optimizer trains on the tuning seed with each lr of the grid
 *      (stopping at the target); the lr with the fewest steps to the target wins (ties:
 *      fewer seconds; an lr that never reaches it ranks behind every one that does, by its
 *      final test loss); while some winner is on an edge, the grid widens there and every
 *      optimizer runs the new points (the baseline's lr stays fixed: its target is set);
 *      a winner still on an edge after `maxWidenings` is flagged;
 *   4. seeds: each optimizer trains with its lr on every evaluation seed for the whole
 *      budget (initial weights and batch order from the seed, the same for all);
 *   5. step time: each optimizer's mean step over `timingRounds` interleaved rounds
 *      (train/interleaved-steps.ts); seconds to target = steps to target x that mean;
 *   6. ratios: per seed, steps and seconds to target over the baseline's, reported as
 *      mean, min and max over the seeds.
 */
import type { Examples } from '../data/dataset.js';
import { initParams, type Model, type Params } from '../models/model.js';
import { ProgressBar, type ProgressStream } from '../output/progress.js';
import { makeLearner, optimizerLabel, type OptimizerName, type OptimizerSpec } from './optimizers.js';
import { gridEdge, widening } from './lr-grid.js';
import { interleavedStepMs } from './interleaved-steps.js';
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
  /** A fixed target test loss; undefined: from the baseline's seed runs (step 2). */
  readonly targetLoss?: number;
  /** How many times the grid may widen past an edge (default 3). */
  readonly maxWidenings?: number;
  /** Interleaved rounds of the step-time measurement (default 2 x the longest root interval, at least 20). */
  readonly timingRounds?: number;
  readonly weightDecay: number;
  readonly preconditionFrequency: number;
  readonly maxPreconditionerDim: number;
  /** Seed runs of the non-baseline optimizers stop at the target (faster; their final loss is then the loss at the stop). */
  readonly stopAtTarget: boolean;
  /** 'cosine': every run's lr warms up linearly over `warmupSteps`, then decays along a cosine to 0 at `steps`. */
  readonly schedule: 'constant' | 'cosine';
  /** Warmup of the cosine schedule (default: 5% of the steps, rounded). */
  readonly warmupSteps?: number;
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
  /** secondsToTarget priced by the interleaved step time; the run's own clock is in wallSecondsToTarget. */
  readonly summary: RunSummary;
  readonly wallSecondsToTarget: number | null;
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
  /** The final (possibly widened) grid, ascending. */
  readonly lrGrid: number[];
  readonly grid: GridPoint[];
  readonly chosenLr: Partial<Record<OptimizerName, number>>;
  /** Optimizers whose chosen lr is on an edge of the final grid. */
  readonly edgeLr: OptimizerName[];
  /** The target test loss the steps and seconds count to. */
  readonly targetLoss: number;
  /** Mean step of each optimizer over the interleaved rounds, milliseconds. */
  readonly stepMs: Partial<Record<OptimizerName, number>>;
  readonly runs: SeedRun[];
  readonly ratios: RatioRow[];
}

/** Mean, min and max of per-seed values; null unless every value is a number. */
export function spread(values: (number | null)[]): Spread | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  const xs = values as number[];
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), values };
}

/** The grid's winner by the rule of step 3 in the module comment. */
export function chooseLr(points: readonly GridPoint[]): number {
  const key = (p: GridPoint): [number, number] =>
    p.summary.stepsToTarget !== null
      ? [p.summary.stepsToTarget, p.summary.secondsToTarget as number]
      : [Infinity, finiteOr(p.summary.finalTestLoss)];
  return bestBy(points, key);
}

/** The baseline's winner (step 1): the lowest final test loss (diverged runs last). */
export function chooseLrByFinalLoss(points: readonly GridPoint[]): number {
  return bestBy(points, (p) => [p.summary.diverged ? Infinity : finiteOr(p.summary.finalTestLoss), 0]);
}

function finiteOr(x: number): number {
  return Number.isFinite(x) ? x : Infinity;
}

function bestBy(points: readonly GridPoint[], key: (p: GridPoint) => [number, number]): number {
  if (points.length === 0) throw new RangeError('chooseLr: no grid points');
  const sorted = [...points].sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1 !== b1 ? a1 - b1 : a2 - b2;
  });
  return sorted[0].lr;
}

/** The target of step 2: the worst final test loss of the baseline's seed runs. */
export function targetFromBaseline(finalLosses: readonly number[]): number {
  if (finalLosses.length === 0 || finalLosses.some((x) => !Number.isFinite(x))) {
    throw new RangeError(`targetFromBaseline: final losses [${finalLosses.join(', ')}] are not allowed; allowed: at least one, all finite (did the baseline diverge?)`);
  }
  return Math.max(...finalLosses);
}

/** Per seed, mine / the baseline's (null where either is missing or the baseline's is 0). */
export function seedRatios(mine: readonly (number | null)[], base: readonly (number | null)[]): (number | null)[] {
  return mine.map((m, i) => {
    const b = base[i];
    return m === null || b === null || b === 0 ? null : m / b;
  });
}

function spec(o: ProtocolOptions, name: OptimizerName, lr: number): OptimizerSpec {
  return {
    name, lr, weightDecay: o.weightDecay, preconditionFrequency: o.preconditionFrequency, maxPreconditionerDim: o.maxPreconditionerDim,
    ...(o.schedule === 'cosine' ? { decaySteps: o.steps, warmupSteps: o.warmupSteps ?? Math.round(o.steps / 20) } : {}),
  };
}

function disposeParams(params: Params): void {
  tf.dispose(Object.values(params).flatMap((l) => Object.values(l)));
}

async function oneRun(o: ProtocolOptions, s: OptimizerSpec, seed: number, targetLoss: number, stopAtTarget: boolean, tag: string): Promise<RunResult> {
  const label = optimizerLabel(s.name);
  const params = initParams(o.model, seed);
  const learner = makeLearner(s, o.model, params);
  const bar = new ProgressBar(`${label} ${tag}`, o.steps, o.progress);
  try {
    const run = await runTraining({
      label, model: o.model, learner, train: o.train, test: o.test, steps: o.steps, batchSize: o.batchSize, seed,
      evalEvery: o.evalEvery, targetLoss, stopAtTarget, onStep: (k, loss, sec) => bar.update(k, loss, sec),
    });
    bar.finish(!Number.isFinite(targetLoss) ? 'done (no target yet)' : run.target ? `target at step ${run.target.step}` : 'target not reached');
    return run;
  } finally {
    learner.dispose();
    disposeParams(params);
  }
}

/** Mean step of each optimizer at its lr, interleaved (step 5). */
async function timeSteps(o: ProtocolOptions, chosenLr: Partial<Record<OptimizerName, number>>): Promise<Partial<Record<OptimizerName, number>>> {
  const params = initParams(o.model, o.tuneSeed);
  const learners = o.optimizers.map((n) => makeLearner(spec(o, n, chosenLr[n] as number), o.model, params));
  try {
    const rounds = o.timingRounds ?? Math.max(20, 2 * Math.max(o.preconditionFrequency, 10));
    const ms = await interleavedStepMs(learners, o.train, o.batchSize, rounds, o.tuneSeed);
    return Object.fromEntries(o.optimizers.map((n, i) => [n, ms[i]]));
  } finally {
    learners.forEach((l) => l.dispose());
    disposeParams(params);
  }
}

export async function runProtocol(o: ProtocolOptions): Promise<ProtocolResult> {
  if (!o.optimizers.includes(o.baseline)) throw new RangeError(`runProtocol: baseline '${o.baseline}' is not among the optimizers [${o.optimizers.join(', ')}]`);
  if (o.lrGrid.length === 0) throw new RangeError('runProtocol: lrGrid = [] is not allowed; allowed: at least one learning rate');
  const maxWidenings = o.maxWidenings ?? 3;
  const warmParams = initParams(o.model, o.tuneSeed);
  await warmUp(o.optimizers.map((n) => spec(o, n, o.lrGrid[0])), o.model, warmParams, o.train, o.batchSize);
  disposeParams(warmParams);

  let lrGrid = [...new Set(o.lrGrid)].sort((a, b) => a - b);
  const grid: GridPoint[] = [];
  const chosenLr: Partial<Record<OptimizerName, number>> = {};
  const baselineGridRuns: RunResult[] = [];
  const tune = async (name: OptimizerName, lrs: readonly number[], target: number): Promise<void> => {
    for (const lr of lrs) {
      const run = await oneRun(o, spec(o, name, lr), o.tuneSeed, target, Number.isFinite(target), `lr ${lr}`);
      if (name === o.baseline) baselineGridRuns.push(run);
      grid.push({ optimizer: name, lr, summary: summarize([run], run.label)[0] });
    }
  };
  const pointsOf = (name: OptimizerName): GridPoint[] => grid.filter((g) => g.optimizer === name);

  // 1. the baseline's lr, by final loss over the whole budget (no target yet)
  const untargeted = o.targetLoss ?? Infinity;
  await tune(o.baseline, lrGrid, untargeted);
  const baselineChoice = (): number => (o.targetLoss === undefined ? chooseLrByFinalLoss(pointsOf(o.baseline)) : chooseLr(pointsOf(o.baseline)));
  chosenLr[o.baseline] = baselineChoice();
  for (let w = 0; w < maxWidenings && lrGrid.length > 1; w++) {
    const more = widening(lrGrid, [chosenLr[o.baseline] as number]);
    if (more.length === 0) break;
    lrGrid = [...lrGrid, ...more].sort((a, b) => a - b);
    await tune(o.baseline, more, untargeted);
    chosenLr[o.baseline] = baselineChoice();
  }
  o.log(`${optimizerLabel(o.baseline)}: lr ${chosenLr[o.baseline]} chosen from [${lrGrid.join(', ')}]`);

  // 2. the baseline's seeds, then the target
  const runs: SeedRun[] = [];
  const curves = new Map<string, RunResult>();
  for (const seed of o.seeds) curves.set(`${o.baseline}/${seed}`, await oneRun(o, spec(o, o.baseline, chosenLr[o.baseline] as number), seed, untargeted, false, `seed ${seed}`));
  const targetLoss = o.targetLoss ?? targetFromBaseline(o.seeds.map((s) => lastLoss(curves.get(`${o.baseline}/${s}`) as RunResult)));
  // the baseline's grid points, re-read against the target now fixed
  grid.forEach((g, i) => (grid[i] = { ...g, summary: summarize([withTarget(baselineGridRuns[i], targetLoss)], optimizerLabel(o.baseline))[0] }));
  o.log(`target test loss ${targetLoss}${o.targetLoss === undefined ? ` (the worst final loss of ${optimizerLabel(o.baseline)}'s ${o.seeds.length} seed(s))` : ''}`);

  // 3. the others' lrs, widening the shared grid past an edge
  const others = o.optimizers.filter((n) => n !== o.baseline);
  for (const name of others) {
    await tune(name, lrGrid, targetLoss);
    chosenLr[name] = lrGrid.length === 1 ? lrGrid[0] : chooseLr(pointsOf(name));
  }
  for (let w = 0; w < maxWidenings && lrGrid.length > 1; w++) {
    const more = widening(lrGrid, others.map((n) => chosenLr[n] as number));
    if (more.length === 0) break;
    lrGrid = [...lrGrid, ...more].sort((a, b) => a - b);
    for (const name of o.optimizers) await tune(name, more, targetLoss);
    for (const name of others) chosenLr[name] = chooseLr(pointsOf(name));
  }
  for (const name of others) o.log(`${optimizerLabel(name)}: lr ${chosenLr[name]} chosen from [${lrGrid.join(', ')}]`);
  const edgeLr = lrGrid.length === 1 ? [] : o.optimizers.filter((n) => gridEdge(lrGrid, chosenLr[n] as number) !== null);

  // 4. the others' seeds
  for (const seed of o.seeds) {
    for (const name of others) curves.set(`${name}/${seed}`, await oneRun(o, spec(o, name, chosenLr[name] as number), seed, targetLoss, o.stopAtTarget, `seed ${seed}`));
  }

  // 5. step time, interleaved; seconds to target priced by it
  const stepMs = await timeSteps(o, chosenLr);
  for (const seed of o.seeds) {
    const seedCurves = o.optimizers.map((n) => withTarget(curves.get(`${n}/${seed}`) as RunResult, targetLoss));
    const summaries = summarize(seedCurves, optimizerLabel(o.baseline));
    o.optimizers.forEach((name, i) => {
      const own = summaries[i];
      const steps = own.stepsToTarget;
      runs.push({
        optimizer: name, seed, lr: chosenLr[name] as number, curve: seedCurves[i], wallSecondsToTarget: own.secondsToTarget,
        summary: { ...own, secondsToTarget: steps === null ? null : (steps * (stepMs[name] as number)) / 1000 },
      });
    });
  }

  // 6. ratios
  const perSeed = (name: OptimizerName, field: 'stepsToTarget' | 'secondsToTarget'): (number | null)[] =>
    o.seeds.map((seed) => runs.find((r) => r.optimizer === name && r.seed === seed)?.summary[field] ?? null);
  const ratios: RatioRow[] = o.optimizers.map((name) => ({
    optimizer: name,
    stepsRatio: spread(seedRatios(perSeed(name, 'stepsToTarget'), perSeed(o.baseline, 'stepsToTarget'))),
    secondsRatio: spread(seedRatios(perSeed(name, 'secondsToTarget'), perSeed(o.baseline, 'secondsToTarget'))),
  }));
  return { lrGrid, grid, chosenLr, edgeLr, targetLoss, stepMs, runs, ratios };
}

function lastLoss(run: RunResult): number {
  return run.diverged ? NaN : run.evals[run.evals.length - 1].testLoss;
}

/** The run with its target recomputed for `targetLoss` (the baseline's seeds ran before the target was known). */
export function withTarget(run: RunResult, targetLoss: number): RunResult {
  const hit = run.evals.find((e) => e.testLoss <= targetLoss);
  return { ...run, target: hit ? { step: hit.step, seconds: hit.seconds } : null };
}
