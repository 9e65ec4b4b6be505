/**
 * One training run with a fixed budget of steps, measured the same way for every
 * optimizer:
 *   - the clock counts only training steps (batch assembly, forward, backward, the
 *     optimizer step and reading the loss back); evaluations pause it;
 *   - the test set is evaluated at step 0, every `evalEvery` steps and at the end;
 *   - time-to-target is the first evaluation whose test loss is <= the target, with
 *     the training seconds spent up to that step.
 */
import type { Examples } from '../data/dataset.js';
import { BatchOrder } from '../data/batches.js';
import type { Model } from '../models/model.js';
import { evaluate } from './evaluate.js';
import type { Learner } from './learner.js';

/** One evaluation point of a curve. */
export interface EvalPoint {
  readonly step: number;
  /** Training seconds spent before this evaluation. */
  readonly seconds: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

/** Everything a run measured. */
export interface RunResult {
  readonly label: string;
  /** Training loss of each step's batch (before its update). */
  readonly trainLoss: number[];
  /** Wall time of each step, milliseconds. */
  readonly stepMs: number[];
  readonly evals: EvalPoint[];
  /** Bytes of the optimizer state at the end. */
  readonly stateBytes: number;
  /** First evaluation at or below the target, or null if none. */
  readonly target: { readonly step: number; readonly seconds: number } | null;
  readonly diverged: boolean;
}

export interface RunOptions {
  readonly label: string;
  readonly model: Model;
  readonly learner: Learner;
  readonly train: Examples;
  readonly test: Examples;
  readonly steps: number;
  readonly batchSize: number;
  /** Seed of the batch order. */
  readonly seed: number;
  readonly evalEvery: number;
  readonly targetLoss: number;
  /** Stop as soon as the target is reached (for time-to-target benchmarks). */
  readonly stopAtTarget?: boolean;
  /** Called after each step. */
  readonly onStep?: (step: number, loss: number, trainSeconds: number) => void;
  /** Called after each evaluation. */
  readonly onEval?: (point: EvalPoint) => void;
}

export async function runTraining(o: RunOptions): Promise<RunResult> {
  const order = new BatchOrder(o.train.size, o.batchSize, o.seed);
  const trainLoss: number[] = [];
  const stepMs: number[] = [];
  const evals: EvalPoint[] = [];
  let seconds = 0;
  let target: RunResult['target'] = null;
  let diverged = false;
  const evalAt = async (step: number): Promise<void> => {
    const e = await evaluate(o.model, o.learner.params(), o.test);
    const point = { step, seconds, testLoss: e.loss, testAccuracy: e.accuracy };
    evals.push(point);
    if (target === null && e.loss <= o.targetLoss) target = { step, seconds };
    o.onEval?.(point);
  };
  await evalAt(0);
  const steps = o.stopAtTarget && target !== null ? 0 : o.steps;
  for (let k = 0; k < steps; k++) {
    const t0 = performance.now();
    const batch = o.train.batch(order.indices(k));
    let loss: number;
    try {
      loss = await o.learner.step(batch);
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
    const ms = performance.now() - t0;
    seconds += ms / 1000;
    stepMs.push(ms);
    trainLoss.push(loss);
    o.onStep?.(k + 1, loss, seconds);
    if (!Number.isFinite(loss)) {
      diverged = true;
      break;
    }
    const last = k + 1 === steps;
    if ((k + 1) % o.evalEvery === 0 || last) {
      await evalAt(k + 1);
      if (o.stopAtTarget && target !== null) break;
    }
  }
  return { label: o.label, trainLoss, stepMs, evals, stateBytes: o.learner.stateBytes(), target, diverged };
}
