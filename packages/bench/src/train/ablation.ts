/**
 * The ablation run (suites/ablation.ts): every variant (train/ablation-variants.ts) and AdamW
 * train one seed for `steps` steps at one lr (the same initial weights and batches for all),
 * under the protocol's schedule (warmup + cosine, or constant); then their step time is
 * measured interleaved (train/interleaved-steps.ts): every learner advances `timingSkip`
 * untimed steps (past the default's start of preconditioning), then `timingRounds` timed ones.
 * Per variant: final and best test loss, whether it diverged, the interleaved step time, its
 * ratio to the default's and to AdamW's, the state bytes and the loss curve.
 */
import * as tf from '@tensorflow/tfjs';
import { rootWorkerPool, type RootWorkerPool } from '@shampoo-ts/distributed';
import type { Examples } from '../data/dataset.js';
import { initParams, type Model, type Params } from '../models/model.js';
import { ProgressBar, type ProgressStream } from '../output/progress.js';
import type { AblationBase, AblationVariant, VariantContext } from './ablation-variants.js';
import { interleavedStepMs } from './interleaved-steps.js';
import { makeLearner, type OptimizerSpec } from './optimizers.js';
import { runTraining, type EvalPoint, type RunResult } from './run.js';
import { warmUp } from './warm-up.js';

export interface AblationOptions {
  readonly model: Model;
  readonly train: Examples;
  readonly test: Examples;
  readonly base: AblationBase & { readonly weightDecay: number };
  readonly variants: readonly AblationVariant[];
  readonly lr: number;
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly schedule: 'constant' | 'cosine';
  /** Warmup of the cosine schedule (default 5% of the steps, as the protocol). */
  readonly warmupSteps?: number;
  readonly timingRounds: number;
  readonly timingSkip: number;
  readonly progress: ProgressStream;
}

/** What one row (a variant, or AdamW) measured. */
export interface AblationRow {
  readonly name: string;
  readonly group: string;
  readonly change: string;
  readonly finalTestLoss: number;
  readonly bestTestLoss: number;
  readonly diverged: boolean;
  readonly stateBytes: number;
  /** Interleaved mean step, milliseconds. */
  readonly stepMs: number;
  /** stepMs / the default's, and / AdamW's. */
  readonly stepRatioToDefault: number;
  readonly stepRatioToAdamw: number;
  /** finalTestLoss / the default's. */
  readonly lossRatioToDefault: number;
  readonly evals: readonly EvalPoint[];
}

const ADAMW: AblationVariant = { name: 'adamw', group: 'reference', change: 'AdamW (b2 0.999, eps 1e-8), same lr and schedule', overrides: () => ({}) };

function disposeParams(params: Params): void {
  tf.dispose(Object.values(params).flatMap((l) => Object.values(l)));
}

/** Runs the ablation (see the module comment); AdamW's row comes last. */
export async function runAblation(o: AblationOptions): Promise<AblationRow[]> {
  if (o.variants.length === 0 || o.variants[0].name !== 'default') throw new RangeError("runAblation: variants must start with 'default' (the ratios' denominator)");
  const pools = new Map<number, RootWorkerPool>();
  const ctx: VariantContext = {
    pool(workers) {
      let p = pools.get(workers);
      if (!p) pools.set(workers, (p = rootWorkerPool({ workers })));
      return p;
    },
  };
  const schedule = o.schedule === 'cosine' ? { decaySteps: o.steps, warmupSteps: o.warmupSteps ?? Math.round(o.steps / 20) } : {};
  const specOf = (v: AblationVariant): OptimizerSpec => ({
    name: v === ADAMW ? 'adamw' : 'shampoo',
    lr: o.lr,
    weightDecay: o.base.weightDecay,
    preconditionFrequency: o.base.preconditionFrequency,
    maxPreconditionerDim: o.base.maxPreconditionerDim,
    shampooOverrides: () => v.overrides(ctx),
    ...schedule,
  });
  const all = [...o.variants, ADAMW];
  try {
    const warm = initParams(o.model, o.seed);
    await warmUp([specOf(ADAMW), specOf(o.variants[0])], o.model, warm, o.train, o.batchSize);
    disposeParams(warm);
    const runs: RunResult[] = [];
    for (const v of all) {
      const params = initParams(o.model, o.seed);
      const learner = makeLearner(specOf(v), o.model, params);
      const bar = new ProgressBar(v.name, o.steps, o.progress);
      try {
        const run = await runTraining({
          label: v.name, model: o.model, learner, train: o.train, test: o.test, steps: o.steps, batchSize: o.batchSize,
          seed: o.seed, evalEvery: o.evalEvery, targetLoss: -Infinity, onStep: (k, loss, sec) => bar.update(k, loss, sec),
        });
        bar.finish(`test loss ${run.evals[run.evals.length - 1].testLoss.toPrecision(4)}`);
        runs.push(run);
      } finally {
        learner.dispose();
        disposeParams(params);
      }
    }
    const params = initParams(o.model, o.seed);
    const learners = all.map((v) => makeLearner(specOf(v), o.model, params));
    let ms: number[];
    try {
      ms = await interleavedStepMs(learners, o.train, o.batchSize, o.timingRounds, o.seed, o.timingSkip);
    } finally {
      learners.forEach((l) => l.dispose());
      disposeParams(params);
    }
    const final = (i: number) => runs[i].evals[runs[i].evals.length - 1].testLoss;
    return all.map((v, i) => ({
      name: v.name,
      group: v.group,
      change: v.change,
      finalTestLoss: final(i),
      bestTestLoss: Math.min(...runs[i].evals.map((e) => e.testLoss)),
      diverged: runs[i].diverged,
      stateBytes: runs[i].stateBytes,
      stepMs: ms[i],
      stepRatioToDefault: ms[i] / ms[0],
      stepRatioToAdamw: ms[i] / ms[all.length - 1],
      lossRatioToDefault: final(i) / final(0),
      evals: runs[i].evals,
    }));
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}
